"""Demo data: the real union tree of 揭阳市, one account per role, studios with leaders and members.

Idempotent: everything is keyed on unique names and usernames, so a second run
creates nothing. `--scale N` makes sure N synthetic studios exist (each with its
own unit union, leader and members), written with bulk inserts for benchmarks.
"""
import datetime

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Max

from studios.models import HonourKind, Leader, Member, MemberRole, Studio, StudioStatus, studio_name_for
from unions.models import Role, Union, UnionKind, User
from unions.services import union_create

DEMO_PASSWORD = "Jieyang-2026"
ROOT = "揭阳市总工会"

COUNTIES = [
    "榕城区总工会", "揭东区总工会", "揭西县总工会", "惠来县总工会", "普宁市总工会",
    # the functional zones' unions
    "揭阳产业转移工业园总工会", "揭阳空港经济区总工会", "揭阳高新技术产业开发区总工会",
    "大南海石化工业区总工会", "普宁华侨管理区总工会",
]
DIRECT = [
    "揭阳市直机关工会工作委员会", "揭阳市教育工会", "揭阳市卫生健康系统工会",
    # unions of central and provincial units in Jieyang (中央、省驻揭单位工会)
    "国网广东电网有限责任公司揭阳供电局工会", "中国移动通信集团广东有限公司揭阳分公司工会",
]
COMMITTEE = "揭阳市总工会女职工委员会"

# Fictional unit unions, by the union that recommends them.
UNITS = {
    "榕城区总工会": ["揭阳市金叶机械制造有限公司工会", "揭阳市榕江食品有限公司工会"],
    "揭东区总工会": ["揭阳市东山五金制品有限公司工会"],
    "揭西县总工会": ["揭西县岭南茶业有限公司工会"],
    "惠来县总工会": ["惠来县海湾风电运维有限公司工会"],
    "普宁市总工会": ["普宁市华南纺织有限公司工会", "普宁市青梅药业有限公司工会"],
    "大南海石化工业区总工会": ["揭阳市南海石化检修有限公司工会"],
    "揭阳市卫生健康系统工会": ["揭阳市第一人民医院工会"],
}

ACCOUNTS = [
    # username, full name, role, union, title
    ("unit", "王敏", Role.UNIT_STAFF, "揭阳市金叶机械制造有限公司工会", "工会主席"),
    ("unit2", "蔡佳琪", Role.UNIT_STAFF, "普宁市华南纺织有限公司工会", "工会干事"),
    ("county", "李强", Role.RECOMMENDING_STAFF, "榕城区总工会", "经费审查委员会委员"),
    ("city", "张华", Role.MUNICIPAL_STAFF, ROOT, "生产保护部副部长"),
    ("expert", "周建国", Role.EXPERT, ROOT, "高级工程师"),
    ("admin", "刘洋", Role.ADMIN, ROOT, "信息中心"),
]

