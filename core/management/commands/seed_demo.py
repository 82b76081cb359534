"""Demo data: the real union tree of 揭阳市, one account per role, studios with leaders and members, and
their naming rounds, cycle assessments, rectifications and recommendations, each step through its services.

Idempotent: everything is keyed on unique union names, usernames and studio
names, so a second run creates nothing. `--scale N` makes sure a national-scale
synthetic world of N studios exists beside the demo (core/scale: unions, accounts,
studios, members, applications in every state with their reviews and history,
audit entries), written with COPY on PostgreSQL; a rerun adds only the difference.
"""
import contextlib
import datetime
import itertools
import logging
import zlib
from decimal import Decimal
from functools import partial
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from studios import alliance_services
from studios import lifecycle_services as lifecycle
from studios import record_services
from studios.models import (
    Alliance, ChangeKind, ChangeReason, ChangeRequest, ChangeStatus, Delisting, DelistReason,
    HonourKind, JointProjectStatus, Leader, Member, MemberRole, ResultKind, Studio, TrainingKind,
    studio_name_for,
)
from assessments import annual_services, cycle_services, recommendation_services, rectification_services
from assessments.models import (
    CYCLE_DIMENSIONS, AnnualAssessment, AnnualReport, AssessmentCycle, CycleGrade, Honour, Recommendation,
    Rectification,
)
from core.personal_data import id_check_character
from core.scale import ensure_scale, synthetic_studios
from core.scale.tree import BENCHMARK_ACCOUNTS
from documents import services as document_services
from documents.models import DocumentKind
from reviews import application_services, decision_services, panel_services
from reviews import services as round_services
from reviews.models import NamingRound
from rules.models import RuleSet
from subsidies import account_services, grant_services, ledger_services
from subsidies.models import ExpenseCategory, GrantStatus, SubsidyGrant, TransferStatus
from subsidies.permissions import FINANCE_GROUP, duty_group
from rules.services import ruleset_create_default
from unions.models import Role, Union, UnionKind, User
from unions.services import union_create

DEMO_PASSWORD = "Jieyang-2026"

ROOT = "揭阳市总工会"
COUNTIES = [
    "榕城区总工会", "揭东区总工会", "揭西县总工会", "惠来县总工会", "普宁市总工会",
    # the functional zones' unions rank with the county-level ones
    "揭阳产业转移工业园总工会", "揭阳空港经济区总工会", "揭阳高新技术产业开发区总工会",
    "大南海石化工业区总工会", "普宁华侨管理区总工会",
]
DIRECT = [
    "揭阳市直机关工会工作委员会", "揭阳市教育工会", "揭阳市卫生健康系统工会",
    # unions of central and provincial units in Jieyang (中央、省驻揭单位)
    "国网广东电网有限责任公司揭阳供电局工会", "中国移动通信集团广东有限公司揭阳分公司工会",
]
COMMITTEE = "揭阳市总工会女职工委员会"

# Fictional unit unions (no real company names), by the union that recommends them (第六条).
UNITS = {
    "榕城区总工会": ["揭阳市金叶机械制造有限公司工会", "揭阳市榕畔食品有限公司工会", "揭阳市榕江电子科技有限公司工会",
                "揭阳市仙桥不锈钢制品有限公司工会"],
    "揭东区总工会": ["揭阳市东岭五金制品有限公司工会"],
    "揭西县总工会": ["揭西县云岭茶业有限公司工会"],
    "惠来县总工会": ["惠来县蓝湾风电运维有限公司工会", "惠来县海港船舶修造有限公司工会"],
    "普宁市总工会": ["普宁市锦程纺织有限公司工会", "普宁市梅岭药业有限公司工会", "普宁市华溪电器有限公司工会"],
    "大南海石化工业区总工会": ["揭阳市海晟石化设备检修有限公司工会"],
    "揭阳市卫生健康系统工会": ["揭阳市康宁医疗器械维修中心工会"],
}

# username, full name, role, union, title
ACCOUNTS = [
    ("unit", "王敏", Role.UNIT_STAFF, "揭阳市金叶机械制造有限公司工会", "工会主席"),
    # a unit under another county, to show that scoping keeps the two apart
    ("unit2", "蔡佳琪", Role.UNIT_STAFF, "普宁市锦程纺织有限公司工会", "工会干事"),
    ("county", "李强", Role.RECOMMENDING_STAFF, "榕城区总工会", "经济技术部部长"),
    ("city", "张华", Role.MUNICIPAL_STAFF, ROOT, "经济技术部副部长"),
    ("county2", "郑强", Role.RECOMMENDING_STAFF, "普宁市总工会", "经济技术部部长"),
    ("expert", "周建国", Role.EXPERT, ROOT, "正高级工程师"),
    ("expert2", "林国栋", Role.EXPERT, "揭阳市教育工会", "教授"),
    ("expert3", "吴海燕", Role.EXPERT, "揭东区总工会", "高级技师"),
    # 揭东's studios must avoid expert3: a fourth expert gives every studio the rule set's 3 without conflict.
    ("expert4", "陈思远", Role.EXPERT, ROOT, "高级工程师"),
    ("admin", "刘洋", Role.ADMIN, ROOT, "系统管理员"),
    # The unit unions of the first batch file its self-evaluations, results and rectification reports.
    ("unit3", "蔡秀珍", Role.UNIT_STAFF, "揭阳市榕畔食品有限公司工会", "工会主席"),
    ("unit4", "谢丽娜", Role.UNIT_STAFF, "揭阳市榕江电子科技有限公司工会", "工会干事"),
    ("unit5", "洪佩玲", Role.UNIT_STAFF, "揭阳市仙桥不锈钢制品有限公司工会", "工会主席"),
    ("unit6", "庄雅琴", Role.UNIT_STAFF, "普宁市梅岭药业有限公司工会", "工会干事"),
    ("unit7", "张丽君", Role.UNIT_STAFF, "普宁市华溪电器有限公司工会", "工会主席"),
    # in the group 市总工会财务 (subsidies.permissions): approves transfers prepared by `city`, sees account numbers
    ("finance", "陈静怡", Role.MUNICIPAL_STAFF, ROOT, "财务部会计"),
]

# The naming decisions' numbers, by how many years ago they were taken.
DECISION_NUMBERS = {4: 46, 3: 18, 2: 15, 1: 21}

EXPERTS = [a[0] for a in ACCOUNTS if a[2] == Role.EXPERT]

