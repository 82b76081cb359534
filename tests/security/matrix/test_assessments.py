"""Assessments through HTTP (第九条 to 第十一条, 第十四条): every action × actor × state it really meets.

From the rules: each year the unit union reports on its studio and the recommending union assesses it and
reports the area's assessments to the municipal union before the year ends (第九条: 谁推荐谁考核谁负责); every two
years the unit evaluates itself, its recommending union evaluates and recommends the area, experts of a panel
score the studios assigned to them, and the municipal union decides the grades (第十条, 第十一条); a studio graded
不合格 reports its rectification, which the municipal union re-checks, and then delists or gives a new deadline
(第十一条, 第八条(四)); the municipal union keeps the list of recommendations for higher honours (第十四条). A
studio that no longer holds its title is not assessed. Each step happens once, in its phase.
"""
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.utils import timezone

from assessments import annual_services, cycle_services
from assessments.models import (
    CYCLE_DIMENSIONS, DIMENSIONS, AnnualAssessment, AnnualReport, AssessmentCycle, AssessmentStatus, CycleEvaluation,
    CycleGrade, CyclePhase, CycleReview, EvaluationStatus, Recommendation, Rectification, ReportStatus,
)
from reviews.models import NamingRound, RoundPhase
from studios.models import TITLED_STATES, Studio, StudioStatus
from unions.models import Union

from .cells import DONE, Action, State, case_id, run, sees_in_scope

TODAY = timezone.localdate()
CITY = frozenset({"city", "finance"})
EVERYONE_SEES = lambda user, obj: True  # noqa: E731 - a cycle, and a year's reporting up, are the municipal union's


# 第九条: the yearly report and assessment -------------------------------------------------------------------------

@dataclass
class StudioYear:
    """A studio's report and assessment of one year: what the page /annual/studios/<studio>/<year>/ acts on."""
    studio: Studio
    year: int

    @property
    def report(self):
        return AnnualReport.objects.filter(studio=self.studio, year=self.year).first()

    @property
    def assessment(self):
        return AnnualAssessment.objects.filter(studio=self.studio, year=self.year).first()


def this_year():
    """The year the demo's yearly work is in (its latest reports)."""
    return AnnualReport.objects.order_by("-year").values_list("year", flat=True).first()


def report(status):
    def find(world):
        found = AnnualReport.objects.filter(year=this_year(), status=status).order_by("pk").first()
        return StudioYear(found.studio, found.year)
    return find


def assessment(status):
    def find(world):
        found = AnnualAssessment.objects.filter(status=status).order_by("-year", "pk").first()
        return StudioYear(found.studio, found.year)
    return find


def without(model):
    """A titled studio named before the year, with no report (or assessment) yet."""
    def find(world):
        year = this_year()
        studio = (Studio.objects.filter(status=StudioStatus.ACTIVE, named_year__lt=year)
                  .exclude(**{f"{model}__year": year}).order_by("pk").first())
        return StudioYear(studio, year)
    return find


def delisted(world):
    return StudioYear(Studio.objects.filter(status=StudioStatus.DELISTED).order_by("pk").first(), this_year())


def _report_data(action):
    return lambda world, o: {"action": action, **{f"report-{f}": f"矩阵{f}" for f in
                                                 ("operation", "results", "training", "funding", "plan")}}


def _annual(name, data, may, states, probe, logs=True):
    return Action(name, "assessments:annual_studio", lambda o: [o.studio.pk, o.year], data, frozenset(may), states,
                  probe, logs=logs, sees=lambda user, o: sees_in_scope(user, o.studio), unit=lambda o: o.studio.unit)


def _report_state(o):
    return (o.report.status, o.report.operation) if o.report else None


def _assessment_state(o):
    return (o.assessment.status, o.assessment.comment) if o.assessment else None


REPORT_STATES = (State("no_report", without("annual_reports"), True), State("draft", report(ReportStatus.DRAFT), True),
                 State("submitted", report(ReportStatus.SUBMITTED), False), State("delisted", delisted, False))


