"""The naming workflow (第五条, 第六条) through HTTP: every action × every actor × every state it really meets.

Who may do what, and when, is written here from 第六条 and DESIGN.md's lifecycle, not read from the services:
the unit union applies, edits, submits and may withdraw up to the collective decision; its recommending union
reviews what was submitted, in the preliminary review (and again during the audit, for what the municipal union
returned); municipal staff run the round, audit, form the panel, record the collective decision, take objections
during the publicity, confirm it and name; an assigned expert scores or declares a conflict; the system
administrator keeps the system and decides nothing.
"""
import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from documents.models import OfficialDocument
from reviews.forms import ApplicationForm, MemberFormSet, ResultFormSet
from reviews.models import (
    Application, ApplicationAttachment, Assignment, AssignmentStatus, Deliberation, Objection, RoundPhase,
)
from unions.models import User

from .cells import Action, State, case_id, run
from .forms import form_data, formset_data, pdf

TODAY = timezone.localdate()
CITY = frozenset({"city", "finance"})  # 市总工会工作人员, the finance officers among them too
EVERYONE_SEES = lambda user, obj: True  # noqa: E731 - a round is the municipal union's: every account reads it


# Applications ------------------------------------------------------------------------------------------------

# Each state an application meets, as "status@phase of its round" (the round's phase gates what it may do).
APPLICATION_STATES = [
    "draft@application", "submitted@application", "draft@preliminary", "submitted@preliminary",
    "returned@preliminary", "recommended@preliminary", "rejected@preliminary", "withdrawn@preliminary",
    "recommended@audit", "accepted@audit", "under_review@audit", "returned@audit", "submitted@audit",
    "rejected@audit", "draft@expert_review", "returned@expert_review", "accepted@expert_review",
    "under_review@expert_review", "scored@expert_review", "withdrawn@expert_review", "scored@decision",
    "in_publicity@publicity", "not_selected@publicity", "approved@publicity", "named@concluded",
    "not_selected@concluded",
]
# Rounds of the world holding the states that are not built one by one (conftest.World._rounds).
STATE_ROUND = {"expert_review": "expert_review", "decision": "decision", "publicity": "publicity",
               "concluded": "concluded"}


def application(label):
    def find(world):
        if label in world.applications:
            return Application.objects.get(pk=world.applications[label].pk)
        status, phase = label.split("@")
        naming_round = world.rounds["approved" if status == "approved" else STATE_ROUND[phase]]
        return Application.objects.filter(naming_round=naming_round, status=status).order_by("pk").first()
    return find


# 第六条: 单位工会提出申请 — a draft while applications are open; a returned one until the audit ends.
EDITABLE = {"draft@application", "returned@preliminary", "returned@audit"}
# DESIGN.md: the unit may withdraw up to the collective decision; never what has ended.
WITHDRAWABLE = {label for label in APPLICATION_STATES if label.split("@")[0] in {
    "draft", "submitted", "returned", "recommended", "accepted", "under_review", "scored"}}
# 第六条: 县级总工会或市直基层工会初审推荐 what was submitted — in its phase, and during the audit what the
# municipal union returned and the unit submitted again.
PRELIMINARY = {"submitted@preliminary", "submitted@audit"}
# 第六条: 市总工会组织审核, in the audit phase, of what was recommended.
AUDIT = {"recommended@audit"}
# 现场考察 between the audit and the end of the expert review, of what is on its way to the experts.
SITE_VISIT = {"recommended@audit", "accepted@audit", "under_review@audit", "accepted@expert_review",
              "under_review@expert_review"}


def _states(allowed):
    return tuple(State(label, application(label), label in allowed) for label in APPLICATION_STATES)


def _status(application):
    return Application.objects.get(pk=application.pk).status


def application_action(slug, may, allowed):
    return Action(
        f"application_{slug}", "reviews:application_action", lambda a: [a.pk, slug],
        lambda world, a: {"from_status": a.status, "comment": "意见"},  # the state the actor saw
        frozenset(may), _states(allowed), _status, unit=lambda a: a.unit)


