"""第十四条: the recommendation list, each entry with its grounds linked to the studio's own record."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.conflicts import Conflict
from assessments import recommendation_services as recs
from assessments.models import Recommendation, RecommendationStatus
from core.models import Notification
from reviews.errors import StaleAction
from studios.models import MemberRole, StudioResult
from tests import factories

from .conftest import YEAR, decided_cycle, evaluation_of

TODAY = timezone.localdate()


@pytest.fixture
def graded(city_area):
    excellent, passing, failing = city_area["studios"]
    cycle = decided_cycle(city_area, {excellent: 95, passing: 80, failing: 70}, {
        excellent: {"grade": "excellent"}, passing: {"grade": "pass"}, failing: {"grade": "pass"},
        city_area["other_studio"]: {"grade": "fail", "note": "未参加。"}})
    factories.MemberFactory(studio=excellent, name="黄志明", role=MemberRole.CORE)
    factories.MemberFactory(studio=excellent, name="林小燕", role=MemberRole.MEMBER)
    result = StudioResult.objects.create(studio=excellent, year=YEAR, kind="patent", title="一种数控夹具",
                                         patent_number="ZL202610000001.1", created_by=city_area["unit"])
    return {"excellent": excellent, "passing": passing, "evaluation": evaluation_of(cycle, excellent),
            "pass_evaluation": evaluation_of(cycle, passing), "result": result}


def test_an_excellent_studio_is_recommended_with_its_grade_as_ground(city_area, graded):
    rec = recs.recommendation_create(city_area["city"], year=YEAR, honour="provincial_studio",
                                     studio=graded["excellent"], evaluation=graded["evaluation"],
                                     grounds="周期考核优秀，成果转化显著。")
    assert rec.status == RecommendationStatus.PROPOSED and rec.evaluation == graded["evaluation"]
    assert Notification.objects.filter(recipient=city_area["unit"], title__contains="拟被推荐").exists()
    with pytest.raises(ValidationError, match="已推荐过"):
        recs.recommendation_create(city_area["city"], year=YEAR, honour="provincial_studio",
                                   studio=graded["excellent"], evaluation=graded["evaluation"], grounds="再推一次")
    assert Recommendation.objects.count() == 1


@pytest.mark.parametrize("role", ["unit", "county", "admin"])
def test_only_municipal_staff_keep_the_list(city_area, graded, role):
    with pytest.raises(PermissionDenied):
        recs.recommendation_create(city_area[role], year=YEAR, honour="provincial_studio",
                                   studio=graded["excellent"], evaluation=graded["evaluation"], grounds="理由")
    assert not Recommendation.objects.exists()


def test_grounds_must_belong_to_the_studio_and_fit_the_honour(city_area, graded):
    cases = [
        ({"honour": "provincial_studio", "studio": graded["excellent"]}, "evaluation"),  # no ground linked
        ({"honour": "provincial_studio", "studio": graded["passing"], "evaluation": graded["pass_evaluation"]},
         "evaluation"),  # 合格 is no ground
        ({"honour": "provincial_studio", "studio": graded["passing"], "evaluation": graded["evaluation"]},
         "evaluation"),  # another studio's grade
        ({"honour": "provincial_medal", "studio": graded["excellent"], "evaluation": graded["evaluation"]},
         "nominee"),  # a medal goes to a person
        ({"honour": "provincial_medal", "studio": graded["excellent"], "evaluation": graded["evaluation"],
          "nominee": "林小燕"}, "nominee"),  # an ordinary member, not 骨干
        ({"honour": "provincial_award", "studio": graded["excellent"], "evaluation": graded["evaluation"],
          "nominee": "黄志明"}, "nominee"),  # a studio honour names no person
        ({"honour": "national_innovation", "studio": graded["excellent"], "evaluation": graded["evaluation"]},
         "result"),  # the innovation awards go to a result
        ({"honour": "provincial_vanguard", "studio": graded["passing"], "result": graded["result"]}, "result"),
        ({"honour": "nonsense", "studio": graded["excellent"], "result": graded["result"]}, "honour"),
    ]
    for given, field in cases:
        with pytest.raises(ValidationError) as error:
            recs.recommendation_create(city_area["city"], year=YEAR, grounds="理由", **given)
        assert field in error.value.message_dict, (given, error.value.message_dict)
    assert not Recommendation.objects.exists()
    leader = graded["excellent"].leader.name
    for nominee in (leader, "黄志明"):
        recs.recommendation_create(city_area["city"], year=YEAR, honour="municipal_medal", studio=graded["excellent"],
                                   nominee=nominee, evaluation=graded["evaluation"], grounds="技术骨干。")
    recs.recommendation_create(city_area["city"], year=YEAR, honour="provincial_innovation",
                               studio=graded["excellent"], result=graded["result"], grounds="成果获国家专利。")
    assert Recommendation.objects.count() == 3


def test_a_recommendation_moves_to_its_outcome_and_a_withdrawn_one_may_be_made_again(city_area, graded):
    rec = recs.recommendation_create(city_area["city"], year=YEAR, honour="municipal_award",
                                     studio=graded["excellent"], evaluation=graded["evaluation"], grounds="理由")
    with pytest.raises(Conflict):  # not yet submitted
        recs.recommendation_advance(city_area["city"], rec, action="award", from_status="proposed")
    recs.recommendation_advance(city_area["city"], rec, action="submit", from_status="proposed")
    with pytest.raises(StaleAction):  # a double submit
        recs.recommendation_advance(city_area["city"], rec, action="submit", from_status="proposed")
    with pytest.raises(PermissionDenied):
        recs.recommendation_advance(city_area["unit"], rec, action="award", from_status="submitted")
    recs.recommendation_advance(city_area["city"], rec, action="award", from_status="submitted",
                                note="粤工总〔2026〕30号")
    rec = Recommendation.objects.get(pk=rec.pk)
    assert rec.status == RecommendationStatus.AWARDED and rec.outcome_note == "粤工总〔2026〕30号"
    other = recs.recommendation_create(city_area["city"], year=YEAR, honour="municipal_vanguard",
                                       studio=graded["excellent"], evaluation=graded["evaluation"], grounds="理由")
    recs.recommendation_advance(city_area["city"], other, action="withdraw", from_status="proposed")
    recs.recommendation_create(city_area["city"], year=YEAR, honour="municipal_vanguard",
                               studio=graded["excellent"], evaluation=graded["evaluation"], grounds="重新推荐")
    assert Recommendation.objects.filter(honour="municipal_vanguard").count() == 2