def area_ready(union, year):
    """第九条 as a predicate: every titled studio of the area named before the year assessed, some not yet
    reported up."""
    studios = Studio.objects.filter(unit__recommending_union=union, status__in=TITLED_STATES, named_year__lt=year)
    assessed = AnnualAssessment.objects.filter(studio__in=studios, year=year)
    return assessed.count() == studios.count() and assessed.filter(status=AssessmentStatus.ASSESSED).exists()


def area_assessed(world):
    """榕城's area, every studio assessed for the year by its recommending union (through the service)."""
    year = this_year()
    for studio in Studio.objects.filter(unit__recommending_union=world.county.union, status__in=TITLED_STATES,
                                        named_year__lt=year).exclude(annual_assessments__year=year):
        annual_services.annual_assess(world.county, studio, year, {
            **{f: "good" for f, _label in DIMENSIONS}, "comment": "运行规范。"})
    return StudioYear(None, year)


def _report_up_expect(world, o):
    """Each county reports its own area: the outcome is the rule's, for that area."""
    return {actor: DONE if area_ready(world.users[name].union, o.year) else 409
            for actor, name in (("county", "county"), ("other_county", "county2"))}


def _area_reported(o):
    return AnnualAssessment.objects.filter(year=o.year, status=AssessmentStatus.REPORTED).count()


ANNUAL_ACTIONS = [
    _annual("annual_report_save", _report_data("save"), {"owner"}, REPORT_STATES, _report_state, logs=False),
    _annual("annual_report_submit", _report_data("submit"), {"owner"}, REPORT_STATES, _report_state),
    _annual("annual_assess",
            lambda world, o: {"action": "assess", **{f"assess-{f}": "good" for f, _label in DIMENSIONS},
                              "assess-comment": "矩阵：运行规范，成果突出。"},
            {"county"}, (State("not_assessed", without("annual_assessments"), True),
                         State("assessed", assessment(AssessmentStatus.ASSESSED), True),
                         State("reported", assessment(AssessmentStatus.REPORTED), False),
                         State("delisted", delisted, False)), _assessment_state),
    _annual("annual_report_return", lambda world, o: {"action": "return", "comment": "请补充经费使用情况。"}, {"county"},
            (State("submitted", report(ReportStatus.SUBMITTED), True), State("draft", report(ReportStatus.DRAFT), False)),
            _report_state),
    Action("annual_report_up", "assessments:annual_report_up", lambda o: [o.year], lambda world, o: {},
           frozenset({"county", "other_county"}),
           (State("area_not_all_assessed", lambda world: StudioYear(None, this_year()), False, _report_up_expect),
            State("area_all_assessed", area_assessed, True, _report_up_expect),
            State("last_year_reported", lambda world: StudioYear(None, this_year() - 1), False, _report_up_expect)),
           _area_reported, sees=EVERYONE_SEES,
           actors=("owner", "county", "other_county", "city", "expert", "finance", "auditor", "admin")),
]


# 第十条, 第十一条: the cycle assessment ----------------------------------------------------------------------------

def running_cycle():
    return AssessmentCycle.objects.exclude(phase=CyclePhase.CONCLUDED).get()


def panel():
    """The experts the municipal union works with: last concluded round's panel (第十条: 市总工会组织专家评审)."""
    return NamingRound.objects.filter(phase=RoundPhase.CONCLUDED).latest("year").panel


def bring_cycle(phase, reviewed=False):
    """This year's cycle, moved on through the services to `phase` (the demo leaves it in its evaluation)."""
    def find(world):
        cycle = running_cycle()
        if phase != CyclePhase.EVALUATION and cycle.phase == CyclePhase.EVALUATION:
            cycle = cycle_services.cycle_start_expert_review(world.city, cycle, from_phase=cycle.phase, panel=panel())
        if reviewed or phase == CyclePhase.DECISION:
            for review in CycleReview.objects.filter(evaluation__cycle=cycle, status="assigned").select_related(
                    "expert"):
                cycle_services.cycle_review_submit(review.expert, review, total=85, comment="成果展示材料翔实。")
        if phase == CyclePhase.DECISION and cycle.phase == CyclePhase.EXPERT_REVIEW:
            cycle = cycle_services.cycle_start_decision(world.city, cycle, from_phase=cycle.phase)
        return AssessmentCycle.objects.get(pk=cycle.pk)
    return find