def _edit_data(world, application):
    members = MemberFormSet(prefix="members", initial=[
        {"name": m.name, "role": m.role, "job_title": m.job_title} for m in application.members.all()])
    results = ResultFormSet(prefix="results", initial=[
        {f: getattr(r, f) for f in ("year", "kind", "title", "patent_number", "level", "issuing_body")}
        for r in application.results.all()])
    data = {**form_data(ApplicationForm(instance=application)), **formset_data(members), **formset_data(results)}
    return {**data, "annual_plan": "矩阵：修改后的年度计划"}


APPLICATION_ACTIONS = [
    application_action("submit", {"owner"}, EDITABLE),
    application_action("withdraw", {"owner"}, WITHDRAWABLE),
    application_action("recommend", {"county"}, PRELIMINARY),
    application_action("return", {"county"}, PRELIMINARY),
    application_action("reject", {"county"}, PRELIMINARY),
    application_action("accept", CITY, AUDIT),
    application_action("audit-return", CITY, AUDIT),
    application_action("audit-reject", CITY, AUDIT),
    Action("application_edit", "reviews:application_edit", lambda a: [a.pk], _edit_data,
           frozenset({"owner"}), _states(EDITABLE),
           lambda a: Application.objects.get(pk=a.pk).annual_plan, logs=False, unit=lambda a: a.unit),
    Action("attachment_upload", "reviews:attachment_upload", lambda a: [a.pk],
           lambda world, a: {"kind": "honour", "file": pdf("荣誉证书.pdf")}, frozenset({"owner"}), _states(EDITABLE),
           lambda a: a.attachments.count(), logs=False, unit=lambda a: a.unit),
    # the unit deletes an attachment while it may still edit the application
    Action("attachment_delete", "reviews:attachment_delete", lambda attachment: [attachment.pk],
           lambda world, attachment: {}, frozenset({"owner"}),
           (State("draft@application", lambda world: world.attachments["draft@application"], True),
            State("submitted@application", lambda world: world.attachments["submitted@application"], False)),
           lambda attachment: ApplicationAttachment.objects.filter(pk=attachment.pk).exists(), logs=False,
           unit=lambda attachment: attachment.application.unit),
    Action("site_visit", "reviews:site_visit", lambda a: [a.pk],
           lambda world, a: {"visited_on": TODAY.isoformat(), "visitors": "张华", "findings": "场地设备齐全。"},
           CITY, _states(SITE_VISIT), lambda a: a.site_visits.count(), unit=lambda a: a.unit),
]


# Rounds --------------------------------------------------------------------------------------------------------

def naming_round(label, deliberated=False):
    def find(world):
        found = world.rounds[label]
        if deliberated:  # 集体研究 recorded: the round may move on to the publicity (第六条)
            world.deliberate(label)
        return type(found).objects.get(pk=found.pk)
    return find


ROUND_STATES = {
    "draft": naming_round("draft"), "application": naming_round("application"),
    "preliminary": naming_round("preliminary"), "audit": naming_round("audit"),
    "expert_review": naming_round("expert_review"), "decision": naming_round("decision"),
    "decision_deliberated": naming_round("decision", deliberated=True), "publicity": naming_round("publicity"),
    "publicity_ended": naming_round("ended"), "publicity_confirmed": naming_round("approved"),
    "concluded": naming_round("concluded"),
}


def round_states(allowed, only=None):
    return tuple(State(name, find, name in allowed) for name, find in ROUND_STATES.items()
                 if only is None or name in only)


def _phase(naming_round):
    return type(naming_round).objects.get(pk=naming_round.pk).phase


def _round_action(name, route, data, may, states, probe, logs=True):
    return Action(name, route, lambda r: [r.pk], data, frozenset(may), states, probe, logs=logs, sees=EVERYONE_SEES)


def _deadlines(world, r):
    return {f: (getattr(r, f) + datetime.timedelta(days=1)).isoformat() for f in (
        "application_deadline", "preliminary_deadline", "audit_deadline", "expert_deadline", "decision_deadline")}


def _panel_experts(naming_round):
    panel = getattr(naming_round, "panel", None)
    return sorted(panel.experts.values_list("pk", flat=True)) if panel else []


def _assignments(naming_round):
    return Assignment.objects.filter(application__naming_round=naming_round).count()


