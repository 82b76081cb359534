"""第十条, 第十一条: the cycle assessment from opening to the grades and their consequences."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.conflicts import Conflict
from assessments import cycle_services as cycles
from assessments.models import (
    AssessmentCycle, CycleEvaluation, CycleGrade, CyclePhase, CycleReview, EvaluationStatus, Rectification,
    RectificationStatus,
)
from core.models import Notification, TransitionLog
from reviews.errors import StaleAction
from studios import lifecycle_services as life
from studios.models import Studio, StudioStatus

from .conftest import EVALUATION, SELF, YEAR, evaluation_of, reviewed_cycle, scored, through_evaluation


def _studio(studio):
    return Studio.objects.get(pk=studio.pk)


def test_opening_takes_every_active_studio_named_a_cycle_ago_and_tells_units_and_counties(city_area):
    cycle = cycles.cycle_open(city_area["city"], year=YEAR)
    included = set(cycle.evaluations.values_list("studio_id", flat=True))
    assert included == {s.pk for s in city_area["studios"]} | {city_area["other_studio"].pk}
    assert city_area["new_studio"].pk not in included and city_area["rectifying"].pk not in included
    assert cycle.phase == CyclePhase.EVALUATION and cycle.self_deadline < cycle.evaluation_deadline < cycle.expert_deadline
    assert Notification.objects.filter(recipient=city_area["unit"], title__contains="周期考核").exists()
    assert Notification.objects.filter(recipient=city_area["other_county"], title__contains="周期考核").exists()
    assert TransitionLog.objects.for_object(city_area["studios"][0]).filter(transition="cycle_open").exists()


@pytest.mark.parametrize("role", ["unit", "county", "admin", "experts"])
def test_only_municipal_staff_open_a_cycle(city_area, role):
    user = city_area[role][0] if role == "experts" else city_area[role]
    with pytest.raises(PermissionDenied):
        cycles.cycle_open(user, year=YEAR)
    assert not AssessmentCycle.objects.exists() and not CycleEvaluation.objects.exists()


def test_a_cycle_comes_every_cycle_years_and_once_a_year(city_area):
    cycles.cycle_open(city_area["city"], year=YEAR - 1)
    with pytest.raises(ValidationError, match="每 2 年"):
        cycles.cycle_open(city_area["city"], year=YEAR)
    with pytest.raises(StaleAction):
        cycles.cycle_open(city_area["city"], year=YEAR - 1)
    with pytest.raises(ValidationError, match="考核年度"):
        cycles.cycle_open(city_area["city"], year=YEAR + 1)
    assert AssessmentCycle.objects.count() == 1


def test_deadlines_follow_the_order_of_the_steps(city_area):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        cycles.cycle_open(city_area["city"], year=YEAR, self_deadline=today + datetime.timedelta(days=20),
                          evaluation_deadline=today + datetime.timedelta(days=10),
                          expert_deadline=today + datetime.timedelta(days=30))
    assert "evaluation_deadline" in error.value.message_dict
    assert not AssessmentCycle.objects.exists()


def test_no_studio_old_enough_means_no_cycle(city_area):
    Studio.objects.update(named_year=YEAR - 1)
    with pytest.raises(ValidationError, match="无需周期考核"):
        cycles.cycle_open(city_area["city"], year=YEAR)
    assert not AssessmentCycle.objects.exists()


def test_self_evaluation_is_the_units_and_the_evaluation_its_recommending_unions(city_area):
    cycle = cycles.cycle_open(city_area["city"], year=YEAR)
    evaluation = evaluation_of(cycle, city_area["studios"][0])
    for user in (city_area["other_unit"], city_area["county"], city_area["city"]):
        with pytest.raises(PermissionDenied):
            cycles.self_evaluation_save(user, evaluation, submit=True, **SELF)
    draft = cycles.self_evaluation_save(city_area["unit"], evaluation, summary="未写完", grade="")
    assert draft.status == EvaluationStatus.SELF_PENDING and draft.self_summary == "未写完"
    with pytest.raises(ValidationError) as error:
        cycles.self_evaluation_save(city_area["unit"], evaluation, summary="", grade="", submit=True)
    assert {"self_summary", "self_grade"} == set(error.value.message_dict)
    with pytest.raises(Conflict):  # the county evaluates what has been submitted only
        cycles.evaluation_save(city_area["county"], evaluation, EVALUATION)
    cycles.self_evaluation_save(city_area["unit"], evaluation, submit=True, **SELF)
    assert Notification.objects.filter(recipient=city_area["county"], title__contains="自评").exists()
    with pytest.raises(StaleAction):  # a double submit
        cycles.self_evaluation_save(city_area["unit"], evaluation, submit=True, **SELF)
    for user in (city_area["other_county"], city_area["unit"], city_area["city"]):
        with pytest.raises(PermissionDenied):
            cycles.evaluation_save(user, evaluation, EVALUATION)
    with pytest.raises(ValidationError) as error:
        cycles.evaluation_save(city_area["county"], evaluation, {"operation_rating": "good"})
    assert {"innovation_rating", "leadership_rating", "evaluation_comment"} == set(error.value.message_dict)
    done = cycles.evaluation_save(city_area["county"], evaluation, EVALUATION)
    assert done.status == EvaluationStatus.EVALUATED and done.evaluated_by == city_area["county"]


def test_the_county_returns_a_self_evaluation_with_a_reason(city_area):
    cycle = cycles.cycle_open(city_area["city"], year=YEAR)
    evaluation = cycles.self_evaluation_save(city_area["unit"], evaluation_of(cycle, city_area["studios"][0]),
                                             submit=True, **SELF)
    with pytest.raises(ValidationError):
        cycles.self_evaluation_return(city_area["county"], evaluation, comment=" ")
    with pytest.raises(PermissionDenied):
        cycles.self_evaluation_return(city_area["other_county"], evaluation, comment="补充")
    cycles.self_evaluation_return(city_area["county"], evaluation, comment="请补充成果转化情况。")
    assert CycleEvaluation.objects.get(pk=evaluation.pk).status == EvaluationStatus.SELF_PENDING
    assert Notification.objects.filter(recipient=city_area["unit"], body="请补充成果转化情况。").exists()


def test_the_preliminary_recommendation_waits_for_every_studio_of_the_area(city_area):
    cycle = cycles.cycle_open(city_area["city"], year=YEAR)
    first, *rest = city_area["studios"]
    cycles.self_evaluation_save(city_area["unit"], evaluation_of(cycle, first), submit=True, **SELF)
    cycles.evaluation_save(city_area["county"], evaluation_of(cycle, first), EVALUATION)
    with pytest.raises(Conflict, match="未完成自评或评价"):
        cycles.preliminary_recommend(city_area["county"], cycle)
    assert evaluation_of(cycle, first).status == EvaluationStatus.EVALUATED
    with pytest.raises(PermissionDenied):
        cycles.preliminary_recommend(city_area["unit"], cycle)
    through_evaluation(city_area, cycle, rest)
    assert set(cycle.evaluations.filter(studio__in=city_area["studios"]).values_list("status", flat=True)) == {
        EvaluationStatus.RECOMMENDED}
    # The other county's studio is not touched by this county's recommendation.
    assert evaluation_of(cycle, city_area["other_studio"]).status == EvaluationStatus.SELF_PENDING
    with pytest.raises(StaleAction):
        cycles.preliminary_recommend(city_area["county"], cycle)
    assert Notification.objects.filter(recipient=city_area["city"], title__contains="初审推荐").exists()


def test_the_expert_review_reuses_a_naming_panel_and_spreads_the_studios(city_area):
    cycle = cycles.cycle_open(city_area["city"], year=YEAR)
    with pytest.raises(Conflict, match="经初审推荐"):
        cycles.cycle_start_expert_review(city_area["city"], cycle, from_phase="evaluation", panel=city_area["panel"])
    through_evaluation(city_area, cycle, city_area["studios"])
    with pytest.raises(PermissionDenied):
        cycles.cycle_start_expert_review(city_area["admin"], cycle, from_phase="evaluation", panel=city_area["panel"])
    cycle = cycles.cycle_start_expert_review(city_area["city"], cycle, from_phase="evaluation",
                                             panel=city_area["panel"])
    assert cycle.phase == CyclePhase.EXPERT_REVIEW and cycle.panel == city_area["panel"]
    loads = sorted(CycleReview.objects.filter(expert=e).count() for e in city_area["experts"])
    assert sum(loads) == 3 * 3 and loads[-1] - loads[0] <= 1  # three experts a studio, balanced
    expert = city_area["experts"][0]
    review = CycleReview.objects.filter(expert=expert).first()
    assert expert.has_perm(cycles.REVIEW_PERMISSION, review.evaluation)
    assert Notification.objects.filter(recipient=expert, title__contains="周期考核评审").exists()
    with pytest.raises(StaleAction):
        cycles.cycle_start_expert_review(city_area["city"], cycle, from_phase="evaluation", panel=city_area["panel"])
    # The other county's studio, never recommended, has no expert.
    assert not CycleReview.objects.filter(evaluation__studio=city_area["other_studio"]).exists()


def test_a_panel_without_enough_free_experts_assigns_nothing(city_area):
    city_area["panel"].experts.set(city_area["experts"][:2])
    cycle = cycles.cycle_open(city_area["city"], year=YEAR)
    through_evaluation(city_area, cycle, city_area["studios"])
    with pytest.raises(ValidationError, match="不足 3 人"):
        cycles.cycle_start_expert_review(city_area["city"], cycle, from_phase="evaluation", panel=city_area["panel"])
    assert AssessmentCycle.objects.get(pk=cycle.pk).phase == CyclePhase.EVALUATION
    assert not CycleReview.objects.exists()


def test_experts_score_only_their_own_tasks_and_the_score_is_combined(city_area):
    cycle = cycles.cycle_open(city_area["city"], year=YEAR)
    through_evaluation(city_area, cycle, city_area["studios"])
    cycles.cycle_start_expert_review(city_area["city"], cycle, from_phase="evaluation", panel=city_area["panel"])
    evaluation = evaluation_of(cycle, city_area["studios"][0])
    reviews = list(evaluation.reviews.select_related("expert"))
    outsider = next(e for e in city_area["experts"] if e not in [r.expert for r in reviews])
    with pytest.raises(PermissionDenied):
        cycles.cycle_review_submit(outsider, reviews[0], total=90, comment="好")
    with pytest.raises(PermissionDenied):
        cycles.cycle_review_submit(city_area["city"], reviews[0], total=90, comment="好")
    for bad in ("abc", "101", "-1", None):
        with pytest.raises(ValidationError):
            cycles.cycle_review_submit(reviews[0].expert, reviews[0], total=bad, comment="好")
    for review, mark in zip(reviews, (92, 88, 95)):
        cycles.cycle_review_submit(review.expert, review, total=mark, comment="材料翔实。")
    evaluation = CycleEvaluation.objects.get(pk=evaluation.pk)
    assert evaluation.status == EvaluationStatus.REVIEWED and str(evaluation.score) == "91.7"
    with pytest.raises(StaleAction):
        cycles.cycle_review_submit(reviews[0].expert, reviews[0], total=50, comment="改分")


def test_a_recused_expert_is_replaced_by_hand(city_area):
    cycle = cycles.cycle_open(city_area["city"], year=YEAR)
    through_evaluation(city_area, cycle, city_area["studios"])
    cycles.cycle_start_expert_review(city_area["city"], cycle, from_phase="evaluation", panel=city_area["panel"])
    evaluation = evaluation_of(cycle, city_area["studios"][0])
    review = evaluation.reviews.select_related("expert").first()
    with pytest.raises(ValidationError):
        cycles.cycle_review_recuse(review.expert, review, reason="")
    cycles.cycle_review_recuse(review.expert, review, reason="曾指导该工作室。")
    assert not review.expert.has_perm(cycles.REVIEW_PERMISSION, evaluation)
    assert Notification.objects.filter(recipient=city_area["city"], title__contains="回避").exists()
    spare = next(e for e in city_area["experts"] if not evaluation.reviews.filter(expert=e).exists())
    with pytest.raises(ValidationError):  # the one who recused is not assigned again
        cycles.cycle_assign(city_area["city"], evaluation, review.expert)
    cycles.cycle_assign(city_area["city"], evaluation, spare)
    assert evaluation.reviews.filter(expert=spare, status="assigned").exists()


def test_the_decision_waits_for_every_expert(city_area):
    cycle = cycles.cycle_open(city_area["city"], year=YEAR)
    through_evaluation(city_area, cycle, city_area["studios"])
    cycle = cycles.cycle_start_expert_review(city_area["city"], cycle, from_phase="evaluation",
                                             panel=city_area["panel"])
    scored(city_area, cycle, {city_area["studios"][0]: 90})
    with pytest.raises(Conflict, match="专家评审未完成"):
        cycles.cycle_start_decision(city_area["city"], cycle, from_phase="expert_review")
    assert AssessmentCycle.objects.get(pk=cycle.pk).phase == CyclePhase.EXPERT_REVIEW


def _grades(cycle, area, **by_studio):
    return {evaluation_of(cycle, studio).pk: given for studio, given in by_studio.items()}


def test_the_collective_decision_grades_and_applies_the_consequences(city_area, django_capture_on_commit_callbacks):
    excellent, passing, failing = city_area["studios"]
    cycle = reviewed_cycle(city_area, {excellent: 95, passing: 80, failing: 50})
    late = city_area["other_studio"]
    grades = {evaluation_of(cycle, excellent).pk: {"grade": "excellent"},
              evaluation_of(cycle, passing).pk: {"grade": "pass"},
              evaluation_of(cycle, failing).pk: {"grade": "fail", "note": "制度未落实，成果转化不足。"},
              evaluation_of(cycle, late).pk: {"grade": "fail", "note": "未按期参加周期考核。"}}
    with django_capture_on_commit_callbacks(execute=True):
        counts = cycles.cycle_decide(city_area["city"], cycle, from_phase="decision",
                                     meeting_date=timezone.localdate(), minutes_ref="市总党组会纪要〔2026〕12号",
                                     grades=grades)
    assert counts == {"excellent": 1, "pass": 1, "fail": 2}
    assert AssessmentCycle.objects.get(pk=cycle.pk).phase == CyclePhase.CONCLUDED
    assert _studio(excellent).status == _studio(passing).status == StudioStatus.ACTIVE
    assert _studio(failing).status == _studio(late).status == StudioStatus.RECTIFYING
    rectification = Rectification.objects.get(studio=failing)
    assert rectification.status == RectificationStatus.OPEN
    assert rectification.deadline == timezone.localdate() + datetime.timedelta(days=cycle.rule_set.rectification_days)
    assert rectification.problems == "制度未落实，成果转化不足。"
    assert Notification.objects.filter(recipient=city_area["unit"], title__contains="不合格").exists()
    assert TransitionLog.objects.for_object(excellent).filter(label__contains="优秀",
                                                              comment__contains="优先推荐").exists()


def test_the_decision_refuses_grades_the_record_does_not_support(city_area):
    excellent, passing, failing = city_area["studios"]
    cycle = reviewed_cycle(city_area, {excellent: 95, passing: 80, failing: 50})
    late = city_area["other_studio"]
    base = {evaluation_of(cycle, excellent).pk: {"grade": "excellent"},
            evaluation_of(cycle, passing).pk: {"grade": "pass"},
            evaluation_of(cycle, failing).pk: {"grade": "fail", "note": "整改"},
            evaluation_of(cycle, late).pk: {"grade": "fail", "note": "未按期参加。"}}
    cases = [
        ({**base, evaluation_of(cycle, late).pk: {"grade": "pass", "note": "理由"}}, "只能评为不合格"),
        ({**base, evaluation_of(cycle, failing).pk: {"grade": "fail"}}, "整改要求"),
        ({**base, evaluation_of(cycle, passing).pk: {"grade": "excellent"}}, "建议的“合格”不同"),
        ({k: v for k, v in base.items() if k != evaluation_of(cycle, passing).pk}, "确定考核等次"),
    ]
    for grades, message in cases:
        with pytest.raises(ValidationError, match=message):
            cycles.cycle_decide(city_area["city"], cycle, from_phase="decision", meeting_date=timezone.localdate(),
                                minutes_ref="纪要", grades=grades)
    with pytest.raises(ValidationError) as error:
        cycles.cycle_decide(city_area["city"], cycle, from_phase="decision", meeting_date=None, minutes_ref="",
                            grades=base)
    assert {"meeting_date", "minutes_ref"} == set(error.value.message_dict)
    with pytest.raises(PermissionDenied):
        cycles.cycle_decide(city_area["county"], cycle, from_phase="decision", meeting_date=timezone.localdate(),
                            minutes_ref="纪要", grades=base)
    assert not Rectification.objects.exists() and not CycleEvaluation.objects.filter(grade__gt="").exists()
    assert _studio(failing).status == StudioStatus.ACTIVE
    # A grade against the experts' proposal stands with the meeting's reason.
    cycles.cycle_decide(city_area["city"], cycle, from_phase="decision", meeting_date=timezone.localdate(),
                        minutes_ref="纪要", grades={**base, evaluation_of(cycle, passing).pk: {
                            "grade": "excellent", "note": "成果获省级推广，集体研究评为优秀。"}})
    assert evaluation_of(cycle, passing).grade == CycleGrade.EXCELLENT
    with pytest.raises(StaleAction):  # a double submit
        cycles.cycle_decide(city_area["city"], cycle, from_phase="decision", meeting_date=timezone.localdate(),
                            minutes_ref="纪要", grades=base)


def test_a_studio_delisted_during_the_cycle_is_closed_not_graded(city_area):
    excellent, passing, failing = city_area["studios"]
    cycle = reviewed_cycle(city_area, {excellent: 95, passing: 80, failing: 50})
    life.studio_delist(city_area["city"], failing, reason="3", facts="弄虚作假。", decision_number="揭工总〔2026〕9号",
                       decided_on=timezone.localdate())
    grades = {evaluation_of(cycle, excellent).pk: {"grade": "excellent"},
              evaluation_of(cycle, passing).pk: {"grade": "pass"},
              evaluation_of(cycle, city_area["other_studio"]).pk: {"grade": "fail", "note": "未参加。"}}
    cycles.cycle_decide(city_area["city"], cycle, from_phase="decision", meeting_date=timezone.localdate(),
                        minutes_ref="纪要", grades=grades)
    closed = evaluation_of(cycle, failing)
    assert closed.status == EvaluationStatus.CLOSED and closed.grade == ""
    assert not Rectification.objects.filter(studio=failing).exists()


def test_steps_out_of_phase_are_refused_and_write_nothing(city_area):
    cycle = cycles.cycle_open(city_area["city"], year=YEAR)
    through_evaluation(city_area, cycle, city_area["studios"])
    cycle = cycles.cycle_start_expert_review(city_area["city"], cycle, from_phase="evaluation",
                                             panel=city_area["panel"])
    late = evaluation_of(cycle, city_area["other_studio"])
    with pytest.raises(Conflict, match="阶段"):
        cycles.self_evaluation_save(city_area["other_unit"], late, submit=True, **SELF)
    with pytest.raises(Conflict, match="阶段"):
        cycles.cycle_decide(city_area["city"], cycle, from_phase="expert_review", meeting_date=timezone.localdate(),
                            minutes_ref="纪要", grades={})
    assert CycleEvaluation.objects.get(pk=late.pk).status == EvaluationStatus.SELF_PENDING