def area_evaluated(world):
    """This year's cycle with every studio of 榕城 self-evaluated and evaluated, ready to be recommended."""
    cycle = running_cycle()
    area = cycle_services.area_evaluations(cycle, world.county.union).select_related("studio", "studio__unit")
    for evaluation in area.filter(status=EvaluationStatus.SELF_PENDING):
        cycle_services.self_evaluation_save(world.unit_staff[evaluation.studio.unit_id], evaluation, submit=True,
                                            summary="两年来制度执行规范。", grade=CycleGrade.PASS)
    for evaluation in area.filter(status=EvaluationStatus.SELF_SUBMITTED):
        cycle_services.evaluation_save(world.county, evaluation, {
            **{f: "good" for f, _label in CYCLE_DIMENSIONS}, "evaluation_comment": "运行规范。"})
    return cycle


def concluded(world):
    return AssessmentCycle.objects.filter(phase=CyclePhase.CONCLUDED).latest("year")


CYCLE_STATES = {
    "evaluation": bring_cycle(CyclePhase.EVALUATION), "expert_review": bring_cycle(CyclePhase.EXPERT_REVIEW),
    "expert_review_done": bring_cycle(CyclePhase.EXPERT_REVIEW, reviewed=True),
    "decision": bring_cycle(CyclePhase.DECISION), "concluded": concluded,
}


def cycle_states(allowed, names):
    return tuple(State(name, CYCLE_STATES[name], name in allowed) for name in names)


def _decision_data(world, cycle):
    """Every titled studio graded as the experts' score proposes (不合格, with its problems, if never reviewed)."""
    data = {"from_phase": cycle.phase, "meeting_date": TODAY.isoformat(), "minutes_ref": "市总工会党组会议纪要〔2026〕13号"}
    for evaluation in cycle.evaluations.exclude(status=EvaluationStatus.CLOSED).filter(
            studio__status__in=TITLED_STATES):
        data[f"grade_{evaluation.pk}"] = cycle_services.proposed_grade(evaluation, cycle.rule_set)
        data[f"note_{evaluation.pk}"] = "集体研究意见：按规则确定等次，存在问题限期整改。"
    return data


def _phase(cycle):
    return AssessmentCycle.objects.get(pk=cycle.pk).phase


def _recommended(cycle):
    return cycle.evaluations.filter(status=EvaluationStatus.RECOMMENDED).count()


CYCLE_ACTIONS = [
    # 第十条: every two years; this year's is open.
    Action("cycle_open", "assessments:cycle_list", lambda c: [],
           lambda world, c: {"year": c.year, "self_deadline": c.self_deadline.isoformat(),
                             "evaluation_deadline": c.evaluation_deadline.isoformat(),
                             "expert_deadline": c.expert_deadline.isoformat()},
           CITY, cycle_states(set(), ["evaluation"]), lambda c: AssessmentCycle.objects.count(), sees=EVERYONE_SEES),
    # 县级总工会或市直基层工会初审推荐 its area, once every studio of it is evaluated (谁推荐谁考核).
    Action("cycle_recommend", "assessments:cycle_recommend", lambda c: [c.pk], lambda world, c: {},
           frozenset({"county", "other_county"}),
           (State("evaluation_area_not_ready", CYCLE_STATES["evaluation"], False),
            State("evaluation_area_ready", area_evaluated, True, {"other_county": 409}),  # 普宁 recommended its own
            State("expert_review", CYCLE_STATES["expert_review"], False),
            State("concluded", concluded, False)), _recommended, sees=EVERYONE_SEES),
    # 市总工会: the expert review starts with recommended studios; the decision once every expert has scored.
    Action("cycle_advance", "assessments:cycle_advance", lambda c: [c.pk],
           lambda world, c: {"from_phase": c.phase, "panel": panel().pk}, CITY,
           cycle_states({"evaluation", "expert_review_done"}, CYCLE_STATES), _phase, sees=EVERYONE_SEES),
    Action("cycle_decision", "assessments:cycle_decision", lambda c: [c.pk], _decision_data, CITY,
           cycle_states({"decision"}, ["evaluation", "expert_review", "decision", "concluded"]), _phase,
           sees=EVERYONE_SEES),
]