# unit, leader, gender, honour, honour year, job, field, year named, number, status, members
STUDIOS = [
    ("揭阳市金叶机械制造有限公司工会", "陈伟", "male", HonourKind.PROVINCIAL_MODEL, 2020, "数控车间主任",
     "精密机械加工", 2023, "揭工总〔2023〕18号", StudioStatus.ACTIVE, ["黄志明", "吴晓东", "林海", "郑家豪", "许丽"]),
    ("揭阳市金叶机械制造有限公司工会", "林晓芳", "female", HonourKind.MUNICIPAL_CRAFTSMAN, 2021, "质量工程师",
     "质量检测与工艺改进", 2024, "揭工总〔2024〕15号", StudioStatus.ACTIVE, ["陈静", "李嘉欣", "杨帆"]),
    ("揭阳市榕江食品有限公司工会", "黄志强", "male", HonourKind.MUNICIPAL_MODEL, 2019, "生产部经理",
     "食品加工自动化", 2023, "揭工总〔2023〕18号", StudioStatus.RECTIFYING, ["蔡文", "方小燕", "谢伟"]),
    ("揭阳市东山五金制品有限公司工会", "郭建华", "male", HonourKind.PROVINCIAL_CRAFTSMAN, 2022, "模具技师",
     "五金模具设计", 2024, "揭工总〔2024〕15号", StudioStatus.ACTIVE, ["马俊", "邱志远", "罗敏", "韩雪"]),
    ("揭西县岭南茶业有限公司工会", "彭秀兰", "female", HonourKind.MUNICIPAL_MODEL, 2018, "制茶师",
     "茶叶加工工艺", 2025, "揭工总〔2025〕21号", StudioStatus.ACTIVE, ["彭小红", "钟伟", "温丽"]),
    ("惠来县海湾风电运维有限公司工会", "詹国栋", "male", HonourKind.NATIONAL_CRAFTSMAN, 2021, "运维班长",
     "海上风电运维", 2025, "揭工总〔2025〕21号", StudioStatus.ACTIVE, ["詹明", "苏杰", "卢建", "余晖", "沈涛", "孔亮"]),
    ("普宁市华南纺织有限公司工会", "郑丽娟", "female", HonourKind.MUNICIPAL_MODEL, 2017, "织造车间主任",
     "纺织印染节能", 2023, "揭工总〔2023〕18号", StudioStatus.DELISTED, ["郑敏", "陈晓", "林琳"]),
    ("揭阳市第一人民医院工会", "姚文博", "male", HonourKind.PROVINCIAL_MODEL, 2019, "心内科主任医师",
     "胸痛急救流程创新", 2024, "揭工总〔2024〕15号", StudioStatus.ACTIVE, ["姚静", "何雨", "冯磊", "曾颖"]),
]

SYNTHETIC_UNIT = "合成单位{:06d}工会"
SYNTHETIC_LEADER = "合成领衔人{:06d}"


