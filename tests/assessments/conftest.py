"""A city with two counties, studios old enough for this year's cycle assessment, and an expert panel."""
import datetime

import pytest
from django.utils import timezone

from assessments import cycle_services as cycles
from assessments.models import AssessmentCycle, CycleGrade
from reviews.models import ExpertPanel, NamingRound
from studios.models import StudioStatus
from tests import factories
from unions.models import Role

YEAR = timezone.localdate().year
SELF = {"summary": "两年来开展攻关 8 项，获专利 3 项，培训 300 人次。", "grade": CycleGrade.EXCELLENT}
EVALUATION = {"operation_rating": "good", "innovation_rating": "good", "leadership_rating": "fair",
              "evaluation_comment": "运行规范，创新成果突出。"}


@pytest.fixture
def city_area(root, published_rules):
    county = factories.county_union("榕城区总工会")
    unit = factories.unit_union(county, "揭阳市金叶机械制造有限公司工会")
    other_county = factories.county_union("普宁市总工会")
    other_unit = factories.unit_union(other_county, "普宁市华南纺织有限公司工会")
    city = factories.user_with_role(Role.MUNICIPAL_STAFF)
    experts = [factories.user_with_role(Role.EXPERT) for _ in range(4)]
    naming_round = NamingRound.objects.create(
        year=YEAR - 1, union=root, rule_set=published_rules, created_by=city,
        **{f: datetime.date(YEAR - 1, m, 1) for f, m in (("application_deadline", 3), ("preliminary_deadline", 4),
                                                         ("audit_deadline", 5), ("expert_deadline", 6),
                                                         ("decision_deadline", 7))})
    panel = ExpertPanel.objects.create(naming_round=naming_round, created_by=city)
    panel.experts.set(experts)
    return {
        "studios": [factories.StudioFactory(unit=unit, named_year=YEAR - 3) for _ in range(3)],
        "other_studio": factories.StudioFactory(unit=other_unit, named_year=YEAR - 2),
        # Not in the cycle: named too recently, or already under rectification.
        "new_studio": factories.StudioFactory(unit=unit, named_year=YEAR - 1),
        "rectifying": factories.StudioFactory(unit=unit, named_year=YEAR - 3, status=StudioStatus.RECTIFYING),
        "unit": factories.user_with_role(Role.UNIT_STAFF, unit),
        "other_unit": factories.user_with_role(Role.UNIT_STAFF, other_unit),
        "county": factories.user_with_role(Role.RECOMMENDING_STAFF, county),
        "other_county": factories.user_with_role(Role.RECOMMENDING_STAFF, other_county),
        "city": city, "experts": experts, "panel": panel,
        "admin": factories.user_with_role(Role.ADMIN),
    }


def evaluation_of(cycle, studio):
    return cycle.evaluations.get(studio=studio)


def through_evaluation(area, cycle, studios):
    """Self-evaluation, the county's evaluation, then its preliminary recommendation."""
    for studio in studios:
        cycles.self_evaluation_save(area["unit"], evaluation_of(cycle, studio), submit=True, **SELF)
        cycles.evaluation_save(area["county"], evaluation_of(cycle, studio), EVALUATION)
    cycles.preliminary_recommend(area["county"], cycle)


def scored(area, cycle, marks):
    """Every expert of each studio gives it the mark in `marks` (studio → mark)."""
    for studio, mark in marks.items():
        for review in evaluation_of(cycle, studio).reviews.select_related("expert"):
            cycles.cycle_review_submit(review.expert, review, total=mark, comment="材料翔实。")


def reviewed_cycle(area, marks):
    """A cycle in its decision phase: the county's studios recommended and scored, the other county late."""
    cycle = cycles.cycle_open(area["city"], year=YEAR)
    through_evaluation(area, cycle, area["studios"])
    cycle = cycles.cycle_start_expert_review(area["city"], cycle, from_phase="evaluation", panel=area["panel"])
    scored(area, cycle, marks)
    return cycles.cycle_start_decision(area["city"], AssessmentCycle.objects.get(pk=cycle.pk),
                                       from_phase="expert_review")


def decided_cycle(area, marks, grades):
    """A concluded cycle: scored as `marks` says, then graded by the collective decision (studio → grade, note)."""
    cycle = reviewed_cycle(area, marks)
    cycles.cycle_decide(area["city"], cycle, from_phase="decision", meeting_date=timezone.localdate(),
                        minutes_ref="纪要", grades={evaluation_of(cycle, s).pk: given for s, given in grades.items()})
    return cycle