def evaluation(status, phase):
    def find(world):
        cycle = CYCLE_STATES[phase](world)
        return cycle.evaluations.filter(status=status).order_by("pk").first()
    return find


EVALUATION_STATES = {
    "self_pending@evaluation": evaluation(EvaluationStatus.SELF_PENDING, "evaluation"),
    "self_submitted@evaluation": evaluation(EvaluationStatus.SELF_SUBMITTED, "evaluation"),
    "evaluated@evaluation": evaluation(EvaluationStatus.EVALUATED, "evaluation"),
    "recommended@evaluation": evaluation(EvaluationStatus.RECOMMENDED, "evaluation"),
    "self_pending@expert_review": evaluation(EvaluationStatus.SELF_PENDING, "expert_review"),
    "under_review@expert_review": evaluation(EvaluationStatus.UNDER_REVIEW, "expert_review"),
    "reviewed@expert_review": evaluation(EvaluationStatus.REVIEWED, "expert_review_done"),
    "graded@concluded": evaluation(EvaluationStatus.GRADED, "concluded"),
}


def _reviewer(evaluation):
    """The expert who plays "expert": one with a task on this studio, if it has reached the experts."""
    review = evaluation.reviews.exclude(status="recused").select_related("expert").order_by("pk").first()
    return review.expert if review else None


def _sees_evaluation(user, evaluation):
    """Point 2 for an evaluation: the union tree, or an expert with a task on it (open, or scored)."""
    if user.role == "expert":
        return evaluation.reviews.filter(expert=user).exclude(status="recused").exists()
    return sees_in_scope(user, evaluation)


def _evaluation_state(evaluation):
    found = CycleEvaluation.objects.get(pk=evaluation.pk)
    return (found.status, found.self_summary, found.evaluation_comment,
            sorted(found.reviews.values_list("expert", "status")))


def _free_expert(evaluation):
    busy = evaluation.reviews.values_list("expert", flat=True)
    return panel().experts.exclude(pk__in=busy).order_by("pk").first() or panel().experts.first()


def evaluation_action(action, data, may, allowed, logs=True):
    return Action(f"cycle_{action}", "assessments:cycle_evaluation", lambda e: [e.cycle_id, e.pk],
                  lambda world, e: {"action": action, **data(e)}, frozenset(may),
                  tuple(State(name, find, name in allowed) for name, find in EVALUATION_STATES.items()),
                  _evaluation_state, logs=logs, sees=_sees_evaluation, unit=lambda e: e.studio.unit,
                  expert=_reviewer)


SELF = {"self-self_summary": "矩阵：两年来制度执行规范，攻关和培训按计划开展。", "self-self_grade": CycleGrade.PASS}
EVALUATE = {**{f"evaluate-{f}": "good" for f, _label in CYCLE_DIMENSIONS}, "evaluate-evaluation_comment": "矩阵：运行规范。"}
EVALUATION_ACTIONS = [
    evaluation_action("self_save", lambda e: SELF, {"owner"}, {"self_pending@evaluation"}, logs=False),
    evaluation_action("self_submit", lambda e: SELF, {"owner"}, {"self_pending@evaluation"}),
    # changeable until the area is recommended
    evaluation_action("evaluate", lambda e: EVALUATE, {"county"}, {"self_submitted@evaluation", "evaluated@evaluation"}),
    evaluation_action("return", lambda e: {"comment": "请补充攻关项目进展。"}, {"county"}, {"self_submitted@evaluation"}),
    evaluation_action("review", lambda e: {"review-total": "88", "review-comment": "成果展示材料翔实。"}, {"expert"},
                      {"under_review@expert_review"}, logs=False),
    evaluation_action("recuse", lambda e: {"recusal_reason": "曾为该企业提供技术咨询。"}, {"expert"},
                      {"under_review@expert_review"}),
    evaluation_action("assign", lambda e: {"assign-expert": _free_expert(e).pk}, CITY, {"under_review@expert_review"}),
]


# 第十一条, 第八条(四): rectification ------------------------------------------------------------------------------

def rectification(status):
    return lambda world: Rectification.objects.filter(status=status).order_by("pk").first()