# unit, leader, gender, honour (第五条(一)), honour year, job, field, named how many years ago, members.
# All start active: cancellations, delistings and rectifications come from their services, with history.
STUDIOS = [
    ("揭阳市金叶机械制造有限公司工会", "陈伟", "male", HonourKind.PROVINCIAL_MODEL, 2020, "数控车间主任",
     "精密机械加工", 3, ["黄志明", "吴晓东", "林海", "郑家豪", "许丽"]),
    ("揭阳市金叶机械制造有限公司工会", "林晓芳", "female", HonourKind.MUNICIPAL_CRAFTSMAN, 2021, "质量工程师",
     "质量检测与工艺改进", 2, ["陈静", "李嘉欣", "杨帆"]),
    ("揭阳市榕畔食品有限公司工会", "黄志强", "male", HonourKind.MUNICIPAL_MODEL, 2019, "生产部经理",
     "食品加工自动化", 3, ["蔡文", "方小燕", "谢伟"]),
    ("揭阳市东岭五金制品有限公司工会", "郭建华", "male", HonourKind.PROVINCIAL_CRAFTSMAN, 2022, "模具高级技师",
     "五金模具设计", 2, ["马俊", "邱志远", "罗敏", "韩雪"]),
    ("揭西县云岭茶业有限公司工会", "彭秀兰", "female", HonourKind.MUNICIPAL_MODEL, 2018, "制茶技师",
     "茶叶加工工艺", 1, ["彭小红", "钟伟", "温丽"]),
    ("惠来县蓝湾风电运维有限公司工会", "詹国栋", "male", HonourKind.NATIONAL_CRAFTSMAN, 2021, "运维班长",
     "海上风电运维", 1, ["詹明", "苏杰", "卢建", "余晖", "沈涛", "孔亮"]),
    ("普宁市锦程纺织有限公司工会", "郑丽娟", "female", HonourKind.MUNICIPAL_MODEL, 2017, "织造车间主任",
     "纺织印染节能", 2, ["郑敏", "陈晓", "林琳", "赖春燕"]),
    ("普宁市梅岭药业有限公司工会", "许振华", "male", HonourKind.PROVINCIAL_MODEL, 2016, "提取车间主任",
     "中药提取工艺", 3, ["许晓玲", "庄志鹏", "翁倩"]),
    ("揭阳市海晟石化设备检修有限公司工会", "吴海涛", "male", HonourKind.MUNICIPAL_CRAFTSMAN, 2022, "检修技师",
     "石化装置检修", 2, ["吴志勇", "魏东", "柯振宇"]),
    ("揭阳市康宁医疗器械维修中心工会", "姚文博", "male", HonourKind.NATIONAL_MODEL, 2020, "设备维修工程师",
     "医疗设备维修", 1, ["姚静", "何雨", "冯磊", "曾颖"]),
    # The first batch, graded by the cycle two years ago: see PAST_CYCLE.
    ("揭阳市金叶机械制造有限公司工会", "杨振东", "male", HonourKind.MUNICIPAL_CRAFTSMAN, 2019, "装配车间主任",
     "齿轮传动装配", 4, ["杨志鹏", "李文斌", "陈晓峰"]),
    ("揭阳市榕畔食品有限公司工会", "蔡少华", "male", HonourKind.MUNICIPAL_MODEL, 2018, "包装车间主任",
     "食品包装设备改造", 4, ["蔡丽萍", "张永强", "黄佳怡"]),
    ("揭阳市榕江电子科技有限公司工会", "谢振宇", "male", HonourKind.PROVINCIAL_MODEL, 2017, "工艺部经理",
     "电子元器件贴装工艺", 4, ["谢晓东", "刘晓静", "周志华", "邱伟"]),
    ("揭阳市仙桥不锈钢制品有限公司工会", "洪伟平", "male", HonourKind.MUNICIPAL_CRAFTSMAN, 2020, "抛光车间班长",
     "不锈钢抛光工艺", 4, ["洪晓明", "江涛", "许伟杰"]),
    ("普宁市锦程纺织有限公司工会", "赖建新", "male", HonourKind.MUNICIPAL_MODEL, 2016, "染整车间主任",
     "印染废水回用", 4, ["赖晓红", "刘建平", "黄少锋"]),
    ("普宁市锦程纺织有限公司工会", "方丽华", "female", HonourKind.MUNICIPAL_CRAFTSMAN, 2019, "设备科科长",
     "纺织设备维修", 4, ["方志坚", "郑少华", "陈丽"]),
    ("普宁市梅岭药业有限公司工会", "庄淑贞", "female", HonourKind.PROVINCIAL_CRAFTSMAN, 2018, "质量部经理",
     "中药饮片炮制", 4, ["庄伟明", "陈淑敏", "林志坚", "黄晓燕", "李国华"]),
    ("普宁市华溪电器有限公司工会", "张永辉", "male", HonourKind.MUNICIPAL_MODEL, 2017, "总装车间主任",
     "小家电装配自动化", 4, ["张晓军", "罗振华", "吴佳"]),
    ("惠来县海港船舶修造有限公司工会", "林海生", "male", HonourKind.MUNICIPAL_CRAFTSMAN, 2018, "船体车间主任",
     "渔船船体修造", 4, ["林志明", "苏晓东", "陈海波"]),
]

# This year's round, in its expert review: (account, leader, field, how far it has come)
CURRENT_APPLICATIONS = [
    ("unit", "蔡振雄", "智能装配", "under_review"),   # returned once, resubmitted, visited on site, partly scored
    ("unit", "黄丽珍", "数字化检测", "scored"),
    ("unit", "陈志坚", "液压维修", "returned"),       # returned in the preliminary review, not resubmitted in time
    ("unit", "吴少鹏", "钣金工艺", "draft"),          # never submitted
    ("unit2", "赖秀芬", "绿色印染", "under_review"),  # one expert recused
    ("unit2", "郑晓燕", "智能织造", "rejected"),      # at the preliminary review
    ("unit2", "林志远", "污水处理", "rejected"),      # at the municipal audit
    ("unit2", "许佳", "家纺设计", "withdrawn"),
    ("unit2", "翁晓明", "纺机维修", "accepted"),      # waiting for its experts
]
APPLICATION_FIELDS = {
    "leader_gender": "", "leader_job_title": "高级技师", "leader_honour": HonourKind.MUNICIPAL_CRAFTSMAN,
    "leader_honour_year": 2022, "leader_honour_body": "揭阳市人民政府", "organisation": "设攻关组、培训组、成果转化组",
    "venue_address": "厂区技术中心二楼", "venue_area": 150, "equipment": "加工中心、检测仪器、培训教室",
    "has_plaque": True, "systems": ["activity", "study", "tackling", "transfer", "reward", "management"],
    "systems_posted": True, "training": "每月技能培训，导师带徒 10 对，参加市技能竞赛",
    "funding": "企业每年安排专项经费 20 万元", "demonstration": "总结推广先进操作法，带动班组开展群众性创新",
    "lower_naming": "county_studio", "not_rnd_declaration": True,
}

# Last year's round: (account, leader, field, how it ended)
PREVIOUS_APPLICATIONS = [
    ("unit", "蔡建国", "数控刀具", "named"),
    ("unit", "方志诚", "焊接机器人", "named"),
    ("unit", "许文杰", "精密装配", "named"),
    ("unit", "何振宇", "设备点检", "not_selected"),
    ("unit2", "赖秀英", "节能染色", "named"),
    ("unit2", "郑伟", "纺纱工艺", "named"),
    ("unit2", "温晓玲", "面料检测", "rejected"),
    ("unit2", "彭丽华", "服装打版", "withdrawn"),
]

# The cycle two years ago over the first batch (第十条, 第十一条): leader → (self-evaluation grade, the
# recommending union's ratings, the experts' mark, the collective decision's grade and note). 林海生's unit never
# filed its self-evaluation, so his studio never reached the experts and could only fail.
PAST_CYCLE = {
    "谢振宇": (CycleGrade.EXCELLENT, ("good", "good", "good"), 94, CycleGrade.EXCELLENT,
            "贴装工艺攻关成果在全市电子行业推广，带徒成效显著，优先推荐申报省级创新工作室（第十四条）。"),
    "庄淑贞": (CycleGrade.EXCELLENT, ("good", "good", "fair"), 91, CycleGrade.EXCELLENT,
            "饮片炮制工艺标准化成果突出，骨干成员技能水平提升明显。"),
    "张永辉": (CycleGrade.PASS, ("good", "fair", "fair"), 78, CycleGrade.PASS, "运行规范，成果转化有待加强。"),
    "赖建新": (CycleGrade.PASS, ("fair", "basic", "basic"), 57, CycleGrade.FAIL,
            "活动记录不全，两年来无新的创新成果。限期整改：健全活动和攻关台账，完成至少 1 项攻关课题。"),
    "方丽华": (CycleGrade.PASS, ("basic", "basic", "poor"), 52, CycleGrade.FAIL,
            "骨干成员流失，场地被挪作仓库，两年来基本未开展活动。限期整改：恢复场地，充实团队，重新开展攻关和培训。"),
    "杨振东": (CycleGrade.PASS, ("fair", "basic", "basic"), 55, CycleGrade.FAIL,
            "制度未上墙执行，经费未单独核算。限期整改：完善工作室制度，落实专项经费并单独核算。"),
    "蔡少华": (CycleGrade.PASS, ("fair", "basic", "fair"), 56, CycleGrade.FAIL,
            "攻关项目停留在立项阶段，培训流于形式。限期整改：完成包装线改造攻关，建立培训考核记录。"),
    "洪伟平": (CycleGrade.PASS, ("basic", "basic", "basic"), 54, CycleGrade.FAIL,
            "领衔人长期外派，工作室活动停滞。限期整改：明确日常负责人，恢复每月攻关活动。"),
    "林海生": (None, None, None, CycleGrade.FAIL,
            "所在单位未按期提交自评，未经推荐单位评价和初审推荐（第十条）。限期整改：报告工作室运行情况和整改措施。"),
}
# The recommending union's comment, by its rating of 创新创效.
COUNTY_COMMENTS = {"good": "运行规范，创新成果突出，同意推荐。", "fair": "基本按计划开展活动，创新成果偏少。",
                   "basic": "活动开展不正常，成果转化不足，需加强管理。"}