def _assign_data(world, naming_round):
    """An application of the round not yet with the expert, and a panel expert free of conflict with it."""
    application = (Application.objects.filter(naming_round=naming_round, status__in=["accepted", "under_review"])
                   .exclude(assignments__expert__username="expert4").order_by("pk").first()
                   or Application.objects.filter(naming_round=naming_round).order_by("pk").first())
    return {"application": application.pk, "expert": User.objects.get(username="expert4").pk}


def _shortlist(world, naming_round):
    scored = Application.objects.filter(naming_round=naming_round, status="scored").order_by("pk")
    picks = list(scored.values_list("pk", flat=True)[:5]) or list(
        Application.objects.filter(naming_round=naming_round).values_list("pk", flat=True)[:5])
    return {"meeting_date": TODAY.isoformat(), "minutes_ref": "市总工会党组会议纪要〔2026〕10号", "shortlisted": picks}


def _objection(world, naming_round):
    application = (Application.objects.filter(naming_round=naming_round, status="in_publicity").first()
                   or Application.objects.filter(naming_round=naming_round).first())
    return {"application": application.pk, "channel": "phone", "objector_kind": "person", "objector_name": "王先生",
            "contact": "0663-8200001", "facts": "反映该工作室的场地已挪作他用，请核实。"}


def _statuses(naming_round):
    return sorted(Application.objects.filter(naming_round=naming_round).values_list("status", flat=True))


ROUND_ACTIONS = [
    # 第六条: the municipal union opens one round a year.
    Action("round_create", "reviews:round_create", lambda r: [],
           lambda world, r: {"year": r.year + 1, **_deadlines(world, r)}, CITY,
           (State("next_year_free", lambda world: world.rounds["approved"], True),),
           lambda r: type(r).objects.count(), sees=EVERYONE_SEES),
    # 第六条: the municipal union moves the round through its phases; the publicity ends with the naming decision.
    _round_action("round_advance", "reviews:round_advance", lambda world, r: {"from_phase": r.phase}, CITY,
                  round_states({"draft", "application", "preliminary", "audit", "expert_review",
                                "decision_deliberated"}), _phase),
    _round_action("round_deadlines", "reviews:round_deadlines", _deadlines, CITY,
                  round_states(set(ROUND_STATES) - {"concluded"}, only={"draft", "expert_review", "publicity",
                                                                      "concluded"}),
                  lambda r: type(r).objects.get(pk=r.pk).application_deadline),
    # 第六条: 单位工会提出申请 while applications are open.
    Action("application_new", "reviews:application_new", lambda r: [r.pk], lambda world, r: {},
           frozenset({"owner", "other_unit"}), round_states({"application"}, only={"draft", "application",
                                                                                 "preliminary", "concluded"}),
           lambda r: Application.objects.filter(naming_round=r).count(), sees=EVERYONE_SEES),
    # 专家评审: the panel is formed and assigned between the audit and the end of the expert review.
    _round_action("panel_save", "reviews:panel_save",
                  lambda world, r: {"experts": [*_panel_experts(r), world.spare_expert.pk]}, CITY,
                  round_states({"audit", "expert_review"}, only={"preliminary", "audit", "expert_review",
                                                                 "decision", "concluded"}), _panel_experts),
    _round_action("panel_auto_assign", "reviews:panel_auto_assign", lambda world, r: {}, CITY,
                  round_states({"audit", "expert_review"}, only={"preliminary", "audit", "expert_review",
                                                                 "decision", "concluded"}), _assignments),
    _round_action("panel_assign", "reviews:panel_assign", _assign_data, CITY,
                  round_states({"audit", "expert_review"}, only={"preliminary", "audit", "expert_review",
                                                                 "decision", "concluded"}), _assignments),
    # 集体研究, once, in its phase.
    _round_action("deliberation", "reviews:decision", _shortlist, CITY,
                  round_states({"decision"}, only={"expert_review", "decision", "decision_deliberated",
                                                   "publicity", "concluded"}),
                  lambda r: Deliberation.objects.filter(naming_round=r).exists()),
    # 社会公示: objections during the period; its results confirmed after it; then the naming decision.
    _round_action("objection_record", "reviews:objections", _objection, CITY,
                  round_states({"publicity"}, only={"decision", "publicity", "publicity_ended", "concluded"}),
                  lambda r: Objection.objects.filter(application__naming_round=r).count(), logs=False),
    _round_action("publicity_approve", "reviews:publicity_approve", lambda world, r: {}, CITY,
                  round_states({"publicity_ended"}, only={"decision", "publicity", "publicity_ended", "concluded"}),
                  _statuses),
    _round_action("naming", "reviews:naming",
                  lambda world, r: {"decision_number": "揭工总〔2026〕33号", "decision_date": TODAY.isoformat()}, CITY,
                  round_states({"publicity_confirmed"}, only={"decision", "publicity", "publicity_ended",
                                                              "publicity_confirmed", "concluded"}), _phase),
    # 公文: the public notice from the publicity on; municipal staff issue it, the administrator may fetch it.
    Action("document_produce", "documents:produce", lambda r: [r.pk, "notice"], lambda world, r: {},
           frozenset({"city", "finance", "admin"}), round_states({"publicity"}, only={"expert_review", "publicity"}),
           lambda r: OfficialDocument.objects.filter(naming_round=r).count(), logs=False, sees=EVERYONE_SEES),
]