RECTIFICATION_STATES = {status: rectification(status) for status in
                        ("open", "reported", "failed", "overdue", "passed", "delisted")}


def rectification_action(action, data, may, allowed):
    return Action(f"rectification_{action}", "assessments:rectification_detail", lambda r: [r.pk],
                  lambda world, r: {"action": action, **{f"{action}-{k}": v for k, v in data.items()}},
                  frozenset(may), tuple(State(s, f, s in allowed) for s, f in RECTIFICATION_STATES.items()),
                  lambda r: Rectification.objects.get(pk=r.pk).status, unit=lambda r: r.studio.unit)


PROPOSED = {"failed", "overdue"}  # delisting proposed: confirmed, or a new deadline given
RECTIFICATION_ACTIONS = [
    rectification_action("report", {"report": "矩阵：已健全台账，完成攻关 1 项。"}, {"owner"}, {"open"}),
    rectification_action("recheck", {"passed": "yes", "recheck_comment": "整改到位。"}, CITY, {"reported"}),
    rectification_action("extend", {"deadline": (TODAY + timezone.timedelta(days=60)).isoformat(),
                                    "comment": "整改已有进展，给予新的期限。"}, CITY, PROPOSED),
    rectification_action("delist", {"decision_number": "揭工总〔2026〕35号", "decided_on": TODAY.isoformat(),
                                    "facts": "经整改仍不能正常开展活动。"}, CITY, PROPOSED),
]


# 第十四条: recommendations ------------------------------------------------------------------------------------------

def recommendation(status):
    return lambda world: Recommendation.objects.filter(status=status).order_by("pk").first()


RECOMMENDATION_STATES = {s: recommendation(s) for s in ("proposed", "submitted", "awarded", "not_awarded", "withdrawn")}


def recommendation_action(action, allowed):
    return Action(f"recommendation_{action}", "assessments:recommendation_advance", lambda r: [r.pk, action],
                  lambda world, r: {"from_status": r.status, "note": "粤工总〔2026〕8号"}, CITY,
                  tuple(State(s, f, s in allowed) for s, f in RECOMMENDATION_STATES.items()),
                  lambda r: Recommendation.objects.get(pk=r.pk).status, unit=lambda r: r.studio.unit)


def excellent(world):
    """A titled studio graded 优秀 by a concluded cycle: 优先推荐 (第十一条, 第十四条)."""
    return Studio.objects.filter(status__in=TITLED_STATES, cycle_evaluations__grade=CycleGrade.EXCELLENT).order_by(
        "pk").first()


def _recommend(world, studio):
    graded = studio.cycle_evaluations.filter(grade=CycleGrade.EXCELLENT).first()
    return {"year": TODAY.year + 1, "honour": "provincial_vanguard", "evaluation": graded.pk if graded else "",
            "grounds": "矩阵：周期考核优秀，攻关成果突出。"}


RECOMMENDATION_ACTIONS = [
    recommendation_action("submit", {"proposed"}),
    recommendation_action("award", {"submitted"}),
    recommendation_action("decline", {"submitted"}),
    recommendation_action("withdraw", {"proposed"}),
    Action("recommendation_create", "assessments:recommendation_create", lambda s: [], _recommend, CITY,
           (State("excellent_titled", excellent, True),
            State("delisted", lambda world: Studio.objects.filter(status=StudioStatus.DELISTED).first(), False)),
           lambda s: Recommendation.objects.count(), query=lambda s: f"studio={s.pk}", sees=EVERYONE_SEES,
           unit=lambda s: s.unit),
]

CASES = [case for action in ANNUAL_ACTIONS + CYCLE_ACTIONS + EVALUATION_ACTIONS + RECTIFICATION_ACTIONS
         + RECOMMENDATION_ACTIONS for case in action.cases()]


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_assessment_cells(case, world, db):
    action, state = case
    assert run(world, action, state) == []


def test_the_states_are_what_they_say(world, db):
    assert not area_ready(Union.objects.get(pk=world.county.union_id), this_year())
    for name, find in EVALUATION_STATES.items():
        with transaction.atomic():
            found = find(world)
            assert found is not None and f"{found.status}@{found.cycle.phase}" == name, name
            transaction.set_rollback(True)
