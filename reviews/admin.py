"""Read-only admin for the naming workflow: records change only on their own pages, through the services."""
from django.contrib import admin

from core import search
from core.admin_mixins import MaskedPersonalDataAdmin, ReadOnlyAdmin, ReadOnlyInline
from core.search import NameSearchAdmin

from .models import (
    Application, ApplicationAttachment, ApplicationMember, ApplicationResult, Assignment, Deliberation, ExpertPanel,
    NamingRound, Objection, ScoreItem, SiteVisit,
)


@admin.register(NamingRound)
class NamingRoundAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "year", "level", "phase", "rule_set", "application_deadline", "decision_number"]
    list_filter = ["phase", "level"]
    search_fields = ["year", "notes", "decision_number"]
    list_select_related = ["rule_set"]


class MemberInline(MaskedPersonalDataAdmin, ReadOnlyInline):
    model = ApplicationMember


class ResultInline(ReadOnlyInline):
    model = ApplicationResult


class AttachmentInline(ReadOnlyInline):
    model = ApplicationAttachment
    fields = ["kind", "original_name", "size", "content_type", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


@admin.register(Application)
class ApplicationAdmin(MaskedPersonalDataAdmin, NameSearchAdmin, ReadOnlyAdmin):
    list_display = ["__str__", "unit", "naming_round", "status", "submitted_at", "updated_at"]
    list_filter = ["status", "naming_round"]
    search_fields = ["leader_name", "unit__name"]  # searched by core.search
    name_search = staticmethod(search.applications)
    list_select_related = ["unit", "naming_round"]
    inlines = [MemberInline, ResultInline, AttachmentInline]


@admin.register(ExpertPanel)
class ExpertPanelAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "created_by", "created_at"]
    list_select_related = ["naming_round", "created_by"]


class ScoreItemInline(ReadOnlyInline):
    model = ScoreItem


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["application", "expert", "status", "total", "assigned_at", "finished_at"]
    list_filter = ["status", "panel"]
    search_fields = ["application__leader_name", "expert__full_name", "expert__username"]
    list_select_related = ["application", "expert"]
    inlines = [ScoreItemInline]


@admin.register(Deliberation)
class DeliberationAdmin(ReadOnlyAdmin):
    list_display = ["naming_round", "meeting_date", "minutes_ref", "recorded_by"]
    list_select_related = ["naming_round", "recorded_by"]


@admin.register(Objection)
class ObjectionAdmin(MaskedPersonalDataAdmin, ReadOnlyAdmin):
    list_display = ["application", "channel", "objector_name", "status", "received_at", "handled_at"]
    list_filter = ["status", "channel"]
    search_fields = ["objector_name", "facts", "application__leader_name"]
    list_select_related = ["application"]


@admin.register(SiteVisit)
class SiteVisitAdmin(ReadOnlyAdmin):
    list_display = ["application", "visited_on", "visitors", "recorded_by"]
    search_fields = ["application__leader_name", "visitors", "findings"]
    list_select_related = ["application", "recorded_by"]
