"""第十一条: 不合格 → rectification with a deadline → report → re-check; a failed re-check or a missed
deadline proposes delisting under 第八条(四), which municipal staff confirm or answer with a new deadline."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.conflicts import Conflict
from assessments import rectification_services as rect
from assessments.models import Rectification, RectificationStatus
from assessments.tasks import rectification_deadlines
from core.models import Notification, TransitionLog
from reviews.errors import StaleAction
from studios.models import Delisting, Studio, StudioStatus

from .conftest import decided_cycle

TODAY = timezone.localdate()


@pytest.fixture
def rectification(city_area):
    excellent, passing, failing = city_area["studios"]
    decided_cycle(city_area, {excellent: 95, passing: 80, failing: 50}, {
        excellent: {"grade": "excellent"}, passing: {"grade": "pass"},
        failing: {"grade": "fail", "note": "制度未落实。"}, city_area["other_studio"]: {"grade": "fail", "note": "未参加。"}})
    return Rectification.objects.get(studio=failing)


def _status(rectification):
    return Rectification.objects.get(pk=rectification.pk).status


def test_the_unit_reports_and_a_passed_recheck_restores_the_studio(city_area, rectification):
    for user in (city_area["other_unit"], city_area["county"], city_area["city"]):
        with pytest.raises(PermissionDenied):
            rect.rectification_report(user, rectification, report="已整改。")
    with pytest.raises(ValidationError):
        rect.rectification_report(city_area["unit"], rectification, report=" ")
    with pytest.raises(ValidationError):  # a disguised upload: text pretending to be a PDF
        rect.rectification_report(city_area["unit"], rectification, report="已整改。",
                                  evidence=SimpleUploadedFile("整改.pdf", b"not a pdf at all"))
    assert _status(rectification) == RectificationStatus.OPEN and not Rectification.objects.get(
        pk=rectification.pk).report_file
    pdf = SimpleUploadedFile("整改材料.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF")
    rect.rectification_report(city_area["unit"], rectification, report="制度已修订上墙。", evidence=pdf)
    assert _status(rectification) == RectificationStatus.REPORTED
    assert Notification.objects.filter(recipient=city_area["city"], title__contains="整改情况").exists()
    with pytest.raises(StaleAction):
        rect.rectification_report(city_area["unit"], rectification, report="再报一次")
    for user in (city_area["unit"], city_area["county"], city_area["admin"]):
        with pytest.raises(PermissionDenied):
            rect.rectification_recheck(user, rectification, passed=True, comment="合格")
    with pytest.raises(ValidationError):
        rect.rectification_recheck(city_area["city"], rectification, passed=True, comment="")
    rect.rectification_recheck(city_area["city"], rectification, passed=True, comment="整改到位。")
    assert _status(rectification) == RectificationStatus.PASSED
    assert Studio.objects.get(pk=rectification.studio_id).status == StudioStatus.ACTIVE


def test_a_failed_recheck_proposes_delisting_which_the_city_confirms(city_area, rectification):
    rect.rectification_report(city_area["unit"], rectification, report="部分整改。")
    rect.rectification_recheck(city_area["city"], rectification, passed=False, comment="整改不力，仍不能正常运转。")
    assert _status(rectification) == RectificationStatus.FAILED
    assert Studio.objects.get(pk=rectification.studio_id).status == StudioStatus.RECTIFYING
    assert Notification.objects.filter(recipient=city_area["city"], title__contains="拟摘牌").exists()
    with pytest.raises(PermissionDenied):
        rect.rectification_confirm_delisting(city_area["county"], rectification, decision_number="揭工总〔2026〕20号",
                                             decided_on=TODAY, facts="整改不力。")
    with pytest.raises(ValidationError):
        rect.rectification_confirm_delisting(city_area["city"], rectification, decision_number="",
                                             decided_on=TODAY, facts="整改不力。")
    assert _status(rectification) == RectificationStatus.FAILED and not Delisting.objects.exists()
    rect.rectification_confirm_delisting(city_area["city"], rectification, decision_number="揭工总〔2026〕20号",
                                         decided_on=TODAY, facts="整改不力。")
    assert _status(rectification) == RectificationStatus.DELISTED
    studio = Studio.objects.get(pk=rectification.studio_id)
    assert studio.status == StudioStatus.DELISTED and studio.ended_on == TODAY
    assert Delisting.objects.get(studio=studio).reason == "4"  # 第八条(四)
    with pytest.raises(StaleAction):
        rect.rectification_confirm_delisting(city_area["city"], rectification, decision_number="揭工总〔2026〕20号",
                                             decided_on=TODAY, facts="整改不力。")


def test_a_missed_deadline_proposes_delisting_once_and_a_new_deadline_reopens_it(city_area, rectification):
    day_after = rectification.deadline + datetime.timedelta(days=1)
    assert rect.mark_overdue(rectification.deadline) == 0  # the deadline day itself still counts
    # Both studios graded 不合格 (the late one as well) missed it.
    assert rectification_deadlines(day_after.isoformat())["overdue"] == 2
    assert _status(rectification) == RectificationStatus.OVERDUE
    entry = TransitionLog.objects.for_object(rectification.studio).get(transition="rectification_overdue")
    assert entry.actor is None  # done by the system
    assert rect.mark_overdue(day_after) == 0  # once only
    with pytest.raises(StaleAction):
        rect.rectification_report(city_area["unit"], rectification, report="迟到的报告")
    with pytest.raises(ValidationError):
        rect.rectification_extend(city_area["city"], rectification, deadline=TODAY, comment="理由")
    with pytest.raises(ValidationError):
        rect.rectification_extend(city_area["city"], rectification, deadline=TODAY + datetime.timedelta(days=30),
                                  comment="")
    rect.rectification_extend(city_area["city"], rectification, deadline=TODAY + datetime.timedelta(days=30),
                              comment="单位更换领衔人，给予 30 天整改期。")
    locked = Rectification.objects.get(pk=rectification.pk)
    assert locked.status == RectificationStatus.OPEN and locked.deadline == TODAY + datetime.timedelta(days=30)


def test_the_reminder_goes_out_before_the_deadline(city_area, rectification):
    before = rectification.deadline - datetime.timedelta(days=rectification.evaluation.cycle.rule_set.reminder_days_before)
    assert rectification_deadlines(before.isoformat())["reminded"] == 2  # each studio's unit staff
    assert Notification.objects.filter(recipient=city_area["unit"], title__contains="报告整改情况").exists()


def test_the_deadline_job_run_twice_has_the_effect_of_once(city_area, rectification):
    from tests.conftest import row_counts

    days = rectification.evaluation.cycle.rule_set.reminder_days_before
    before = rectification.deadline - datetime.timedelta(days=days)
    day_after = rectification.deadline + datetime.timedelta(days=1)
    for day, effect in ((before, {"reminded": 2, "overdue": 0}), (day_after, {"reminded": 0, "overdue": 2})):
        assert rectification_deadlines(day.isoformat()) == effect
        once = row_counts()
        assert rectification_deadlines(day.isoformat()) == {"reminded": 0, "overdue": 0}
        assert row_counts() == once
    assert _status(rectification) == RectificationStatus.OVERDUE


def test_a_studio_delisted_for_another_reason_is_not_marked_overdue(city_area, rectification):
    from studios import lifecycle_services as life

    life.studio_delist(city_area["city"], rectification.studio, reason="2", facts="重大安全事故。",
                       decision_number="揭工总〔2026〕21号", decided_on=TODAY)
    assert rect.mark_overdue(rectification.deadline + datetime.timedelta(days=1)) == 1  # the other one only
    assert _status(rectification) == RectificationStatus.OPEN
    with pytest.raises(Conflict, match="整改不再进行"):
        rect.rectification_report(city_area["unit"], rectification, report="已整改。")
