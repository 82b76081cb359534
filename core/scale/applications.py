"""Synthetic naming rounds and 200,000 applications (two per studio) in every state of the application's state
machine, each with what its state implies: attachments once submitted, expert assignments, score items and
object permissions once under review, an upheld objection where one removed it from the shortlist, and the
transition log of every step it took (applications' history; audit.py chains the matching audit entries).

One round per year and level: the synthetic rounds are the ten years before the demo's (which holds this year
and last). The six oldest are concluded and hold the studios' own applications (named) and those that ended
there; the four youngest stand in the phases that the other states need (preliminary review, expert review,
collective decision, publicity), so each application's state fits its round's phase.
"""
import datetime
import functools
import zoneinfo
from decimal import Decimal

from django.conf import settings

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from core import encryption
from core.personal_data import synthetic_id_number
from core.personal_fields import index_of
from reviews.models import (
    Application, ApplicationAttachment, ApplicationStatus as S, ApplicationUserObjectPermission, Assignment,
    AssignmentStatus, AttachmentKind, Deliberation, ExpertPanel, NamingRound, Objection, ObjectionChannel,
    ObjectionStatus, ObjectorKind, RoundPhase, ScoreItem,
)
from rules.models import RuleSet
from unions.models import User
from studios.models import HonourKind

from . import copy, names
from .tree import RECOMMENDING, EXPERTS, county_username, expert_name, expert_username, unit_of, unit_username

NOTES = "合成数据（seed_demo --scale）"
FIRST_YEAR_BACK, ROUNDS = 3, 10
# The four youngest synthetic rounds, youngest first, stay in these phases; the others are concluded.
OPEN_PHASES = [RoundPhase.PRELIMINARY, RoundPhase.EXPERT_REVIEW, RoundPhase.DECISION, RoundPhase.PUBLICITY]
CONCLUDED_ROUNDS = ROUNDS - len(OPEN_PHASES)

# Each studio's second application: (its round, by the index in OPEN_PHASES or "concluded"; its state; a variant
# where the same state is reached two ways). Cycled through by studio index, so every state appears from 20 on.
SECOND = [
    (0, S.DRAFT, ""), (0, S.SUBMITTED, ""), (0, S.SUBMITTED, ""), (0, S.RETURNED, ""), (0, S.RECOMMENDED, ""),
    (0, S.REJECTED, "preliminary"), (0, S.WITHDRAWN, ""),
    (1, S.ACCEPTED, ""), (1, S.UNDER_REVIEW, ""), (1, S.UNDER_REVIEW, ""), (1, S.SCORED, ""),
    (1, S.REJECTED, "audit"), (1, S.DRAFT, ""),
    (2, S.SHORTLISTED, ""), (2, S.NOT_SELECTED, ""),
    (3, S.IN_PUBLICITY, ""), (3, S.APPROVED, ""), (3, S.NOT_SELECTED, "objection"),
    ("concluded", S.NOT_SELECTED, ""), ("concluded", S.REJECTED, "preliminary"),
]
PHASE_INDEX = {phase: i for i, phase in enumerate(RoundPhase)}
SECOND_ID_NUMBERS = 3_000_000  # above the studios' leaders and the load test's people


@functools.cache
def _round_years(this_year):
    return [this_year - FIRST_YEAR_BACK - i for i in range(ROUNDS)]


def round_years():
    """Youngest first."""
    return _round_years(timezone.localdate().year)


def decision_number(year):
    return f"合成总〔{year}〕{year % 100}号"


