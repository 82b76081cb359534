"""Reports, assessments, cycles, rectifications and recommendations change only on their pages, through the
services; the admin lists them."""
from django.contrib import admin

from core.admin_mixins import ReadOnlyAdmin

from .models import (
    AnnualAssessment, AnnualReport, AssessmentCycle, CycleEvaluation, CycleReview, Recommendation, Rectification,
)


@admin.register(AnnualReport)
class AnnualReportAdmin(ReadOnlyAdmin):
    list_display = ["studio", "year", "status", "submitted_at", "updated_by"]
    list_filter = ["year", "status"]
    search_fields = ["studio__name"]
    list_select_related = ["studio", "updated_by"]


@admin.register(AnnualAssessment)
class AnnualAssessmentAdmin(ReadOnlyAdmin):
    list_display = ["studio", "year", "status", "assessed_by", "assessed_at", "reported_at"]
    list_filter = ["year", "status"]
    search_fields = ["studio__name"]
    list_select_related = ["studio", "assessed_by"]


@admin.register(AssessmentCycle)
class AssessmentCycleAdmin(ReadOnlyAdmin):
    list_display = ["year", "phase", "self_deadline", "evaluation_deadline", "expert_deadline", "minutes_ref"]
    list_filter = ["phase"]


@admin.register(CycleEvaluation)
class CycleEvaluationAdmin(ReadOnlyAdmin):
    list_display = ["studio", "cycle", "status", "score", "grade"]
    list_filter = ["cycle", "status", "grade"]
    search_fields = ["studio__name"]
    list_select_related = ["studio", "cycle"]


@admin.register(CycleReview)
class CycleReviewAdmin(ReadOnlyAdmin):
    list_display = ["evaluation", "expert", "status", "total", "finished_at"]
    list_filter = ["status"]
    list_select_related = ["evaluation__studio", "evaluation__cycle", "expert"]


@admin.register(Rectification)
class RectificationAdmin(ReadOnlyAdmin):
    list_display = ["studio", "deadline", "status", "reported_at", "rechecked_at"]
    list_filter = ["status"]
    search_fields = ["studio__name"]
    list_select_related = ["studio"]


@admin.register(Recommendation)
class RecommendationAdmin(ReadOnlyAdmin):
    list_display = ["year", "honour", "studio", "nominee", "result", "status"]
    list_filter = ["year", "honour", "status"]
    search_fields = ["studio__name", "nominee"]
    list_select_related = ["studio", "result"]
