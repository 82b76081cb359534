"""The results and talent database (第五条(七)): team, results and training kept by the studio's unit union."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from core.conflicts import Conflict
from core.models import TransitionLog
from studios import lifecycle_services as life
from studios import record_services as records
from studios.models import Member, StudioResult, TrainingRecord
from tests import factories
from tests.studios.test_lifecycle import world  # noqa: F401

TODAY = timezone.localdate()


def test_the_unit_keeps_its_studios_records_through_the_page(world, login):
    studio, client = world["studio"], login(world["unit"])
    url = lambda what: reverse("studios:record_add", args=[studio.pk, what])  # noqa: E731
    client.post(url("result"), {"result-year": TODAY.year, "result-kind": "patent", "result-title": "快换夹具",
                                "result-patent_number": "ZL202620000001.2", "result-published": "on"})
    client.post(url("training"), {"training-held_on": TODAY.isoformat(), "training-kind": "mentoring",
                                  "training-title": "数控编程师带徒", "training-participants": 12})
    client.post(url("member"), {"member-name": "王磊", "member-role": "member", "member-job_title": "技师"})
    page = client.get(reverse("studios:detail", args=[studio.pk])).content.decode()
    assert "快换夹具" in page and "数控编程师带徒" in page and "王磊" in page
    labels = set(TransitionLog.objects.for_object(studio).values_list("label", flat=True))
    assert {"登记创新成果", "登记培训交流", "增加团队成员"} <= labels


def test_results_follow_article_5_7_and_dates_are_not_in_the_future(world):
    unit, studio = world["unit"], world["studio"]
    with pytest.raises(ValidationError, match="专利号"):
        records.result_add(unit, studio, year=TODAY.year, kind="patent", title="夹具")
    with pytest.raises(ValidationError, match="认可级别和认可机关"):
        records.result_add(unit, studio, year=TODAY.year, kind="recognition", title="工艺", level="municipal")
    with pytest.raises(ValidationError) as error:
        records.result_add(unit, studio, year=TODAY.year + 1, kind="method", title="操作法")
    assert "year" in error.value.message_dict
    with pytest.raises(ValidationError):
        records.training_add(unit, studio, held_on=TODAY + datetime.timedelta(days=1), kind="training", title="培训",
                             participants=5)
    with pytest.raises(ValidationError):
        records.training_add(unit, studio, held_on=TODAY, kind="party", title="聚餐", participants=5)
    assert not StudioResult.objects.exists() and not TrainingRecord.objects.exists()


@pytest.mark.parametrize("actor", ["other_unit", "county", "city", "admin"])
def test_only_the_studios_unit_keeps_its_records(world, actor):
    with pytest.raises(PermissionDenied):
        records.result_add(world[actor], world["studio"], year=TODAY.year, kind="method", title="操作法")
    with pytest.raises(PermissionDenied):
        records.member_add(world[actor], world["studio"], name="某人", role="member")
    assert not StudioResult.objects.exists() and world["studio"].members.count() == 0


def test_another_unions_studio_answers_404_and_changes_nothing(world, login):
    client = login(world["other_county"])
    response = client.post(reverse("studios:record_add", args=[world["studio"].pk, "member"]),
                           {"member-name": "某人", "member-role": "member"})
    assert response.status_code == 404 and not Member.objects.exists()


def test_the_team_never_drops_below_three_and_a_removal_is_logged(world):
    unit, studio = world["unit"], world["studio"]
    members = [records.member_add(unit, studio, name=name, role="core") for name in ("甲", "乙", "丙", "丁")]
    records.record_remove(unit, "member", members[0])
    with pytest.raises(Conflict, match="至少 3 人"):
        records.record_remove(unit, "member", members[1])
    assert studio.members.count() == 3
    assert TransitionLog.objects.filter(transition="member_remove", comment="甲").exists()


def test_a_delisted_studio_is_no_longer_updated(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    life.studio_delist(world["city"], world["studio"], reason="3", facts="弄虚作假。",
                       decision_number="揭工总〔2026〕9号", decided_on=TODAY)
    with pytest.raises(Conflict, match="记录不再更新"):
        records.training_add(world["unit"], world["studio"], held_on=TODAY, kind="training", title="培训",
                             participants=3)
