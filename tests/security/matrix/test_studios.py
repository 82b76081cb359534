"""A named studio's life through HTTP (第五条(七), 第七条, 第八条, 第十七条): every action × actor × state.

From the rules: the studio's own unit union asks for a change (更名、更换领衔人、取消, or 摘牌 under 第八条(五)) and
may withdraw it before its review; the recommending union reviews it, the municipal union approves or refuses;
the municipal union delists (第八条) and keeps the alliances (第十七条); the unit union keeps the team, results and
training records (第五条(七)). A cancelled or delisted studio holds no title: nothing more is asked of it or done
with it. Its change requests, once decided or withdrawn, are closed.
"""
import pytest
from django.utils import timezone

from studios.models import (
    TITLED_STATES, Alliance, AllianceMembership, ChangeRequest, ChangeStatus, JointProject, Studio, StudioStatus,
)

from tests import factories

from .cells import Action, State, case_id, run, sees_in_scope
from .forms import pdf

TODAY = timezone.localdate()
CITY = frozenset({"city", "finance"})
OPEN = [ChangeStatus.SUBMITTED, ChangeStatus.RECOMMENDED]


def studio(status, open_change=False, members=None):
    def find(world):
        studios = Studio.objects.filter(status=status)
        studios = (studios.filter(changes__status__in=OPEN) if open_change
                   else studios.exclude(changes__status__in=OPEN))
        if members is not None:
            studios = [s for s in studios.order_by("pk") if (s.members.count() > 3) == (members == "more")]
            return studios[0] if studios else None
        return studios.order_by("pk").first()
    return find


STUDIO_STATES = {
    "active": studio(StudioStatus.ACTIVE), "active_with_open_change": studio(StudioStatus.ACTIVE, open_change=True),
    "rectifying": studio(StudioStatus.RECTIFYING), "cancelled": studio(StudioStatus.CANCELLED),
    "delisted": studio(StudioStatus.DELISTED),
}


def studio_states(allowed, names=("active", "rectifying", "cancelled", "delisted")):
    return tuple(State(name, STUDIO_STATES[name], name in allowed) for name in names)


def _studio_status(s):
    return Studio.objects.get(pk=s.pk).status


# 第七条 changes ------------------------------------------------------------------------------------------------

def change(status):
    return lambda world: ChangeRequest.objects.filter(status=status).order_by("pk").first()


CHANGE_STATES = {status: change(status) for status in ChangeStatus.values}


def change_action(slug, may, allowed):
    return Action(f"change_{slug}", "studios:change_action", lambda c: [c.pk, slug],
                  lambda world, c: {"from_status": c.status, "comment": "意见", "decision_number": ""},
                  frozenset(may), tuple(State(s, f, s in allowed) for s, f in CHANGE_STATES.items()),
                  lambda c: ChangeRequest.objects.get(pk=c.pk).status, unit=lambda c: c.studio.unit)


def _new_change(world, s):
    return {"kind": "cancel", "reason": "retired", "explanation": "领衔人退休，单位申请取消。", "evidence": pdf()}


CHANGE_ACTIONS = [
    # 第七条: 由原申报单位工会提出 — for a studio holding its title, one request at a time.
    Action("change_new", "studios:change_new", lambda s: [s.pk], _new_change, frozenset({"owner"}),
           studio_states({"active", "rectifying"}, names=("active", "active_with_open_change", "rectifying",
                                                           "cancelled", "delisted")),
           lambda s: s.changes.count(), unit=lambda s: s.unit),
    change_action("withdraw", {"owner"}, {ChangeStatus.SUBMITTED}),  # before its review only
    change_action("agree", {"county"}, {ChangeStatus.SUBMITTED}),  # 逐级上报: the recommending union first
    change_action("disagree", {"county"}, {ChangeStatus.SUBMITTED}),
    change_action("approve", CITY, {ChangeStatus.RECOMMENDED}),  # then 市总工会审批
    change_action("reject", CITY, {ChangeStatus.RECOMMENDED}),
    # 第八条: 摘牌, by the municipal union, of a studio holding its title.
    Action("delist", "studios:delist", lambda s: [s.pk],
           lambda world, s: {"reason": "1", "facts": "领衔人违纪，未及时更换。", "decision_number": "揭工总〔2026〕34号",
                             "decided_on": TODAY.isoformat()},
           CITY, studio_states({"active", "rectifying"}), _studio_status, unit=lambda s: s.unit),
]


# 第五条(七): the team, results and training, kept by the unit union while the studio holds its title ---------------

RECORD_DATA = {
    "member": {"name": "矩阵新成员", "role": "member", "job_title": "技师", "joined_on": TODAY.isoformat()},
    "result": {"year": TODAY.year, "kind": "method", "title": "矩阵操作法", "patent_number": "", "level": "",
               "issuing_body": "", "published": "on"},
    "training": {"held_on": TODAY.isoformat(), "kind": "training", "title": "矩阵技能培训", "participants": "12"},
}


def record_add(what):
    related = {"member": "members", "result": "results", "training": "trainings"}[what]
    return Action(f"record_add_{what}", "studios:record_add", lambda s: [s.pk, what],
                  lambda world, s: {f"{what}-{k}": v for k, v in RECORD_DATA[what].items()}, frozenset({"owner"}),
                  studio_states({"active", "rectifying"}), lambda s: getattr(s, related).count(),
                  unit=lambda s: s.unit)


