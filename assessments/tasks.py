"""Scheduled jobs of 第九条 and 第十一条 (Celery beat; see CELERY_BEAT_SCHEDULE in settings)."""
import datetime

from celery import shared_task
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.notifications import notify
from core.tasks import RETRIED
from rules.models import RuleSet
from studios.models import TITLED_STATES, Studio
from unions.models import Role, User
from unions.recipients import municipal_staff

from . import rectification_services
from .models import AssessmentStatus, ReportStatus


def _staff(role, union_ids):
    return User.objects.filter(is_active=True, role=role, union_id__in=union_ids)


@shared_task(**RETRIED)
def remind_annual(today=None):
    """Every morning: the rule set's number of days before each 第九条 deadline, and the day after it,
    tell whoever has not reported yet. Returns how many people were told.

    Idempotent: each reminder carries a key (year, report or assessment, before or after the deadline), and
    nobody gets the same one twice, so a second run on the same day tells no one.
    """
    today = datetime.date.fromisoformat(today) if today else timezone.localdate()
    rules = RuleSet.objects.current()
    # The day after a 31 December deadline is in the next year: look at last year's deadlines too.
    with transaction.atomic():  # all reminders or none, so a retried job never reminds anyone twice
        return sum(_remind(rules, year, today) for year in (today.year - 1, today.year))


def _remind(rules, year, today):
    report_due, assessment_due = rules.annual_deadlines(year)
    before, after = datetime.timedelta(days=rules.reminder_days_before), datetime.timedelta(days=1)
    url = reverse("assessments:annual") + f"?year={year}"
    told = 0
    if today in (report_due - before, report_due + after):
        told += _remind_reports(year, report_due, today > report_due, url)
    if today in (assessment_due - before, assessment_due + after):
        told += _remind_assessments(year, assessment_due, today > assessment_due, url)
    return told


def _remind_reports(year, due, late, url):
    """Units with a named studio not yet reported; once late, their recommending unions as well."""
    missing = Studio.objects.filter(status__in=TITLED_STATES, named_year__lt=year).exclude(
        annual_reports__year=year, annual_reports__status=ReportStatus.SUBMITTED)
    recipients = list(_staff(Role.UNIT_STAFF, set(missing.values_list("unit_id", flat=True))))
    if late:
        recipients += _staff(Role.RECOMMENDING_STAFF, set(missing.values_list("unit__recommending_union_id", flat=True)))
    title = _("年度运行情况报告已逾期") if late else _("请报告创新工作室年度运行情况")
    return notify(recipients, title, _("第九条：%(y)d 年度运行情况报告截止日为 %(d)s。") % {
        "y": year, "d": f"{due:%Y-%m-%d}"}, url, key=f"annual-report-reminder:{year}:{'late' if late else 'due'}")


def _remind_assessments(year, due, late, url):
    """Recommending unions with named studios not yet reported up; once late, municipal staff as well."""
    missing = Studio.objects.filter(status__in=TITLED_STATES, named_year__lt=year).exclude(
        annual_assessments__year=year, annual_assessments__status=AssessmentStatus.REPORTED)
    count = missing.count()
    if not count:
        return 0
    recipients = list(_staff(Role.RECOMMENDING_STAFF, set(missing.values_list("unit__recommending_union_id", flat=True))))
    if late:
        recipients += municipal_staff()
    title = _("年度考核情况逾期未报送") if late else _("请考核辖区创新工作室并报送市总工会")
    return notify(recipients, title, _("第九条：%(y)d 年度考核情况应于 %(d)s 前报市总工会，尚有 %(n)d 个工作室未报送。") % {
        "y": year, "d": f"{due:%Y-%m-%d}", "n": count}, url,
        key=f"annual-assessment-reminder:{year}:{'late' if late else 'due'}")


@shared_task(**RETRIED)
def rectification_deadlines(today=None):
    """Every morning (第十一条): remind units whose rectification is due soon, and propose delisting for those
    whose deadline passed without a report.

    Idempotent: a reminder's key (the rectification and its deadline) reaches each person once, and marking
    overdue is a transition from open that locks the row, so a second run finds nothing open past its deadline.
    """
    today = datetime.date.fromisoformat(today) if today else timezone.localdate()
    days_before = RuleSet.objects.current().reminder_days_before
    return {"reminded": rectification_services.remind_due(today, days_before),
            "overdue": rectification_services.mark_overdue(today)}