# Objections and the experts' tasks -----------------------------------------------------------------------------

OBJECTION_ACTIONS = [
    Action("objection_handle", "reviews:objection_handle", lambda o: [o.pk],
           lambda world, o: {"upheld": "0", "handling": "经核实，异议不成立。"}, CITY,
           (State("received", lambda world: world.objections["received"], True),
            State("dismissed", lambda world: world.objections["dismissed"], False)),
           lambda o: Objection.objects.get(pk=o.pk).status, logs=False, unit=lambda o: o.application.unit),
]


def task(status, phase):
    def find(world):
        return Assignment.objects.filter(status=status, application__naming_round__phase=phase).order_by("pk").first()
    return find


TASK_STATES = {"assigned@audit": task(AssignmentStatus.ASSIGNED, RoundPhase.AUDIT),
               "assigned@expert_review": task(AssignmentStatus.ASSIGNED, RoundPhase.EXPERT_REVIEW),
               "scored": task(AssignmentStatus.SCORED, RoundPhase.EXPERT_REVIEW),
               "recused": task(AssignmentStatus.RECUSED, RoundPhase.EXPERT_REVIEW)}


def _score(world, assignment):
    criteria = assignment.application.naming_round.rule_set.criteria.all()
    return {**{f"c{c.pk}": str((c.max_score * Decimal("0.8")).quantize(Decimal("0.1"))) for c in criteria},
            "comment": "团队结构合理，成果有推广价值。"}


def _task_action(name, route, data, allowed):
    # 第六条: only the expert it was assigned to scores it or declares a conflict (回避); no one else sees it.
    return Action(name, route, lambda t: [t.pk], data, frozenset({"expert"}),
                  tuple(State(label, find, label in allowed) for label, find in TASK_STATES.items()),
                  lambda t: Assignment.objects.get(pk=t.pk).status, sees=lambda user, t: user.pk == t.expert_id,
                  unit=lambda t: t.application.unit, expert=lambda t: t.expert,
                  actors=("expert", "other_expert", "owner", "county", "city", "admin", "auditor"))


TASK_ACTIONS = [
    _task_action("assignment_score", "reviews:assignment_score", _score, {"assigned@expert_review"}),
    _task_action("assignment_recuse", "reviews:assignment_recuse", lambda world, t: {"reason": "曾在该单位任职。"},
                 {"assigned@audit", "assigned@expert_review"}),
]

CASES = [case for action in APPLICATION_ACTIONS + ROUND_ACTIONS + OBJECTION_ACTIONS + TASK_ACTIONS
         for case in action.cases()]
ACTIONS_BY_NAME = {action.name: action for action, _state in CASES}


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_naming_cells(case, world, db):
    action, state = case
    assert run(world, action, state) == []


def test_every_state_is_really_met(world, db):
    """Each state above exists in the world, in the state its name says (the table tests what it claims)."""
    for label in APPLICATION_STATES:
        found = application(label)(world)
        assert found is not None and f"{found.status}@{found.naming_round.phase}" == label, label
    for label, find in TASK_STATES.items():
        found = find(world)
        assert found is not None and label.startswith(found.status), label
