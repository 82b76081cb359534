"""Reads of 第九条's yearly reports and assessments: per recommending union, and per studio."""
from django.db.models import Count, Q
from django.utils import timezone

from rules.models import RuleSet
from studios.models import TITLED_STATES, Studio
from unions.scoping import scoped

from .models import AnnualAssessment, AnnualReport, AssessmentStatus, ReportStatus


def deadlines(year):
    return RuleSet.objects.current().annual_deadlines(year)


def annual_overview(year):
    """Per recommending union: named studios, reports received, assessed and reported, and what is late (one query)."""
    report_due, assessment_due = deadlines(year)
    today = timezone.localdate()
    rows = (Studio.objects.filter(status__in=TITLED_STATES, named_year__lt=year)
            .values("unit__recommending_union", "unit__recommending_union__name")
            .annotate(studios=Count("pk", distinct=True),
                      reports=Count("annual_reports", distinct=True, filter=Q(
                          annual_reports__year=year, annual_reports__status=ReportStatus.SUBMITTED)),
                      assessed=Count("annual_assessments", distinct=True, filter=Q(annual_assessments__year=year)),
                      sent=Count("annual_assessments", distinct=True, filter=Q(
                          annual_assessments__year=year, annual_assessments__status=AssessmentStatus.REPORTED)))
            .order_by("unit__recommending_union__path"))
    result = []
    for row in rows:
        row["reports_late"] = today > report_due and row["reports"] < row["studios"]
        row["assessment_late"] = today > assessment_due and row["sent"] < row["studios"]
        row["rate"] = round(100 * row["sent"] / row["studios"]) if row["studios"] else 0
        result.append(row)
    return result


def annual_studios(user, year, union_id=None):
    """The studios the user sees that report for `year` (named before it, still titled), each with its report
    and assessment of that year (three queries)."""
    studios = scoped(user, Studio.objects.filter(status__in=TITLED_STATES, named_year__lt=year)).select_related(
        "unit", "unit__recommending_union", "leader").order_by("unit__recommending_union__path", "name")
    if union_id:
        studios = studios.filter(unit__recommending_union_id=union_id)
    studios = list(studios)
    reports = {r.studio_id: r for r in AnnualReport.objects.filter(studio__in=studios, year=year)}
    assessments = {a.studio_id: a for a in AnnualAssessment.objects.filter(studio__in=studios, year=year)}
    return [(studio, reports.get(studio.pk), assessments.get(studio.pk)) for studio in studios]
