"""等保 preset, 三权分立: the system administrator (a superuser) manages accounts but never approves, scores or pays.

Each service is called as the administrator on an object ready for that very action;
each refuses with PermissionDenied and writes nothing. The fixtures are the apps' own.
"""
import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from assessments import cycle_services as cycles
from assessments.models import AssessmentCycle, CycleGrade
from reviews import application_services
from reviews import panel_services
from reviews.models import ApplicationStatus, Assignment, RoundPhase
from subsidies import grant_services
from subsidies.models import GrantStatus
from tests import factories
from tests.assessments.conftest import YEAR, city_area, evaluation_of, scored, through_evaluation  # noqa: F401
from tests.reviews.conftest import advance_to, city, county, county_user, open_round, unit, unit_user  # noqa: F401
from tests.reviews.test_applications import _recommended
from tests.reviews.test_panels import reviewing  # noqa: F401
from tests.subsidies.conftest import area, planned, prepared  # noqa: F401
from unions.models import Role


@pytest.fixture
def admin(root):
    admin = factories.user_with_role(Role.ADMIN, is_superuser=True)
    assert admin.is_superuser and admin.has_perm("subsidies.view_account_number")  # holds every permission
    return admin


def _rows():
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def _refused(call, *objects):
    """The call raises PermissionDenied; no table gains or loses a row and the objects are as they were."""
    before, states = _rows(), [type(o).objects.filter(pk=o.pk).values().get() for o in objects]
    with pytest.raises(PermissionDenied):
        call()
    assert _rows() == before
    assert [type(o).objects.filter(pk=o.pk).values().get() for o in objects] == states


def test_the_administrator_cannot_accept_an_application(admin, city, unit_user, county_user, open_round):  # noqa: F811
    application = _recommended(city, unit_user, county_user, open_round)
    advance_to(city, open_round, RoundPhase.AUDIT)
    _refused(lambda: application_services.application_accept(
        admin, application, from_status=ApplicationStatus.RECOMMENDED), application)


def test_the_administrator_cannot_score_an_application(admin, reviewing, city):  # noqa: F811
    panel_services.auto_assign(city, reviewing["panel"])
    naming_round = advance_to(city, reviewing["round"], RoundPhase.EXPERT_REVIEW)
    assignment = Assignment.objects.first()
    points = {c.pk: c.max_score for c in naming_round.rule_set.criteria.all()}
    _refused(lambda: panel_services.submit_scores(admin, assignment, points, "满分"), assignment)


def test_the_administrator_cannot_score_or_decide_a_cycle_assessment(admin, city_area):  # noqa: F811
    cycle = cycles.cycle_open(city_area["city"], year=YEAR)
    through_evaluation(city_area, cycle, city_area["studios"])
    cycle = cycles.cycle_start_expert_review(city_area["city"], cycle, from_phase="evaluation",
                                             panel=city_area["panel"])
    review = evaluation_of(cycle, city_area["studios"][0]).reviews.first()
    _refused(lambda: cycles.cycle_review_submit(admin, review, total=100, comment="优秀"), review)
    scored(city_area, cycle, {s: 95 for s in city_area["studios"]})
    cycle = cycles.cycle_start_decision(city_area["city"], AssessmentCycle.objects.get(pk=cycle.pk),
                                        from_phase="expert_review")
    grades = {evaluation_of(cycle, s).pk: (CycleGrade.EXCELLENT, "") for s in city_area["studios"]}
    _refused(lambda: cycles.cycle_decide(admin, cycle, from_phase="decision", meeting_date=timezone.localdate(),
                                         minutes_ref="纪要", grades=grades), cycle)


def test_the_administrator_cannot_approve_a_grant(admin, area):  # noqa: F811
    grant = planned(area)
    _refused(lambda: grant_services.grant_approve(admin, grant, from_status=GrantStatus.PLANNED,
                                                  decision_number=f"揭工总〔{YEAR}〕30号"), grant)


def test_the_administrator_cannot_pay(admin, area):  # noqa: F811
    transfer = prepared(area)
    _refused(lambda: grant_services.transfer_approve(admin, transfer, from_status="prepared"),
             transfer, transfer.grant)