# The experts' marks around a studio's mark, by the order they were assigned.
MARK_SPREAD = (Decimal("1.5"), Decimal("-1.0"), Decimal("0.5"))

# Administrative area codes of Jieyang (GB/T 2260) that begin the demo 身份证号, by the recommending union.
AREA_CODES = {"榕城区总工会": "445202", "揭东区总工会": "445203", "揭西县总工会": "445222", "惠来县总工会": "445224",
              "普宁市总工会": "445281"}
JIEYANG = "445202"


def demo_id_number(name, gender="", area=JIEYANG):
    """A made-up 身份证号 that passes GB 11643-1999: a Jieyang area code, a birth date in 1968–1987 and a sequence
    derived from the name (odd for men, as the standard has it), so the same person gets the same number on
    every run and different people different ones."""
    digest = zlib.crc32(name.encode())
    born = datetime.date(1968, 1, 1) + datetime.timedelta(days=digest % 7300)
    sequence = (digest // 7300) % 500 * 2 + (1 if gender == "male" else 0)
    body = f"{area}{born:%Y%m%d}{sequence:03d}"
    return body + id_check_character(body)


def demo_mobile(name):
    """A made-up mobile number (1[3-9] and nine digits), derived from the name."""
    digest = zlib.crc32(f"mobile:{name}".encode())
    return f"1{'35789'[digest % 5]}{digest % 10 ** 9:09d}"


def area_of(unit):
    return AREA_CODES.get(unit.recommending_union.name if unit.recommending_union else "", JIEYANG)


@contextlib.contextmanager
def clock_at(day):
    """Runs the services as if on `day` (from 9:00, a second per call), so the demo's history,
    deadlines and notices carry the dates the steps would really have had."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
    ticks = itertools.count()
    with mock.patch("django.utils.timezone.now", lambda: start + datetime.timedelta(seconds=next(ticks))):
        yield


# This year's round opened 80 days ago and its cycle assessment 40 days ago (their steps follow on those dates).
YOUNGEST_DEMO_YEAR = datetime.timedelta(days=90)


@contextlib.contextmanager
def demo_day():
    """Early in a year there is no room for this year's round before today: the demo is then seeded as of the
    last day of the year before, whose round and cycle are under way."""
    today = timezone.localdate()
    if today - datetime.date(today.year, 1, 1) >= YOUNGEST_DEMO_YEAR:
        yield
    else:
        with clock_at(datetime.date(today.year - 1, 12, 31)):
            yield


def demo_evidence(name="证明材料.pdf"):
    """A small real PDF standing in for a scanned letter."""
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf")


@contextlib.contextmanager
def demo_mail_stays_in_the_inbox():
    """The demo accounts are fictional: their notices fill the in-app inbox but are not printed or mailed."""
    trace = logging.getLogger("celery.app.trace")
    level = trace.level
    trace.setLevel(logging.WARNING)  # eager tasks would log a line per e-mail
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            yield
    finally:
        trace.setLevel(level)


def _member_role(index, count):
    """Two core members, a mentor to close a larger team, the rest plain members."""
    if index < 2:
        return MemberRole.CORE
    return MemberRole.MENTOR if count >= 5 and index == count - 1 else MemberRole.MEMBER


class Command(BaseCommand):
    help = "建立演示数据（揭阳市工会组织树、各角色演示账号、创新工作室）；--scale N 另确保共有 N 个合成工作室，用于性能测试。"

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=0, metavar="N", help="确保共有 N 个合成工作室及其成员、申报、评审和操作记录（批量写入）")

    def handle(self, *args, scale=0, verbosity=1, **options):
        if scale < 0:
            raise CommandError("--scale 不能为负数。")
        self.created = dict.fromkeys(
            ["unions", "accounts", "studios", "members", "rounds", "alliances", "cycles", "rectifications",
             "recommendations"], 0)
        # All or nothing: a failed run leaves no half-built tree.
        with demo_mail_stays_in_the_inbox(), transaction.atomic(), demo_day():
            unions = self._union_tree()
            self._accounts(unions)
            self._studios(unions)
            self._alliances()  # before the delisting of 许振华's studio, which was a member
            self._studio_lives()
            if RuleSet.objects.current() is None:  # e.g. a test database flushed after its migrations
                ruleset_create_default(published=True)
            self._previous_round()
            self._current_round()
            self._cycles()  # after last year's round, whose expert panel it reuses; before 第九条's yearly work
            self._annual()
            self._subsidies()
        # After the demo and outside its clock: the synthetic world carries its own dates.
        self.scaled = ensure_scale(scale, DEMO_PASSWORD) if scale else {}
        if verbosity:
            self._summary(scale)

    # The demo tree, accounts and studios -------------------------------------------------------

    def _union_tree(self):
        names = [ROOT, *COUNTIES, *DIRECT, COMMITTEE, *(name for units in UNITS.values() for name in units)]
        unions = {u.name: u for u in Union.objects.filter(name__in=names)}

        def ensure(parent, name, kind):
            if name not in unions:
                # union_create keeps the tree's shape and sets the recommending union (第六条)
                unions[name] = union_create(parent=parent, name=name, kind=kind,
                                            contact_phone=f"0663-8{zlib.crc32(name.encode()) % 10 ** 6:06d}")
                self.created["unions"] += 1
            return unions[name]

        root = ensure(None, ROOT, UnionKind.MUNICIPAL)
        for name in COUNTIES:
            ensure(root, name, UnionKind.COUNTY)
        for name in DIRECT:
            ensure(root, name, UnionKind.DIRECT)
        ensure(root, COMMITTEE, UnionKind.COMMITTEE)
        for parent, units in UNITS.items():
            for name in units:
                ensure(unions[parent], name, UnionKind.UNIT)
        return unions

    def _accounts(self, unions):
        existing = set(User.objects.filter(username__in=[a[0] for a in ACCOUNTS]).values_list("username", flat=True))
        for username, full_name, role, union, title in ACCOUNTS:
            if username in existing:
                continue  # never reset the password of an account someone may be using
            is_admin = role == Role.ADMIN
            user = User(username=username, full_name=full_name, role=role, union=unions[union], title=title,
                        email=f"{username}@example.cn", phone=demo_mobile(username), is_staff=is_admin,
                        is_superuser=is_admin)
            user.set_password(DEMO_PASSWORD)
            user.full_clean()  # the role must fit the kind of its union
            user.save()
            self.created["accounts"] += 1

    def _studios(self, unions):
        existing = set(Studio.objects.filter(
            name__in=[studio_name_for(s[1]) for s in STUDIOS]).values_list("name", flat=True))
        for unit_name, leader_name, gender, honour, honour_year, job, field, ago, members in STUDIOS:
            name = studio_name_for(leader_name)  # 第六条: 领衔人姓名+劳模和工匠人才创新工作室
            if name in existing:
                continue
            unit = unions[unit_name]
            year = timezone.localdate().year - ago
            founded = datetime.date(year - 2, 3, 1)
            leader = Leader.objects.create(name=leader_name, gender=gender, unit=unit, job_title=job,
                                           honour=honour, honour_year=honour_year, mobile=demo_mobile(leader_name),
                                           id_number=demo_id_number(leader_name, gender, area_of(unit)))
            studio = Studio.objects.create(
                name=name, unit=unit, leader=leader, named_year=year,
                decision_number=f"揭工总〔{year}〕{DECISION_NUMBERS[ago]}号",
                field=field, founded_on=founded, address=f"{unit.name.removesuffix('工会')}{field}攻关室",
                description=f"以{leader_name}同志为领衔人，围绕{field}开展技术攻关、师带徒和技能培训。",
            )
            Member.objects.bulk_create(
                Member(studio=studio, name=member, role=_member_role(i, len(members)), joined_on=founded,
                       mobile=demo_mobile(member) if _member_role(i, len(members)) == MemberRole.CORE else "")
                for i, member in enumerate(members)
            )
            self.created["studios"] += 1
            self.created["members"] += len(members)

    def _alliances(self):
        """第十七条: two alliances across unions, with members joining over time and joint projects."""
        if Alliance.objects.exists():
            return
        city = self._users()["city"]
        today = timezone.localdate()
        day = lambda n: today + datetime.timedelta(days=n)  # noqa: E731
        studio = lambda leader: Studio.objects.get(name=studio_name_for(leader))  # noqa: E731
        join = lambda alliance, leader, n: alliance_services.alliance_member_add(  # noqa: E731
            city, alliance, studio=studio(leader), joined_on=day(n))
        with clock_at(day(-420)):
            machining = alliance_services.alliance_create(
                city, name="揭阳市智能制造与精密加工创新工作室联盟", field="精密机械加工、模具与检测", lead=studio("陈伟"),
                founded_on=day(-420), description="由精密加工、模具、质量检测领域的市级创新工作室组成，"
                "围绕装备制造企业的共性工艺难题开展联合攻关、技术交流和师带徒结对。")
            join(machining, "林晓芳", -420)
        with clock_at(day(-300)):
            join(machining, "郭建华", -300)
            join(machining, "许振华", -300)
        with clock_at(day(-280)):
            alliance_services.joint_project_add(
                city, machining, title="数控加工夹具快换标准化", year=day(-280).year,
                participants=[studio("陈伟"), studio("郭建华"), studio("林晓芳")],
                description="统一联盟成员企业数控车床、加工中心的夹具接口，缩短换型时间。",
                status=JointProjectStatus.COMPLETED, outcome="换型时间由 45 分钟缩短到 12 分钟，形成企业标准 1 项。")
        with clock_at(day(-250)):
            join(machining, "黄志强", -250)
        with clock_at(day(-150)):
            energy = alliance_services.alliance_create(
                city, name="揭阳市能源与装备运维创新工作室联盟", field="风电、石化和医疗设备运维", lead=studio("詹国栋"),
                founded_on=day(-150), description="联合海上风电、石化装置和医疗设备的运维工作室，"
                "共享状态监测和预防性维修经验。")
            join(energy, "吴海涛", -150)
        with clock_at(day(-120)):
            join(energy, "姚文博", -120)
        with clock_at(day(-100)):
            alliance_services.joint_project_add(
                city, machining, title="薄壁零件在线检测与变形控制", year=day(-100).year,
                participants=[studio("陈伟"), studio("林晓芳"), studio("许振华")],
                description="共建在线检测工装，研究薄壁件加工变形的补偿方法。")
        with clock_at(day(-60)):
            alliance_services.joint_project_add(
                city, energy, title="大型设备振动监测与预防性维修", year=day(-60).year,
                participants=[studio("詹国栋"), studio("吴海涛"), studio("姚文博")],
                description="共用振动监测数据分析方法，编制预防性维修作业指导书。")
        self.created["alliances"] = 2

    def _studio_lives(self):
        """第七条 and 第八条 on the demo studios: a cancellation and a delisting done, two changes waiting."""
        if ChangeRequest.objects.exists() or Delisting.objects.exists():
            return
        users = self._users()
        today = timezone.localdate()
        day = lambda n: today + datetime.timedelta(days=n)  # noqa: E731
        studio = lambda leader: Studio.objects.get(name=studio_name_for(leader))  # noqa: E731
        with clock_at(day(-120)):
            cancel = lifecycle.change_request_create(
                users["unit2"], studio("郑丽娟"), kind=ChangeKind.CANCEL, reason=ChangeReason.RETIRED,
                explanation="郑丽娟同志已退休，团队骨干分流到各车间，申请取消工作室。", evidence=demo_evidence())
        with clock_at(day(-115)):
            lifecycle.change_review(users["county2"], cancel, from_status=ChangeStatus.SUBMITTED, agree=True)
        with clock_at(day(-110)):
            lifecycle.change_decide(users["city"], cancel, from_status=ChangeStatus.RECOMMENDED, approve=True)
        with clock_at(day(-90)):
            lifecycle.studio_delist(
                users["city"], studio("许振华"), reason=DelistReason.UNIT_REQUEST, decided_on=day(-90),
                facts="企业提取车间整体搬迁停产，工作室已不能正常开展活动，经研究不再保留称号。",
                decision_number=f"揭工总〔{day(-90).year}〕6号", evidence=demo_evidence("调查核实情况.pdf"))
        with clock_at(day(-60)):  # the results and talent database of 第五条(七)
            patents = (("陈伟", "数控车床快换夹具", "1"), ("林晓芳", "齿轮箱在线检测工装", "2"))
            for leader, title, n in patents:
                record_services.result_add(users["unit"], studio(leader), year=day(-60).year, kind=ResultKind.PATENT,
                                           title=title, patent_number=f"ZL{day(-60).year}2000012{n}.5")
                record_services.training_add(users["unit"], studio(leader), held_on=day(-60), title=f"{leader}师带徒结对",
                                             kind=TrainingKind.MENTORING, participants=8)
            record_services.result_add(users["unit"], studio("陈伟"), year=day(-60).year - 1, kind=ResultKind.RECOGNITION,
                                       title="薄壁件加工工艺改进", level="municipal", issuing_body="揭阳市科学技术局")
        new_leader = {"new_leader_gender": "male", "new_leader_job_title": "数控车间副主任",
                      "new_leader_honour": HonourKind.MUNICIPAL_CRAFTSMAN, "new_leader_honour_year": 2021}
        with clock_at(day(-20)):
            waiting = lifecycle.change_request_create(
                users["unit"], studio("陈伟"), kind=ChangeKind.CHANGE_LEADER, reason=ChangeReason.RETIRED,
                explanation="陈伟同志明年一月退休，由黄志明同志接任领衔人。", evidence=demo_evidence(),
                new_leader_name="黄志明", new_leader_id_number=demo_id_number("黄志明", "male", AREA_CODES["榕城区总工会"]),
                new_leader_mobile=demo_mobile("黄志明"), **new_leader)
        with clock_at(day(-15)):
            lifecycle.change_review(users["county"], waiting, from_status=ChangeStatus.SUBMITTED, agree=True,
                                    comment="黄志明同志为揭阳工匠，同意更换。")
        with clock_at(day(-3)):
            lifecycle.change_request_create(
                users["unit"], studio("林晓芳"), kind=ChangeKind.CHANGE_LEADER, reason=ChangeReason.LEFT,
                explanation="林晓芳同志调往集团总部，由陈静同志接任领衔人。", evidence=demo_evidence(),
                new_leader_name="陈静", new_leader_id_number=demo_id_number("陈静", "female", AREA_CODES["榕城区总工会"]),
                new_leader_mobile=demo_mobile("陈静"), **{**new_leader, "new_leader_gender": "female"})

    def _annual(self):
        """第九条: last year reported, assessed and reported up by 榕城 and 普宁; this year under way."""
        if AnnualReport.objects.exists() or AnnualAssessment.objects.exists():
            return
        users = self._users()
        today = timezone.localdate()
        last, this = today.year - 1, today.year
        ratings = {"system_rating": "good", "funding_rating": "good", "training_rating": "fair",
                   "transfer_rating": "fair", "demonstration_rating": "good",
                   "comment": "制度健全，经费落实，师带徒成效明显；成果转化仍需加强。"}

        def report(username, studio, year, submit=True):
            fields = {"operation": f"{year} 年开展技术攻关和现场改善活动 8 次，解决生产难题 5 项。",
                      "results": "取得实用新型专利 1 项，推广先进操作法 1 项。", "training": "开展技能培训 10 期 260 人次，结对师徒 6 对。",
                      "funding": "企业安排专项经费 25 万元，工会补助资金单独核算。", "plan": "围绕设备智能化改造开展攻关。"}
            annual_services.annual_report_save(users[username], studio, year, fields, submit=submit)

        def area(username, year):
            return annual_services.area_studios(users[username].union, year).order_by("name")

        with clock_at(datetime.date(last, 11, 20)):
            for username, county in (("unit", "county"), ("unit2", "county2")):
                for studio in area(county, last).filter(unit=users[username].union):
                    report(username, studio, last)
        with clock_at(datetime.date(last, 12, 15)):
            for county in ("county", "county2"):
                for studio in area(county, last):
                    annual_services.annual_assess(users[county], studio, last, ratings)
        with clock_at(datetime.date(last, 12, 28)):
            for county in ("county", "county2"):  # the areas without demo accounts show as late
                annual_services.annual_assessments_report(users[county], last)
        with clock_at(today - datetime.timedelta(days=10)):
            studios = list(area("county", this).filter(unit=users["unit"].union))
            report("unit", studios[0], this)
            report("unit", studios[1], this, submit=False)
        with clock_at(today - datetime.timedelta(days=2)):
            annual_services.annual_assess(users["county"], studios[0], this, ratings)

    def _current_round(self):
        """This year's round, now in its expert review, with applications in every state that phase can hold.

        A round is in one phase at a time, so states that only exist in a later phase (shortlisted,
        in publicity, approved, named) are shown by last year's round and reached by acting on this one.
        """
        year = timezone.localdate().year
        if NamingRound.objects.filter(year=year).exists():
            return
        users = self._users()
        city = users["city"]
        today = timezone.localdate()
        day = lambda n: today + datetime.timedelta(days=n)  # noqa: E731
        with clock_at(day(-80)):
            naming_round = round_services.round_create(
                city, year=year, notes="演示数据：本年度命名批次（专家评审中）。", application_deadline=day(-50),
                preliminary_deadline=day(-35), audit_deadline=day(-20), expert_deadline=day(10),
                decision_deadline=day(25))
            naming_round = self._advance(naming_round, "根据第六条，请各单位工会在截止日前提交申报。")
        apps, owner = {}, {}
        for n, (username, leader, field, outcome) in enumerate(CURRENT_APPLICATIONS):
            owner[leader] = username
            with clock_at(day(-75 + n)):
                apps[leader] = self._fill(users[username], naming_round, leader, field)
            if outcome != "draft":
                with clock_at(day(-62 + n)):
                    application_services.application_submit(users[username], apps[leader], from_status="draft")

        def county(leader):  # the recommending union's account for the leader's unit
            return users["county" if owner[leader] == "unit" else "county2"]

        with clock_at(day(-49)):
            naming_round = self._advance(naming_round)
        with clock_at(day(-46)):
            for leader in ("蔡振雄", "陈志坚"):
                application_services.application_return(
                    county(leader), apps[leader], from_status="submitted",
                    comment="请补充近两年专利证书复印件和成果应用证明。")
            application_services.application_reject(
                county("郑晓燕"), apps["郑晓燕"], from_status="submitted",
                comment="工作室成立未满两年（第五条（一）），本年度暂不推荐。")
        with clock_at(day(-43)):
            application_services.application_submit(users["unit"], apps["蔡振雄"], from_status="returned",
                                                    comment="已补充专利证书和成果应用证明。")
        with clock_at(day(-40)):
            for leader in ("蔡振雄", "黄丽珍", "赖秀芬", "林志远", "许佳", "翁晓明"):
                application_services.application_recommend(county(leader), apps[leader], from_status="submitted",
                                                           comment="材料齐全，同意推荐。")
        with clock_at(day(-34)):
            naming_round = self._advance(naming_round)
        with clock_at(day(-30)):
            for leader in ("蔡振雄", "黄丽珍", "赖秀芬", "许佳", "翁晓明"):
                application_services.application_accept(city, apps[leader], from_status="recommended")
            application_services.application_audit_reject(
                city, apps["林志远"], from_status="recommended",
                comment="所报成果均为企业内部评定，未达到县级以上有关部门认可（第五条（七））。")
        with clock_at(day(-28)):
            application_services.application_withdraw(users["unit2"], apps["许佳"], from_status="accepted",
                                                      comment="领衔人调往外地分公司，本年度撤回申报。")
        with clock_at(day(-24)):
            decision_services.site_visit_record(
                city, apps["蔡振雄"], visited_on=day(-24), visitors="张华、周建国",
                findings="场地 150 平方米，设备台账齐全，制度上墙，现场演示了自主研制的装配夹具。")
        with clock_at(day(-22)):
            panel = panel_services.panel_save(city, naming_round, [users[e] for e in EXPERTS])
            # 翁晓明's application was accepted late and still waits for its experts.
            for leader in ("蔡振雄", "黄丽珍", "赖秀芬"):
                for expert in ("expert", "expert2", "expert3"):
                    panel_services.assign(city, panel, apps[leader], users[expert])
        with clock_at(day(-19)):
            naming_round = self._advance(naming_round, "请各位专家在截止日前完成评分。")
        criteria = list(naming_round.rule_set.criteria.all())
        scores = [("黄丽珍", "expert", 0.90, -12), ("黄丽珍", "expert2", 0.86, -10), ("黄丽珍", "expert3", 0.88, -9),
                  ("蔡振雄", "expert", 0.84, -8)]
        for leader, expert, share, when in scores:
            assignment = apps[leader].assignments.get(expert=users[expert])
            points = {c.pk: (c.max_score * Decimal(str(share))).quantize(Decimal("0.1")) for c in criteria}
            with clock_at(day(when)):
                panel_services.submit_scores(users[expert], assignment, points, "团队结构合理，成果有推广价值。")
        with clock_at(day(-7)):
            panel_services.recuse(users["expert2"], apps["赖秀芬"].assignments.get(expert=users["expert2"]),
                                  "近三年曾为该企业提供技术咨询，申请回避。")
        self.created["rounds"] += 1

    def _users(self):
        return {u.username: u for u in User.objects.filter(username__in=[a[0] for a in ACCOUNTS])}

    def _advance(self, naming_round, comment=""):
        return round_services.round_advance(User.objects.get(username="city"), naming_round,
                                            from_phase=naming_round.phase, comment=comment)

    def _fill(self, user, naming_round, leader, field):
        """A complete application meeting every condition of 第五条."""
        application = application_services.application_create(user, naming_round)
        year = naming_round.year
        fields = {
            **APPLICATION_FIELDS, "leader_name": leader, "founded_on": datetime.date(year - 4, 3, 1),
            "leader_id_number": demo_id_number(leader, APPLICATION_FIELDS["leader_gender"], area_of(user.union)),
            "leader_mobile": demo_mobile(leader),
            "annual_plan": f"{year} 年围绕{field}攻关 3 项现场难题，开展 12 次技能培训。",
            "lower_naming_date": datetime.date(year - 2, 5, 1),
            "lower_naming_body": user.union.recommending_union.name,
        }
        results = [
            {"year": year - 2, "kind": "patent", "title": f"{field}专用夹具", "patent_number": f"ZL{year - 2}10000123.4",
             "level": "national", "issuing_body": "国家知识产权局"},
            {"year": year - 1, "kind": "recognition", "title": f"{field}工艺改进", "patent_number": "",
             "level": "municipal", "issuing_body": "揭阳市科学技术局"},
        ]
        members = [{"name": f"{leader[0]}{n}", "role": "技术骨干", "job_title": "技师", "mobile": demo_mobile(leader + n)}
                   for n in ("明", "华", "军")]
        return application_services.application_save(user, application, fields, members, results)

    def _previous_round(self):
        """Last year's round, taken through every step of 第六条 on last year's dates to its naming decision."""
        year = timezone.localdate().year - 1
        if NamingRound.objects.filter(year=year).exists():
            return
        users = self._users()
        city = users["city"]
        on = lambda month, day: clock_at(datetime.date(year, month, day))  # noqa: E731
        with on(6, 1):
            naming_round = round_services.round_create(
                city, year=year, notes="演示数据：上一年度命名批次（已结束）。",
                application_deadline=datetime.date(year, 7, 31), preliminary_deadline=datetime.date(year, 8, 31),
                audit_deadline=datetime.date(year, 9, 30), expert_deadline=datetime.date(year, 10, 31),
                decision_deadline=datetime.date(year, 11, 20))
            naming_round = self._advance(naming_round)
        applications = []
        for n, (username, leader, field, outcome) in enumerate(PREVIOUS_APPLICATIONS):
            with on(7, 1 + n):
                application = self._fill(users[username], naming_round, leader, field)
                if outcome == "withdrawn":
                    application_services.application_withdraw(users[username], application, from_status="draft",
                                                               comment="领衔人岗位调整，暂不申报。")
                    continue
                application_services.application_submit(users[username], application, from_status="draft")
            applications.append((application, username, outcome))
        with on(8, 1):
            naming_round = self._advance(naming_round)
        with on(8, 20):
            for application, username, outcome in applications:
                reviewer = users["county" if username == "unit" else "county2"]
                if outcome == "rejected":
                    application_services.application_reject(reviewer, application, from_status="submitted",
                                                            comment="创新成果未达到县级以上认可，暂不推荐。")
                else:
                    application_services.application_recommend(reviewer, application, from_status="submitted",
                                                               comment="材料齐全，同意推荐。")
        with on(9, 1):
            naming_round = self._advance(naming_round)
        reviewed = [a for a, _u, outcome in applications if outcome != "rejected"]
        with on(9, 15):
            for application in reviewed:
                application_services.application_accept(city, application, from_status="recommended")
            panel = panel_services.panel_save(city, naming_round, [users[e] for e in EXPERTS])
            panel_services.auto_assign(city, panel)
        with on(10, 8):
            naming_round = self._advance(naming_round)
        criteria = list(naming_round.rule_set.criteria.all())
        for rank, application in enumerate(reviewed):
            for turn, assignment in enumerate(application.assignments.all()):
                share = Decimal(95 - 4 * rank - 3 * turn) / 100
                points = {c.pk: (c.max_score * share).quantize(Decimal("0.1")) for c in criteria}
                with on(10, 15 + turn):
                    panel_services.submit_scores(assignment.expert, assignment, points, "团队稳定，成果突出。")
        with on(11, 1):
            naming_round = self._advance(naming_round)
        shortlist = [a for a, _u, outcome in applications if outcome == "named"]
        with on(11, 20):
            decision_services.deliberation_record(city, naming_round, meeting_date=datetime.date(year, 11, 20),
                                                  minutes_ref=f"市总工会党组会议纪要〔{year}〕9号",
                                                  shortlisted=shortlist)
        with on(11, 21):
            naming_round = self._advance(naming_round)
        with on(11, 24):
            objection = decision_services.objection_submit(
                shortlist[0], channel="phone", objector_kind="person", objector_name="林先生",
                contact="0663-8200000", facts="反映该工作室部分成员已调离原单位，团队人数不足。", recorded_by=city)
        with on(11, 26):
            decision_services.objection_handle(
                city, objection, upheld=False,
                handling="经向单位工会核实，调离的 1 名成员已由新成员补充，团队符合第五条（三）的要求，异议不成立。")
        naming_round.refresh_from_db()
        with clock_at(naming_round.publicity_end + datetime.timedelta(days=1)):
            decision_services.approve_after_publicity(naming_round)  # the nightly job, as the system
        with on(12, 10):
            decision_services.naming_issue(city, naming_round, decision_number=f"揭工总〔{year}〕21号",
                                           decision_date=datetime.date(year, 12, 10))
            naming_round.refresh_from_db()
            for kind in DocumentKind:  # produced after the seed commits, ready to download
                document_services.document_request(city, naming_round, kind)
        self.created["rounds"] += 1

    # 第十条, 第十一条, 第十四条: cycle assessments, rectifications, recommendations --------------------

    def _cycles(self):
        """The cycle two years ago, concluded, with its rectifications and recommendations; this year's cycle
        in its evaluation phase. A cycle is in one phase at a time, so the expert review's states appear only
        when the demo user moves this year's cycle on."""
        if AssessmentCycle.objects.exists():
            return
        users = self._users()
        evaluations = self._past_cycle(users)
        self._rectifications(users)
        self._recommendations(users, evaluations)
        self._running_cycle(users)
        self.created["cycles"] = 2
        self.created["rectifications"] = Rectification.objects.count()
        self.created["recommendations"] = Recommendation.objects.count()

    @staticmethod
    def _staff(users, role):
        """The demo account of each union with that role: who acts for a studio's unit or recommending union."""
        return {u.union_id: u for u in users.values() if u.role == role}

    def _past_cycle(self, users):
        """Two years ago, over the first batch, step by step on that autumn's dates to the decision in December."""
        year = timezone.localdate().year - 2
        on = lambda month, day: clock_at(datetime.date(year, month, day))  # noqa: E731
        city = users["city"]
        unit_of, county_of = self._staff(users, Role.UNIT_STAFF), self._staff(users, Role.RECOMMENDING_STAFF)
        studios = {s.leader.name: s for s in Studio.objects.filter(
            leader__name__in=PAST_CYCLE).select_related("leader", "unit")}
        with on(6, 15):  # the results database of 第五条(七), which the self-evaluations and recommendations cite
            record_services.result_add(unit_of[studios["谢振宇"].unit_id], studios["谢振宇"], year=year - 1,
                                       kind=ResultKind.PATENT, title="贴片机吸嘴自动清洗装置",
                                       patent_number=f"ZL{year - 1}20356781.2")
            record_services.result_add(unit_of[studios["谢振宇"].unit_id], studios["谢振宇"], year=year,
                                       kind=ResultKind.RECOGNITION, title="微型元件贴装偏移控制方法", level="municipal",
                                       issuing_body="揭阳市科学技术局")
            record_services.result_add(unit_of[studios["庄淑贞"].unit_id], studios["庄淑贞"], year=year,
                                       kind=ResultKind.PATENT, title="中药饮片恒温润药装置",
                                       patent_number=f"ZL{year}20104567.3")
            record_services.result_add(unit_of[studios["张永辉"].unit_id], studios["张永辉"], year=year - 1,
                                       kind=ResultKind.RECOGNITION, title="电热水壶底座自动锁付工艺", level="county",
                                       issuing_body="普宁市科学技术局")
        with on(9, 2):
            cycle = cycle_services.cycle_open(
                city, year=year, notes="演示数据：上一次周期考核（已公布结果）。",
                self_deadline=datetime.date(year, 9, 30), evaluation_deadline=datetime.date(year, 10, 20),
                expert_deadline=datetime.date(year, 11, 20))
        evaluations = {e.studio.leader.name: e for e in cycle.evaluations.select_related("studio__leader")}
        filed = [leader for leader, (self_grade, *_rest) in PAST_CYCLE.items() if self_grade]
        for n, leader in enumerate(filed):
            with on(9, 10 + n):
                cycle_services.self_evaluation_save(
                    unit_of[studios[leader].unit_id], evaluations[leader], submit=True, grade=PAST_CYCLE[leader][0],
                    summary=f"两年来围绕{studios[leader].field}开展攻关和培训，制度、经费、成果情况见附表。")
        with on(9, 22):
            cycle_services.self_evaluation_return(county_of[studios["蔡少华"].unit.recommending_union_id],
                                                  evaluations["蔡少华"], comment="请补充攻关项目进展和经费使用明细。")
        with on(9, 27):
            cycle_services.self_evaluation_save(
                unit_of[studios["蔡少华"].unit_id], evaluations["蔡少华"], submit=True, grade=CycleGrade.PASS,
                summary="已补充：包装线改造攻关处于立项阶段；两年经费 8 万元，明细附后。")
        for n, leader in enumerate(filed):
            ratings = dict(zip((f for f, _label in CYCLE_DIMENSIONS), PAST_CYCLE[leader][1]))
            with on(10, 8 + n):
                cycle_services.evaluation_save(
                    county_of[studios[leader].unit.recommending_union_id], evaluations[leader],
                    {**ratings, "evaluation_comment": COUNTY_COMMENTS[ratings["innovation_rating"]]})
        with on(10, 18):
            for county in ("county", "county2"):
                cycle_services.preliminary_recommend(users[county], cycle)
        panel = NamingRound.objects.get(year=year + 1).panel  # the experts the municipal union works with
        with on(10, 22):
            cycle = cycle_services.cycle_start_expert_review(city, cycle, from_phase=cycle.phase, panel=panel)
        recused = evaluations["张永辉"].reviews.order_by("pk").first()
        with on(10, 25):
            cycle_services.cycle_review_recuse(recused.expert, recused, reason="曾为该企业提供技术咨询，申请回避。")
        with on(10, 26):
            busy = evaluations["张永辉"].reviews.values_list("expert", flat=True)
            cycle_services.cycle_assign(city, evaluations["张永辉"], panel.experts.exclude(pk__in=busy).get())
        for n, leader in enumerate(filed):
            reviews = evaluations[leader].reviews.filter(status="assigned").select_related("expert").order_by("pk")
            for turn, review in enumerate(reviews):
                mark = PAST_CYCLE[leader][2] + MARK_SPREAD[turn]
                with on(11, 1 + n + 2 * turn):
                    cycle_services.cycle_review_submit(
                        review.expert, review, total=mark,
                        comment="成果展示材料翔实。" if mark >= 60 else "活动开展不正常，成果不足。")
        with on(11, 25):
            cycle = cycle_services.cycle_start_decision(city, cycle, from_phase=cycle.phase)
        with on(12, 10):
            cycle_services.cycle_decide(
                city, cycle, from_phase=cycle.phase, meeting_date=datetime.date(year, 12, 10),
                minutes_ref=f"市总工会党组会议纪要〔{year}〕12号",
                grades={evaluations[leader].pk: {"grade": grade, "note": note}
                        for leader, (*_rest, grade, note) in PAST_CYCLE.items()})
        return {e.studio.leader.name: e for e in cycle.evaluations.select_related("studio__leader")}  # as graded

    def _rectifications(self, users):
        """第十一条 and 第八条(四): the six rectifications of that cycle, each through its own history to where it is."""
        today = timezone.localdate()
        year = today.year - 1
        day = lambda n: today + datetime.timedelta(days=n)  # noqa: E731
        on = lambda month, d: clock_at(datetime.date(year, month, d))  # noqa: E731
        city = users["city"]
        unit_of = self._staff(users, Role.UNIT_STAFF)
        rectification = {r.studio.leader.name: r for r in Rectification.objects.select_related("studio__leader")}

        def report(leader, text, evidence=None):
            rectification_services.rectification_report(unit_of[rectification[leader].studio.unit_id],
                                                        rectification[leader], report=text, evidence=evidence)

        def extend(leader, deadline, why):
            rectification_services.rectification_extend(city, rectification[leader], deadline=deadline, comment=why)

        with on(2, 20):  # reported in time, and put right
            report("赖建新", "已建立活动和攻关台账，完成印染废水回用率提升攻关 1 项，回用率由 35% 提高到 52%。",
                   demo_evidence("整改情况佐证材料.pdf"))
        with on(3, 3):
            report("方丽华", "已清理场地，新吸收成员 1 名，计划下半年开展攻关。")
        with on(3, 11):  # the nightly job, the day after the deadline: the other four reported nothing
            rectification_services.mark_overdue()
        with on(3, 20):
            rectification_services.rectification_recheck(city, rectification["赖建新"], passed=True,
                                                          comment="经现场复查，台账齐全，攻关成果已应用，整改合格。")
        with on(3, 28):  # the municipal union's meeting on the four proposals: new deadlines, with reasons
            extend("杨振东", day(35), "企业整体搬迁至新厂区，新厂区投产前工作室无法恢复活动，经研究不予摘牌，整改期限延至新厂区投产后。")
            extend("蔡少华", day(5), "包装线改造需随企业技改项目实施，经研究给予新的整改期限。")
            extend("洪伟平", day(-55), "领衔人外派任务结束后回厂，经研究给予新的整改期限。")
            extend("林海生", day(-31), "单位工会人员调整导致未及时报告，经研究给予新的整改期限。")
        with on(4, 8):
            rectification_services.rectification_recheck(city, rectification["方丽华"], passed=False,
                                                          comment="场地仍未恢复，团队仅 2 人，整改期内未开展任何活动。")
        with on(4, 25):
            rectification_services.rectification_confirm_delisting(
                city, rectification["方丽华"], decision_number=f"揭工总〔{year}〕9号", decided_on=datetime.date(year, 4, 25),
                facts="周期考核不合格，经整改复查仍不能正常开展活动（第八条(四)）。", evidence=demo_evidence("复查情况.pdf"))
        with clock_at(day(-60)):
            report("洪伟平", "已明确日常负责人，恢复每月攻关活动，开展活动 3 次。")
        with clock_at(day(-30)):  # the nightly job again: 林海生's studio let its new deadline pass too
            rectification_services.mark_overdue()
        with clock_at(day(-21)):
            rectification_services.rectification_recheck(
                city, rectification["洪伟平"], passed=False, comment="活动记录与现场情况不符，攻关课题未落实，整改不力。")
        with clock_at(day(-4)):
            report("蔡少华", "包装线改造攻关已完成并投入使用，建立培训考核记录，开展培训 6 期。",
                   demo_evidence("整改报告.pdf"))

    def _recommendations(self, users, evaluations):
        """第十四条: the two 优秀 studios of the cycle, their people and results put forward, each with its outcome."""
        today = timezone.localdate()
        year = today.year - 1
        day = lambda n: today + datetime.timedelta(days=n)  # noqa: E731
        on = lambda month, d: clock_at(datetime.date(year, month, d))  # noqa: E731
        city = users["city"]
        best, second = evaluations["谢振宇"], evaluations["庄淑贞"]
        create = partial(recommendation_services.recommendation_create, city)

        def advance(recommendation, action, note=""):
            return recommendation_services.recommendation_advance(city, recommendation, action=action, note=note,
                                                                  from_status=recommendation.status)

        with on(1, 15):
            title = create(year=year, honour=Honour.PROVINCIAL_STUDIO, studio=best.studio, evaluation=best,
                           grounds="周期考核优秀，贴装工艺攻关成果在全市电子行业推广（第十一条、第十四条）。")
        with on(2, 28):
            title = advance(title, "submit")
        with on(3, 10):
            award = create(year=year, honour=Honour.PROVINCIAL_INNOVATION, studio=best.studio,
                           result=best.studio.results.get(kind=ResultKind.PATENT),
                           grounds="该专利已在 3 家企业推广应用，年节约成本约 60 万元。")
        with on(4, 15):
            award = advance(award, "submit")
        with on(6, 20):
            advance(title, "award", f"广东省总工会 粤工总〔{year}〕35号 命名为省劳模和工匠人才创新工作室")
        with on(9, 30):
            advance(award, "decline", "省总工会评审未入选，可在下一年度继续申报。")
        with clock_at(day(-120)):
            withdrawn = create(year=day(-120).year, honour=Honour.PROVINCIAL_AWARD, studio=best.studio, evaluation=best,
                               grounds="周期考核优秀，创新创效明显。")
        with clock_at(day(-100)):
            advance(withdrawn, "withdraw", "五一劳动奖状授予单位集体，改由所在企业申报，工作室不再重复推荐。")
        with clock_at(day(-50)):  # next year's May Day honours
            medal = create(year=day(-50).year + 1, honour=Honour.MUNICIPAL_MEDAL, studio=second.studio,
                           evaluation=second, nominee="庄伟明",
                           grounds="工作室骨干成员，主持饮片炮制工艺标准化攻关，带徒 6 名。")
        with clock_at(day(-20)):
            medal = advance(medal, "submit")
        with clock_at(day(-10)):
            create(year=day(-10).year + 1, honour=Honour.MUNICIPAL_VANGUARD, studio=second.studio, evaluation=second,
                   grounds="周期考核优秀，团队协作攻关成效明显。")

    def _running_cycle(self, users):
        """This year's cycle, opened about 40 days ago: 普宁 has evaluated and recommended its whole area; in 榕城
        two studios are evaluated, one waits for `county` after a return, and `unit` has a draft to finish."""
        today = timezone.localdate()
        day = lambda n: today + datetime.timedelta(days=n)  # noqa: E731
        unit_of = self._staff(users, Role.UNIT_STAFF)
        with clock_at(day(-40)):
            cycle = cycle_services.cycle_open(
                users["city"], year=today.year, notes="演示数据：本年度周期考核（自评、评价和初审推荐阶段）。",
                self_deadline=day(10), evaluation_deadline=day(25), expert_deadline=day(50))
        evaluations = {e.studio.leader.name: e for e in cycle.evaluations.select_related("studio__leader")}

        def submit(leader, grade=CycleGrade.PASS, summary="两年来制度执行规范，开展攻关和培训，成果情况见附表。"):
            evaluation = evaluations[leader]
            cycle_services.self_evaluation_save(unit_of[evaluation.studio.unit_id], evaluation, summary=summary,
                                                grade=grade, submit=True)

        def evaluate(county, leader, comment="运行规范，攻关和培训按计划开展。"):
            cycle_services.evaluation_save(users[county], evaluations[leader], {
                "operation_rating": "good", "innovation_rating": "fair", "leadership_rating": "good",
                "evaluation_comment": comment})

        with clock_at(day(-30)):
            submit("赖建新")
            submit("庄淑贞", CycleGrade.EXCELLENT)
            submit("张永辉")
        with clock_at(day(-29)):
            submit("林晓芳")
            submit("谢振宇", CycleGrade.EXCELLENT)
            submit("黄志强")
        with clock_at(day(-20)):
            for leader in ("赖建新", "庄淑贞", "张永辉"):
                evaluate("county2", leader)
        with clock_at(day(-18)):
            cycle_services.preliminary_recommend(users["county2"], cycle)
        with clock_at(day(-16)):
            cycle_services.self_evaluation_return(users["county"], evaluations["黄志强"],
                                                  comment="请补充近两年创新成果的认定材料和经费使用情况。")
        with clock_at(day(-14)):
            evaluate("county", "林晓芳")
            evaluate("county", "谢振宇", "省级创新工作室，示范带动作用明显。")
        with clock_at(day(-6)):
            submit("黄志强", summary="已补充：近两年获市级成果认定 1 项；经费使用明细附后。")
        with clock_at(day(-3)):
            cycle_services.self_evaluation_save(users["unit"], evaluations["陈伟"], grade=CycleGrade.EXCELLENT,
                                                summary="两年来完成数控加工攻关 6 项，", submit=False)

    # 第十二条, 第十三条: subsidies ---------------------------------------------------------------------

    def _subsidies(self):
        """第十二条, 第十三条: last year's named studios with grants in every state — one planned, one whose transfer
        waits for `finance` (prepared by `city`), one in use with expenses and a reversal, one transferred and
        never spent (the overview flags it), one closed."""
        duty_group(FINANCE_GROUP).user_set.add(*User.objects.filter(username="finance"))
        if SubsidyGrant.objects.exists():
            return
        users = self._users()
        city, finance = users["city"], users["finance"]
        named = NamingRound.objects.get(year=timezone.localdate().year - 1).decision_date
        today = timezone.localdate()
        day = lambda n: min(named + datetime.timedelta(days=n), today)  # noqa: E731
        studio = lambda leader: Studio.objects.get(name=studio_name_for(leader))  # noqa: E731
        number = f"揭工总〔{named.year}〕25号"
        with clock_at(day(5)):
            for username, digits in (("unit", "6222021234567891234"), ("unit2", "6217003320001234567")):
                union = users[username].union
                account_services.bank_account_save(users[username], union, account_name=f"{union.name}委员会",
                                                   bank="中国工商银行揭阳分行", number=digits)
        plans = [("蔡建国", "30000"), ("方志诚", "25000"), ("许文杰", "20000"), ("赖秀英", "30000"),
                 ("郑伟", "20000")]
        with clock_at(day(15)):
            grants = {leader: grant_services.grant_plan(city, studio(leader), amount=Decimal(amount),
                                                        note="用于工作室场所布置和设备改进。") for leader, amount in plans}
        with clock_at(day(20)):
            for leader in ("蔡建国", "方志诚", "赖秀英", "郑伟"):
                grants[leader] = grant_services.grant_approve(city, grants[leader], from_status=GrantStatus.PLANNED,
                                                              decision_number=number)
        for n, leader in enumerate(("蔡建国", "赖秀英", "郑伟", "方志诚")):
            with clock_at(day(30 + n)):
                transfer = grant_services.transfer_prepare(
                    city, grants[leader], from_status=GrantStatus.APPROVED, transferred_on=day(30 + n),
                    voucher_number=f"记-{day(30 + n).year}-{n + 11:04d}")
            if leader != "方志诚":  # that one waits for finance's approval
                with clock_at(day(31 + n)):
                    grant_services.transfer_approve(finance, transfer, from_status=TransferStatus.PREPARED)
        spending = [("unit", "蔡建国", 60, "12800.00", ExpenseCategory.EQUIPMENT, "采购数控刀具磨床 1 台"),
                    ("unit", "蔡建国", 90, "3600.00", ExpenseCategory.TRAINING, "成员参加数控技能提升培训 6 人次"),
                    ("unit", "蔡建国", 95, "2400.00", ExpenseCategory.PUBLICITY, "工作室宣传展板和成果手册"),
                    ("unit2", "赖秀英", 70, "18500.00", ExpenseCategory.VENUE, "改造染色实验室操作台和通风"),
                    ("unit2", "赖秀英", 120, "11500.00", ExpenseCategory.EQUIPMENT, "采购小样染色机 1 台")]
        entries = []
        for username, leader, n, amount, category, description in spending:
            with clock_at(day(n)):
                entries.append(ledger_services.expense_record(
                    users[username], grants[leader], occurred_on=day(n), amount=Decimal(amount), category=category,
                    description=description, receipt=demo_evidence("发票.pdf")))
        with clock_at(day(96)):
            ledger_services.entry_reverse(users["unit"], entries[2], reason="展板费用已由企业承担，误记")
        with clock_at(day(130)):
            grant_services.grant_close(city, grants["赖秀英"], from_status=GrantStatus.TRANSFERRED,
                                       note="补助资金已全部用于场所和设备。")

    def _summary(self, scale):
        c = self.created
        self.stdout.write(self.style.SUCCESS(
            f"演示数据就绪：新建工会 {c['unions']} 个、账号 {c['accounts']} 个、工作室 {c['studios']} 个、"
            f"工作室成员 {c['members']} 人、命名批次 {c['rounds']} 个、工作室联盟 {c['alliances']} 个、"
            f"周期考核 {c['cycles']} 次、限期整改 {c['rectifications']} 项、推荐评先 {c['recommendations']} 项。"
        ))
        if scale:
            written = "、".join(f"{table} {count:,} 条" for table, count in self.scaled.items())
            self.stdout.write(f"合成数据（--scale {scale}）：本次写入 {written}；现共合成工作室 "
                              f"{synthetic_studios().count():,} 个。")
            self.stdout.write("性能测试账号（密码同演示账号）：" + "、".join(
                f"{username}（{Role(role).label}）" for username, role in BENCHMARK_ACCOUNTS.items()))
        self.stdout.write("演示账号：")
        for username, full_name, role, union, _title in ACCOUNTS:
            self.stdout.write(f"  {username:<8}{Role(role).label}（{full_name}，{union}）")
        self.stdout.write(f"演示账号密码均为：{DEMO_PASSWORD}")