def member(status, team):
    """A member of a studio in `status` whose team has more than three (`more`) or exactly three."""
    def find(world):
        found = studio(status, members=team)(world)
        return found.members.order_by("pk").first() if found else None
    return find


def _leader_identity(s):
    leader = Studio.objects.select_related("leader").get(pk=s.pk).leader
    return str(leader.id_number), str(leader.mobile)


RECORD_ACTIONS = [
    record_add("member"), record_add("result"), record_add("training"),
    # The leader's 身份证号 and mobile: kept by the unit union, checked by the municipal union (个人信息保护法:
    # those who need them), while the studio holds its title.
    Action("leader_identity", "studios:leader_identity", lambda s: [s.pk],
           lambda world, s: {"id_number": factories.id_number(7, area="445201"), "mobile": "13900001234"},
           frozenset({"owner"}) | CITY, studio_states({"active", "rectifying"}), _leader_identity,
           unit=lambda s: s.unit),
    # 第五条(一): 有稳定的工作团队 — at least three stay.
    Action("record_remove_member", "studios:record_remove", lambda m: [m.studio_id, "member", m.pk],
           lambda world, m: {}, frozenset({"owner"}),
           (State("team_of_more_than_three", member(StudioStatus.ACTIVE, "more"), True),
            State("team_of_three", member(StudioStatus.ACTIVE, "three"), False),
            State("delisted", member(StudioStatus.DELISTED, "three"), False)),
           lambda m: type(m).objects.filter(pk=m.pk).exists(), unit=lambda m: m.studio.unit),
]


# 第十七条: alliances, kept by the municipal union ------------------------------------------------------------------

def _alliance(world):
    return Alliance.objects.order_by("pk").first()


def _titled_outsider(alliance):
    return Studio.objects.filter(status__in=TITLED_STATES).exclude(alliance_memberships__alliance=alliance).order_by(
        "pk").first()


def membership(kind):
    def find(world):
        alliance = _alliance(world)
        if kind == "lead":
            return AllianceMembership.objects.get(alliance=alliance, studio=alliance.lead)
        if kind == "member":
            return AllianceMembership.objects.filter(alliance=alliance).exclude(studio=alliance.lead).order_by(
                "pk").first()
        return AllianceMembership(alliance=alliance, studio=_titled_outsider(alliance))  # not (or no longer) in it
    return find


def _sees_alliance(user, obj):
    alliance = obj if isinstance(obj, Alliance) else obj.alliance
    return sees_in_scope(user, alliance)


def _alliance_form(world, alliance):
    return {"name": alliance.name, "field": alliance.field, "lead": alliance.lead_id,
            "founded_on": alliance.founded_on.isoformat(), "description": "矩阵：修改后的联盟简介"}


def _project(world, alliance):
    members = alliance.memberships.filter(studio__status__in=TITLED_STATES).values_list("studio", flat=True)
    return {"title": "矩阵联合攻关", "year": TODAY.year, "participants": list(members[:2]), "status": "ongoing"}


ALLIANCE = (State("alliance", _alliance, True),)
ALLIANCE_ACTIONS = [
    Action("alliance_new", "alliances:new", lambda s: [],
           lambda world, s: {"name": "矩阵创新工作室联盟", "field": "精密制造", "lead": s.pk,
                             "founded_on": TODAY.isoformat()},
           CITY, (State("titled_lead", STUDIO_STATES["active"], True),), lambda s: Alliance.objects.count(),
           sees=lambda user, s: True, unit=lambda s: s.unit),
    Action("alliance_edit", "alliances:edit", lambda a: [a.pk], _alliance_form, CITY, ALLIANCE,
           lambda a: Alliance.objects.get(pk=a.pk).description, sees=_sees_alliance, unit=lambda a: a.lead.unit),
    Action("alliance_member_add", "alliances:member_add", lambda a: [a.pk],
           lambda world, a: {"studio": _titled_outsider(a).pk, "joined_on": TODAY.isoformat()}, CITY, ALLIANCE,
           lambda a: a.memberships.count(), sees=_sees_alliance, unit=lambda a: a.lead.unit),
    Action("alliance_project_add", "alliances:project_add", lambda a: [a.pk], _project, CITY, ALLIANCE,
           lambda a: JointProject.objects.filter(alliance=a).count(), sees=_sees_alliance,
           unit=lambda a: a.lead.unit),
    # the lead leaves only once another member leads; a studio no longer in it cannot leave again
    Action("alliance_member_remove", "alliances:member_remove", lambda m: [m.alliance_id, m.studio_id],
           lambda world, m: {}, CITY,
           (State("member", membership("member"), True), State("lead", membership("lead"), False),
            State("not_a_member", membership("outsider"), False)),
           lambda m: AllianceMembership.objects.filter(alliance=m.alliance_id, studio=m.studio_id).exists(),
           sees=_sees_alliance, unit=lambda m: m.studio.unit),
]

CASES = [case for action in CHANGE_ACTIONS + RECORD_ACTIONS + ALLIANCE_ACTIONS for case in action.cases()]


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_studio_cells(case, world, db):
    action, state = case
    assert run(world, action, state) == []
