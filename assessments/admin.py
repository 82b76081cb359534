"""Yearly reports and assessments change only on their pages, through the services; the admin lists them."""
from django.contrib import admin

from core.admin_mixins import ReadOnlyAdmin

from .models import AnnualAssessment, AnnualReport


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