class Command(BaseCommand):
    help = "建立演示数据（揭阳市工会组织树、各角色演示账号、创新工作室）；--scale N 另建 N 个合成工作室用于性能测试。"

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=0, help="确保共有 N 个合成工作室（批量写入）")

    def handle(self, *args, scale=0, **options):
        with transaction.atomic():
            unions = self._union_tree()
            accounts = self._accounts(unions)
            studios = self._studios(unions)
        self.stdout.write(self.style.SUCCESS(
            f"演示数据就绪：新建 {self.created_unions} 个工会、{accounts} 个账号、{studios} 个工作室。"
            f"演示账号密码：{DEMO_PASSWORD}"
        ))
        if scale:
            created = self._scale(scale)
            self.stdout.write(self.style.SUCCESS(f"合成数据就绪：新建 {created} 个合成工作室，共 {scale} 个。"))

    def _union(self, existing, parent, name, kind):
        if name not in existing:
            existing[name] = union_create(parent=parent, name=name, kind=kind)
        return existing[name]

    def _union_tree(self):
        names = [ROOT, *COUNTIES, *DIRECT, COMMITTEE, *(u for units in UNITS.values() for u in units)]
        existing = {u.name: u for u in Union.objects.filter(name__in=names)}
        before = len(existing)
        root = self._union(existing, None, ROOT, UnionKind.MUNICIPAL)
        for name in COUNTIES:
            self._union(existing, root, name, UnionKind.COUNTY)
        for name in DIRECT:
            self._union(existing, root, name, UnionKind.DIRECT)
        self._union(existing, root, COMMITTEE, UnionKind.COMMITTEE)
        for parent, units in UNITS.items():
            for name in units:
                self._union(existing, existing[parent], name, UnionKind.UNIT)
        self.created_unions = len(existing) - before
        return existing

    def _accounts(self, unions):
        created = 0
        for username, full_name, role, union, title in ACCOUNTS:
            if User.objects.filter(username=username).exists():
                continue  # never reset an existing account's password
            user = User(username=username, full_name=full_name, role=role, union=unions[union], title=title,
                        email=f"{username}@example.cn", is_staff=role == Role.ADMIN, is_superuser=role == Role.ADMIN)
            user.set_password(DEMO_PASSWORD)
            user.full_clean()
            user.save()
            created += 1
        return created

    def _studios(self, unions):
        created = 0
        for unit, leader_name, gender, honour, honour_year, job, field, year, number, status, members in STUDIOS:
            name = studio_name_for(leader_name)
            if Studio.objects.filter(name=name).exists():
                continue
            leader = Leader.objects.create(name=leader_name, gender=gender, unit=unions[unit], job_title=job,
                                           honour=honour, honour_year=honour_year)
            studio = Studio.objects.create(
                name=name, unit=unions[unit], leader=leader, status=status, named_year=year, decision_number=number,
                field=field, founded_on=datetime.date(year - 3, 3, 1), address=f"{unions[unit].name[:-2]}内",
                description=f"以{leader_name}同志为领衔人，围绕{field}开展技术攻关、师徒帮教和技能培训。",
            )
            Member.objects.bulk_create(
                Member(studio=studio, name=m, role=MemberRole.CORE if i < 2 else MemberRole.MEMBER,
                       joined_on=datetime.date(year - 3, 3, 1))
                for i, m in enumerate(members)
            )
            created += 1
        return created

    @transaction.atomic
    def _scale(self, total):
        """Bulk-inserts the synthetic studios still missing, their unions computed as tree paths."""
        have = Studio.objects.filter(name__startswith=SYNTHETIC_LEADER[:5]).count()
        missing = range(have + 1, total + 1)
        if not missing:
            return 0
        parents = list(Union.objects.filter(kind__in=[UnionKind.COUNTY, UnionKind.DIRECT]).order_by("path"))
        last_step = _last_steps(parents)  # new children continue after the existing ones
        units = []
        for number in missing:
            parent = parents[number % len(parents)]
            last_step[parent.pk] += 1
            units.append(Union(
                name=SYNTHETIC_UNIT.format(number), kind=UnionKind.UNIT, recommending_union=parent,
                path=Union._get_path(parent.path, parent.depth + 1, last_step[parent.pk]),
                depth=parent.depth + 1, numchild=0,
            ))
        Union.objects.bulk_create(units, batch_size=2000)
        for parent in parents:
            Union.objects.filter(pk=parent.pk).update(numchild=Union.objects.filter(
                path__startswith=parent.path, depth=parent.depth + 1).count())
        units = {u.name: u for u in Union.objects.filter(name__in=[u.name for u in units])}
        leaders = Leader.objects.bulk_create([
            Leader(name=SYNTHETIC_LEADER.format(n), unit=units[SYNTHETIC_UNIT.format(n)],
                   honour=HonourKind.MUNICIPAL_MODEL, honour_year=2015 + n % 10)
            for n in missing
        ], batch_size=2000)
        studios = Studio.objects.bulk_create([
            Studio(name=studio_name_for(leader.name), unit=leader.unit, leader=leader,
                   named_year=2022 + n % 4, status=StudioStatus.ACTIVE, field="合成数据")
            for n, leader in zip(missing, leaders)
        ], batch_size=2000)
        Member.objects.bulk_create([
            Member(studio=studio, name=f"{studio.leader.name}成员{i}", role=MemberRole.MEMBER)
            for studio in studios for i in range(1, 4)
        ], batch_size=5000)
        return len(studios)


def _last_steps(parents):
    """Each parent's highest child step in its materialized path (0 when it has none)."""
    steps = {}
    for parent in parents:
        last = Union.objects.filter(path__startswith=parent.path, depth=parent.depth + 1).aggregate(m=Max("path"))["m"]
        steps[parent.pk] = Union._str2int(last[-Union.steplen:]) if last else 0
    return steps
