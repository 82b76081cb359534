"""Reads of 第五章: 第九条's yearly reports and assessments, 第十条's cycle assessment and its rectifications,
and 第十四条's recommendations — each scoped to what the user may see."""
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from rules.models import RuleSet
from studios.models import TITLED_STATES, Studio
from unions.models import Role
from unions.scoping import get_scoped_object_or_404, scoped

from .cycle_services import REVIEW_PERMISSION
from .models import (
    DELISTING_PROPOSED, AnnualAssessment, AnnualReport, AssessmentCycle, AssessmentStatus, CycleEvaluation, CycleGrade,
    CyclePhase, CycleReview, EvaluationStatus, Recommendation, RecommendationStatus, Rectification,
    RectificationStatus, ReportStatus,
)


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


# 第十条, 第十一条: the cycle assessment.

def cycle_list():
    # A grouped query ignores Meta.ordering: say it.
    return AssessmentCycle.objects.select_related("rule_set").annotate(
        studios=Count("evaluations"),
        graded=Count("evaluations", filter=Q(evaluations__status=EvaluationStatus.GRADED))).order_by("-year")


def cycle_detail(user, pk):
    return get_scoped_object_or_404(user, AssessmentCycle.objects.select_related("rule_set", "panel__naming_round"),
                                    pk=pk)


def cycle_evaluations(user, cycle):
    """The evaluations of `cycle` the user sees (their studios' unions), with what the table shows."""
    return scoped(user, cycle.evaluations.all()).select_related(
        "studio", "studio__unit", "studio__unit__recommending_union", "studio__leader").order_by(
        "studio__unit__recommending_union__path", "studio__name")


def cycle_progress(cycle):
    """Per recommending union: studios, self-evaluations in, evaluated, recommended, graded (one query)."""
    before_self = [EvaluationStatus.SELF_PENDING]
    before_evaluation = [EvaluationStatus.SELF_PENDING, EvaluationStatus.SELF_SUBMITTED]
    return list(cycle.evaluations.exclude(status=EvaluationStatus.CLOSED).values(
        "studio__unit__recommending_union", "studio__unit__recommending_union__name").annotate(
        studios=Count("pk"),
        self_done=Count("pk", filter=~Q(status__in=before_self)),
        evaluated=Count("pk", filter=~Q(status__in=before_evaluation)),
        recommended=Count("pk", filter=Q(recommended_at__isnull=False)),
    ).order_by("studio__unit__recommending_union__path"))


def evaluation_for(user, cycle, pk):
    """An evaluation the user may open: through the union tree, or as one of its experts (django-guardian)."""
    queryset = cycle.evaluations.select_related("studio", "studio__unit", "studio__unit__recommending_union",
                                                "studio__leader", "evaluated_by", "cycle__rule_set")
    if user.role == Role.EXPERT:
        evaluation = get_object_or_404(queryset, pk=pk, reviews__expert=user)
        if not user.has_perm(REVIEW_PERMISSION, evaluation) and not evaluation.reviews.filter(
                expert=user, status="scored").exists():
            raise Http404
        return evaluation
    return get_scoped_object_or_404(user, queryset, pk=pk)


def showcase(evaluation):
    """成果展示 (第十条): what the studio did in the cycle's years — results, training, yearly assessments."""
    years = evaluation.cycle.period
    studio = evaluation.studio
    return {
        "years": years,
        "results": studio.results.filter(year__in=years).order_by("-year", "pk"),
        "trainings": studio.trainings.filter(held_on__year__in=years).aggregate(
            count=Count("pk"), people=Sum("participants")),
        "annual": studio.annual_assessments.filter(year__in=years).order_by("year"),
    }


def expert_reviews(user):
    return CycleReview.objects.filter(expert=user).select_related(
        "evaluation", "evaluation__cycle", "evaluation__studio", "evaluation__studio__unit").order_by(
        "status", "-evaluation__cycle__year", "evaluation__studio__name")


def rectification_list(user):
    return scoped(user, Rectification.objects.select_related(
        "studio", "studio__unit", "studio__unit__recommending_union", "evaluation__cycle"))


def rectification_detail(user, pk):
    return get_scoped_object_or_404(user, Rectification.objects.select_related(
        "studio", "studio__unit", "studio__unit__recommending_union", "studio__leader", "evaluation__cycle",
        "rechecked_by"), pk=pk)


def recommendation_list(user):
    return scoped(user, Recommendation.objects.select_related(
        "studio", "studio__unit", "result", "evaluation__cycle", "created_by"))


def excellent_candidates():
    """Studios graded 优秀 in a concluded cycle and still titled: 优先推荐 (第十一条, 第十四条)."""
    return CycleEvaluation.objects.filter(status=EvaluationStatus.GRADED, grade=CycleGrade.EXCELLENT,
                                          studio__status__in=TITLED_STATES).select_related(
        "studio", "cycle").annotate(recommended=Count("recommendations", filter=~Q(
            recommendations__status=RecommendationStatus.WITHDRAWN))).order_by("-cycle__year", "studio__name")


def studio_assessments(studio):
    """For the studio's page: its cycle grades, rectifications and recommendations."""
    return {
        "cycle_evaluations": studio.cycle_evaluations.filter(status=EvaluationStatus.GRADED).select_related("cycle")
        .order_by("-cycle__year"),
        "rectifications": studio.rectifications.select_related("evaluation__cycle").order_by("-created_at"),
        "recommendations": studio.recommendations.exclude(status=RecommendationStatus.WITHDRAWN).select_related(
            "result").order_by("-year"),
    }


def waiting_counts(user):
    """For the dashboard: the running cycle, and counts of what waits in it and in the rectifications (3 queries)."""
    cycle = AssessmentCycle.objects.exclude(phase=CyclePhase.CONCLUDED).order_by("-year").first()
    counts = {"cycle": cycle, "self_pending": 0, "self_submitted": 0, "to_score": 0}
    if cycle is not None:
        if user.role == Role.EXPERT:
            counts["to_score"] = CycleReview.objects.filter(expert=user, status="assigned",
                                                            evaluation__cycle=cycle).count()
        else:
            counts.update(scoped(user, cycle.evaluations.all()).aggregate(
                self_pending=Count("pk", filter=Q(status=EvaluationStatus.SELF_PENDING)),
                self_submitted=Count("pk", filter=Q(status=EvaluationStatus.SELF_SUBMITTED))))
    counts.update(scoped(user, Rectification.objects.filter(studio__status__in=TITLED_STATES)).aggregate(
        open=Count("pk", filter=Q(status=RectificationStatus.OPEN)),
        reported=Count("pk", filter=Q(status=RectificationStatus.REPORTED)),
        proposed=Count("pk", filter=Q(status__in=DELISTING_PROPOSED))))
    return counts