def _at(year, month, day, second):
    """9:00 local time on the day, plus `second` seconds (aware; zoneinfo directly: make_aware is slow here)."""
    return datetime.datetime(year, month, day, 9, second // 60 % 60, second % 60,
                             tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE)) + datetime.timedelta(hours=second // 3600)


def ensure_rounds(city_user):
    """The synthetic rounds, their panels (the synthetic experts) and collective decisions; returns them by year."""
    rule_set = RuleSet.objects.current()
    rounds = {r.year: r for r in NamingRound.objects.filter(notes=NOTES)}
    experts = None
    for i, year in enumerate(round_years()):
        phase = OPEN_PHASES[i] if i < len(OPEN_PHASES) else RoundPhase.CONCLUDED
        if year in rounds:
            continue
        naming_round = NamingRound.objects.create(
            year=year, union_id=city_user.union_id, rule_set=rule_set, notes=NOTES, created_by=city_user,
            application_deadline=datetime.date(year, 4, 30), preliminary_deadline=datetime.date(year, 5, 31),
            audit_deadline=datetime.date(year, 6, 30), expert_deadline=datetime.date(year, 7, 31),
            decision_deadline=datetime.date(year, 8, 31))
        concluded = phase == RoundPhase.CONCLUDED
        NamingRound.objects.filter(pk=naming_round.pk).update(
            phase=phase,
            publicity_start=datetime.date(year, 9, 10) if phase in (RoundPhase.PUBLICITY, RoundPhase.CONCLUDED) else None,
            publicity_end=datetime.date(year, 9, 17) if phase in (RoundPhase.PUBLICITY, RoundPhase.CONCLUDED) else None,
            decision_number=decision_number(year) if concluded else "",
            decision_date=datetime.date(year, 9, 30) if concluded else None)
        naming_round = NamingRound.objects.get(pk=naming_round.pk)
        if PHASE_INDEX[phase] >= PHASE_INDEX[RoundPhase.EXPERT_REVIEW]:
            panel = ExpertPanel.objects.create(naming_round=naming_round, created_by=city_user)
            if experts is None:
                experts = list(User.objects.filter(username__in=[expert_username(e) for e in range(EXPERTS)]))
            panel.experts.set(experts)
        if PHASE_INDEX[phase] >= PHASE_INDEX[RoundPhase.PUBLICITY]:
            Deliberation.objects.create(naming_round=naming_round, meeting_date=datetime.date(year, 8, 20),
                                        minutes_ref=f"合成纪要〔{year}〕1号", recorded_by=city_user)
        rounds[year] = naming_round
    return rounds



def named_year(studio):
    """A studio is named by one of the concluded rounds."""
    return round_years()[len(OPEN_PHASES) + studio % CONCLUDED_ROUNDS]


def named_at(studio):
    return _at(named_year(studio), 9, 30, studio % 3600)


def steps(state, variant, year, s, decision):
    """The transitions an application took to `state`: (transition, label, source, target, who, comment, time,
    expert index or None). `who` is "unit", "county", "city", "expert" or None (the system)."""
    second = s % 20000
    t = lambda month, day: _at(year, month, day, second)  # noqa: E731
    out = [("create", "新建申报", "", S.DRAFT, "unit", "", t(3, 1 + s % 28), None)]
    if state == S.DRAFT:
        return out
    out.append(("submit", "提交申报", S.DRAFT, S.SUBMITTED, "unit", "", t(4, 1 + s % 28), None))
    if state == S.SUBMITTED:
        return out
    if state == S.WITHDRAWN:
        return out + [("withdraw", "撤回申报", S.SUBMITTED, S.WITHDRAWN, "unit", "企业生产任务调整，暂不申报。",
                       t(5, 3), None)]
    if state == S.RETURNED:
        return out + [("return_for_revision", "初审退回修改", S.SUBMITTED, S.RETURNED, "county",
                       "请补充近两年的创新成果证明材料。", t(5, 10), None)]
    if state == S.REJECTED and variant == "preliminary":
        return out + [("reject", "初审不予推荐", S.SUBMITTED, S.REJECTED, "county", "团队组建不足两年（第五条(一)）。",
                       t(5, 12), None)]
    out.append(("recommend", "初审推荐", S.SUBMITTED, S.RECOMMENDED, "county", "", t(5, 15), None))
    if state == S.RECOMMENDED:
        return out
    if state == S.REJECTED:
        return out + [("audit_reject", "审核不予通过", S.RECOMMENDED, S.REJECTED, "city", "创新成果不满足第五条(七)。",
                       t(6, 15), None)]
    out.append(("audit_accept", "审核通过", S.RECOMMENDED, S.ACCEPTED, "city", "", t(6, 20), None))
    if state == S.ACCEPTED:
        return out
    for k in range(3):
        out.append(("assign", "分配评审专家", S.ACCEPTED if k == 0 else S.UNDER_REVIEW, S.UNDER_REVIEW, "city",
                    expert_name(experts_of(s)[k]), t(7, 1) + datetime.timedelta(minutes=k), k))
    scored = 1 if state == S.UNDER_REVIEW else 3
    for k in range(scored):
        out.append(("score", "专家提交评分", S.UNDER_REVIEW, S.UNDER_REVIEW, "expert", "", t(7, 10 + 5 * k), k))
    if state == S.UNDER_REVIEW:
        return out
    out.append(("finish_review", "评审完成", S.UNDER_REVIEW, S.SCORED, None, "",
                t(7, 20) + datetime.timedelta(seconds=1), None))
    if state == S.SCORED:
        return out
    minutes = f"会议纪要：合成纪要〔{year}〕1号"
    if state == S.NOT_SELECTED and variant != "objection":
        return out + [("deliberate", "集体研究未入选", S.SCORED, S.NOT_SELECTED, "city", minutes, t(8, 20), None)]
    out.append(("deliberate", "集体研究确定为拟命名", S.SCORED, S.SHORTLISTED, "city", minutes, t(8, 20), None))
    if state == S.SHORTLISTED:
        return out
    out.append(("publish", "进入社会公示", S.SHORTLISTED, S.IN_PUBLICITY, None,
                f"公示期 {year}-09-10 至 {year}-09-17。", t(9, 10), None))
    if state == S.IN_PUBLICITY:
        return out
    if state == S.NOT_SELECTED:
        return out + [("objection_upheld", "异议成立，移出拟命名名单", S.IN_PUBLICITY, S.NOT_SELECTED, "city",
                       "经核实，申报的创新成果与实际不符。", t(9, 16), None)]
    out.append(("approve", "公示期满，无成立的异议", S.IN_PUBLICITY, S.APPROVED, None, "", t(9, 18), None))
    if state == S.APPROVED:
        return out
    return out + [("name", "命名", S.APPROVED, S.NAMED, "city", decision, t(9, 30), None)]


def experts_of(s):
    """The three experts of studio s's applications: distinct, spread over the panel."""
    return [(s + k * (EXPERTS // 3)) % EXPERTS for k in range(3)]


class Context:
    def __init__(self, rounds, units, recommending, users, mobiles):
        self.rounds, self.units, self.recommending, self.users, self.mobiles = rounds, units, recommending, users, mobiles
        self.criteria = list(RuleSet.objects.current().criteria.values_list("pk", "max_score"))
        self.years = round_years()
        self.city = users["scale_city"]
        self.panels = dict(ExpertPanel.objects.filter(naming_round__notes=NOTES).values_list("naming_round__year", "pk"))
        self.application_type = ContentType.objects.get_for_model(Application).pk
        self.review_permission = Permission.objects.get(codename="review_application",
                                                        content_type_id=self.application_type).pk


def plan(first, last, studios):
    """(studio, round year, state, variant, leader name, id token, id index) for every application of studios
    first…last-1: its own (named) and a second one."""
    years = round_years()
    for s in range(first, last):
        _studio, _leader, token, index = studios[s]
        yield s, named_year(s), S.NAMED, "", names.person(s), token, index
        slot, state, variant = SECOND[s % len(SECOND)]
        year = years[slot] if slot != "concluded" else years[len(OPEN_PHASES) + (s + 1) % CONCLUDED_ROUNDS]
        yield s, year, state, variant, None, None, None


def ensure_applications(context, first, last, studios):
    """Writes the applications of studios first…last-1 and all that hangs on them; returns (transitions, rows
    written by table). `transitions` are (time, application id, unit id, transition, label, source, target,
    actor id, actor username, comment, studio name) for the history and the audit trail."""
    planned = list(plan(first, last, studios))
    ids = copy.next_ids(Application, len(planned))
    assignment_ids = iter(copy.next_ids(Assignment, sum(
        3 for p in planned if p[2] not in PRE_REVIEW)))
    rows, attachments, assignments, items, permissions, objections, transitions = [], [], [], [], [], [], []
    usernames = {v: k for k, v in context.users.items()}
    for pk, (s, year, state, variant, leader, token, index) in zip(ids, planned):
        unit = context.units[unit_of(s)]
        actors = {"unit": context.users[unit_username(unit_of(s))],
                  "county": context.users[county_username(unit_of(s) % RECOMMENDING)],
                  "city": context.city, None: None}
        if leader is None:  # the second application: another team of the same unit
            leader = names.person(SECOND_ID_NUMBERS + s)
            if state != S.DRAFT:
                plain = synthetic_id_number(SECOND_ID_NUMBERS + s)
                token, index = encryption.encrypt(plain), index_of(Application, "leader_id_number_index", plain)
            else:
                token = index = ""
        path = steps(state, variant, year, s, decision_number(year))
        experts = [context.users[expert_username(e)] for e in experts_of(s)]
        studio_name = f"{leader}劳模和工匠人才创新工作室"
        for transition, label, source, target, who, comment, at, k in path:
            actor = experts[k] if who == "expert" else actors[who]
            transitions.append((at, pk, unit, transition, label, source, target, actor,
                                usernames.get(actor, ""), comment, studio_name))
        created, updated = path[0][6], path[-1][6]
        submitted = path[1][6] if len(path) > 1 else None
        field = names.FIELDS[s % len(names.FIELDS)]
        rows.append((pk, context.rounds[year].pk, unit, state, leader, "male" if s % 3 else "female",
                     names.JOBS[s % len(names.JOBS)], HonourKind.MUNICIPAL_CRAFTSMAN, year - 2, "合成市人民政府", token, index,
                     context.mobiles[s % len(context.mobiles)], datetime.date(year - 3, 3, 1),
                     "设攻关组、培训组、成果转化组", "厂区技术中心二楼", Decimal("120.0"), f"{field}设备、培训教室", True,
                     f"围绕{field}开展攻关。", SYSTEMS,
                     True, "每月技能培训，导师带徒", "企业每年安排专项经费", "总结推广先进操作法", "county_studio", None, "",
                     True, actors["unit"], created, updated, submitted))
        if submitted:
            for kind, name in ((AttachmentKind.HONOUR, "荣誉证书.pdf"), (AttachmentKind.PHOTO, "场所照片.jpg")):
                attachments.append((pk, kind, f"applications/synthetic/{pk}-{kind}{name[-4:]}", name, 204800,
                                    "application/pdf" if name.endswith("pdf") else "image/jpeg", actors["unit"],
                                    created))
        if state in PRE_REVIEW:
            continue
        scores = {k: at for transition, *_rest, at, k in path if transition == "score"}
        panel = context.panels[year]
        for k, expert in enumerate(experts):
            apk = next(assignment_ids)
            done = scores.get(k)
            total = None
            if done:
                points = [(criterion, (maximum * Decimal(70 + (s + k * 7) % 28) / 100).quantize(Decimal("0.1")))
                          for criterion, maximum in context.criteria]
                items.extend((apk, criterion, p) for criterion, p in points)
                total = sum(p for _c, p in points)
            assignments.append((apk, panel, pk, expert, AssignmentStatus.SCORED if done else AssignmentStatus.ASSIGNED,
                                "", total, "材料完整，成果突出。" if done else "", path[4][6], done))
            permissions.append((context.review_permission, expert, pk))
        if variant == "objection":
            at = _at(year, 9, 12, s % 3600)
            objections.append((pk, ObjectionChannel.LETTER, ObjectorKind.PERSON, names.member(s), context.mobiles[0],
                               "反映申报的创新成果系他人完成。", "", "", at, context.city, ObjectionStatus.UPHELD,
                               "经核实，申报的创新成果与实际不符。", context.city, at + datetime.timedelta(days=4)))
    written = {
        "申报书": copy.write(Application, APPLICATION_FIELDS, rows),
        "申报附件": copy.write(ApplicationAttachment, ["application", "kind", "file", "original_name", "size",
                                                          "content_type", "uploaded_by", "uploaded_at"], attachments),
        "评审任务": copy.write(Assignment, ["id", "panel", "application", "expert", "status", "recusal_reason",
                                               "total", "comment", "assigned_at", "finished_at"], assignments),
        "评分项得分": copy.write(ScoreItem, ["assignment", "criterion", "points"], items),
        "专家评审权限": copy.write(ApplicationUserObjectPermission, ["permission", "user", "content_object"],
                                  permissions),
        "异议": copy.write(Objection, ["application", "channel", "objector_kind", "objector_name", "contact",
                                             "facts", "letter", "letter_name", "received_at", "recorded_by", "status",
                                             "handling", "handled_by", "handled_at"], objections),
    }
    return transitions, written


SYSTEMS = copy.json_text(["activity", "study", "tackling", "transfer", "reward", "management"])
PRE_REVIEW = frozenset({S.DRAFT, S.SUBMITTED, S.RETURNED, S.RECOMMENDED, S.REJECTED, S.WITHDRAWN, S.ACCEPTED})
APPLICATION_FIELDS = [
    "id", "naming_round", "unit", "status", "leader_name", "leader_gender", "leader_job_title", "leader_honour",
    "leader_honour_year", "leader_honour_body", "leader_id_number", "leader_id_number_index", "leader_mobile",
    "founded_on", "organisation", "venue_address", "venue_area", "equipment", "has_plaque", "annual_plan", "systems",
    "systems_posted", "training", "funding", "demonstration", "lower_naming", "lower_naming_date",
    "lower_naming_body", "not_rnd_declaration", "created_by", "created_at", "updated_at", "submitted_at",
]
