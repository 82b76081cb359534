"""Every action of 第十条, 第十一条 and 第十四条 × every role: only the cells the rules allow change anything.

The expected cells are written from the articles, not from the code: the unit union evaluates itself and
reports its rectification; its recommending union evaluates and recommends; municipal staff run the cycle,
decide, re-check, delist and recommend; an expert scores only what was assigned; the system administrator
keeps the system and decides nothing. A refused cell raises and leaves the database as it was.
"""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from assessments import cycle_services as cycles
from assessments import rectification_services as rect
from assessments import recommendation_services as recs
from assessments.models import (
    AssessmentCycle, CycleEvaluation, CycleReview, Recommendation, Rectification, RectificationStatus,
)
from core.conflicts import Conflict
from core.models import TransitionLog
from tests import factories
from unions.models import Role

from .conftest import EVALUATION, SELF, YEAR, decided_cycle, evaluation_of, through_evaluation

TODAY = timezone.localdate()
ROLES = ["unit", "other_unit", "county", "other_county", "city", "admin", "expert", "outside_expert"]


def _snapshot():
    return (TransitionLog.objects.count(), AssessmentCycle.objects.count(),
            sorted(CycleEvaluation.objects.values_list("pk", "status", "grade")),
            sorted(CycleReview.objects.values_list("pk", "status", "total")),
            sorted(Rectification.objects.values_list("pk", "status", "deadline")),
            sorted(Recommendation.objects.values_list("pk", "status")))


def _users(area, cycle=None):
    users = {role: area[role] for role in ROLES if role in area}
    review = CycleReview.objects.filter(evaluation__cycle=cycle).select_related("expert").first() if cycle else None
    users["expert"] = review.expert if review else area["experts"][0]
    users["outside_expert"] = factories.user_with_role(Role.EXPERT)
    return users


def _setup_evaluation(area):
    cycle = cycles.cycle_open(area["city"], year=YEAR)
    first, second, third = area["studios"]
    cycles.self_evaluation_save(area["unit"], evaluation_of(cycle, second), submit=True, **SELF)
    cycles.self_evaluation_save(area["unit"], evaluation_of(cycle, third), submit=True, **SELF)
    cycles.evaluation_save(area["county"], evaluation_of(cycle, third), EVALUATION)
    return cycle


EVALUATION_ACTIONS = {
    # action: (who may, the call)
    "self_submit": ({"unit"}, lambda u, c, a: cycles.self_evaluation_save(
        u, evaluation_of(c, a["studios"][0]), submit=True, **SELF)),
    "self_return": ({"county"}, lambda u, c, a: cycles.self_evaluation_return(
        u, evaluation_of(c, a["studios"][1]), comment="请补充。")),
    "evaluate": ({"county"}, lambda u, c, a: cycles.evaluation_save(u, evaluation_of(c, a["studios"][1]), EVALUATION)),
    "open_again": (set(), lambda u, c, a: cycles.cycle_open(u, year=YEAR)),  # once a year, for nobody
}


@pytest.mark.parametrize("action", EVALUATION_ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_evaluation_phase_actions(city_area, action, role):
    cycle = _setup_evaluation(city_area)
    allowed, call = EVALUATION_ACTIONS[action]
    user = _users(city_area)[role]
    before = _snapshot()
    if role in allowed:
        call(user, cycle, city_area)
        assert _snapshot() != before
    else:
        with pytest.raises((PermissionDenied, ValidationError, Conflict)):
            call(user, cycle, city_area)
        assert _snapshot() == before


def _setup_expert_review(area):
    cycle = cycles.cycle_open(area["city"], year=YEAR)
    through_evaluation(area, cycle, area["studios"])
    return cycles.cycle_start_expert_review(area["city"], cycle, from_phase="evaluation", panel=area["panel"])


def _my_review(user, cycle):
    return CycleReview.objects.filter(evaluation__cycle=cycle).filter(expert=user).first() or \
        CycleReview.objects.filter(evaluation__cycle=cycle).first()


EXPERT_PHASE_ACTIONS = {
    "score": ({"expert"}, lambda u, c, a: cycles.cycle_review_submit(u, _my_review(u, c), total=80, comment="好")),
    "recuse": ({"expert"}, lambda u, c, a: cycles.cycle_review_recuse(u, _my_review(u, c), reason="回避")),
    "to_decision": (set(), lambda u, c, a: cycles.cycle_start_decision(u, c, from_phase="expert_review")),  # waits
    "recommend_late": (set(), lambda u, c, a: cycles.preliminary_recommend(u, c)),  # the phase is over
}


@pytest.mark.parametrize("action", EXPERT_PHASE_ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_expert_review_actions(city_area, action, role):
    cycle = _setup_expert_review(city_area)
    allowed, call = EXPERT_PHASE_ACTIONS[action]
    user = _users(city_area, cycle)[role]
    before = _snapshot()
    if role in allowed:
        call(user, cycle, city_area)
        assert _snapshot() != before
    else:
        with pytest.raises((PermissionDenied, ValidationError, Conflict)):
            call(user, cycle, city_area)
        assert _snapshot() == before


def _setup_rectification(area):
    excellent, passing, failing = area["studios"]
    decided_cycle(area, {excellent: 95, passing: 80, failing: 50}, {
        excellent: {"grade": "excellent"}, passing: {"grade": "pass"}, failing: {"grade": "fail", "note": "整改。"},
        area["other_studio"]: {"grade": "fail", "note": "未参加。"}})
    return Rectification.objects.get(studio=failing)


def _reported(area, rectification):
    rect.rectification_report(area["unit"], rectification, report="已整改。")
    return rectification


def _failed(area, rectification):
    rect.rectification_recheck(area["city"], _reported(area, rectification), passed=False, comment="不合格")
    return rectification


RECTIFICATION_ACTIONS = {
    "report": ({"unit"}, lambda area, r: r, lambda u, r: rect.rectification_report(u, r, report="已整改。")),
    "recheck": ({"city"}, _reported, lambda u, r: rect.rectification_recheck(u, r, passed=True, comment="合格")),
    "extend": ({"city"}, _failed, lambda u, r: rect.rectification_extend(
        u, r, deadline=TODAY + timezone.timedelta(days=30), comment="再给一次机会。")),
    "delist": ({"city"}, _failed, lambda u, r: rect.rectification_confirm_delisting(
        u, r, decision_number="揭工总〔2026〕30号", decided_on=TODAY, facts="整改不力。")),
    "recommend_failed": (set(), lambda area, r: r, lambda u, r: recs.recommendation_create(
        u, year=YEAR, honour="municipal_award", studio=r.studio, evaluation=r.evaluation, grounds="理由")),
}


@pytest.mark.parametrize("action", RECTIFICATION_ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_rectification_actions(city_area, action, role):
    rectification = _setup_rectification(city_area)
    allowed, prepare, call = RECTIFICATION_ACTIONS[action]
    rectification = Rectification.objects.get(pk=prepare(city_area, rectification).pk)
    user = _users(city_area)[role]
    before = _snapshot()
    if role in allowed:
        call(user, rectification)
        assert _snapshot() != before
    else:
        with pytest.raises((PermissionDenied, ValidationError, Conflict)):
            call(user, rectification)
        assert _snapshot() == before
    assert rectification.status in RectificationStatus.values
