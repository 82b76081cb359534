"""Admin for studios, their leaders and members.

The `unit` choices are limited to unit unions by the models' limit_choices_to,
which the autocomplete widgets and form validation both apply.
"""
from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from core import search
from core.admin_mixins import MaskedPersonalDataAdmin, ReadOnlyAdmin, ReadOnlyInline
from core.search import NameSearchAdmin

from .models import (
    Alliance, AllianceMembership, ChangeRequest, Delisting, FormerName, JointProject, Leader, Member, Studio,
    StudioResult, TrainingRecord,
)


class MemberInline(MaskedPersonalDataAdmin, admin.TabularInline):
    model = Member
    extra = 0
    fields = ["name", "role", "job_title", "masked_mobile", "joined_on"]


@admin.register(Studio)
class StudioAdmin(NameSearchAdmin, admin.ModelAdmin):
    list_display = ["name", "unit", "recommending_union", "leader", "status", "named_year", "member_count"]
    list_filter = ["status", "named_year", ("unit__recommending_union", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "leader__name", "unit__name"]  # searched by core.search
    name_search = staticmethod(search.studios)
    list_select_related = ["unit", "unit__recommending_union", "leader"]
    autocomplete_fields = ["unit", "leader"]
    inlines = [MemberInline]
    list_per_page = 50

    def get_readonly_fields(self, request, obj=None):
        # The state, the name and the leader change only through 第七条 and 第八条 (studios.lifecycle_services),
        # where each change is reviewed, approved and logged.
        return ["status", "ended_on", "name", "leader"] if obj else ["status", "ended_on"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("members"))

    @admin.display(description=_("推荐单位"), ordering="unit__recommending_union__path")
    def recommending_union(self, obj):
        return obj.unit.recommending_union

    @admin.display(description=_("成员数"), ordering="member_count")
    def member_count(self, obj):
        return obj.member_count


@admin.register(Leader)
class LeaderAdmin(MaskedPersonalDataAdmin, NameSearchAdmin, admin.ModelAdmin):
    list_display = ["name", "unit", "honour", "honour_year"]
    list_filter = ["honour"]
    search_fields = ["name", "unit__name"]  # searched by core.search; also serves the studio admin's leader picker
    name_search = staticmethod(search.leaders)
    list_select_related = ["unit"]
    autocomplete_fields = ["unit"]


@admin.register(Member)
class MemberAdmin(MaskedPersonalDataAdmin, NameSearchAdmin, admin.ModelAdmin):
    list_display = ["name", "studio", "role", "job_title"]
    list_filter = ["role"]
    search_fields = ["name", "studio__name"]  # searched by core.search
    name_search = staticmethod(search.members)
    list_select_related = ["studio"]
    autocomplete_fields = ["studio"]


@admin.register(ChangeRequest)
class ChangeRequestAdmin(MaskedPersonalDataAdmin, ReadOnlyAdmin):
    list_display = ["studio", "kind", "reason", "status", "requested_by", "requested_at", "decided_at"]
    list_filter = ["kind", "status", "reason"]
    search_fields = ["studio__name", "new_leader_name"]
    list_select_related = ["studio", "requested_by"]


@admin.register(Delisting)
class DelistingAdmin(ReadOnlyAdmin):
    list_display = ["studio", "reason", "decision_number", "decided_on", "decided_by"]
    list_filter = ["reason"]
    search_fields = ["studio__name", "decision_number"]
    list_select_related = ["studio", "decided_by"]


@admin.register(FormerName)
class FormerNameAdmin(ReadOnlyAdmin):
    list_display = ["name", "studio", "leader_name", "until"]
    search_fields = ["name", "studio__name", "leader_name"]
    list_select_related = ["studio"]


@admin.register(StudioResult)
class StudioResultAdmin(ReadOnlyAdmin):
    list_display = ["title", "studio", "year", "kind", "level", "published"]
    list_filter = ["kind", "level", "year", "published"]
    search_fields = ["title", "studio__name", "patent_number"]
    list_select_related = ["studio"]


@admin.register(TrainingRecord)
class TrainingRecordAdmin(ReadOnlyAdmin):
    list_display = ["title", "studio", "held_on", "kind", "participants"]
    list_filter = ["kind"]
    search_fields = ["title", "studio__name"]
    list_select_related = ["studio"]


# Alliances change only through studios.alliance_services (第十七条), where each change is checked and logged.
class AllianceMembershipInline(ReadOnlyInline):
    model = AllianceMembership
    fields = ["studio", "joined_on"]


@admin.register(Alliance)
class AllianceAdmin(ReadOnlyAdmin):
    list_display = ["name", "field", "lead", "founded_on"]
    search_fields = ["name", "field", "lead__name"]
    list_select_related = ["lead"]
    inlines = [AllianceMembershipInline]


@admin.register(AllianceMembership)
class AllianceMembershipAdmin(ReadOnlyAdmin):
    list_display = ["studio", "alliance", "joined_on"]
    search_fields = ["studio__name", "alliance__name"]
    list_select_related = ["studio", "alliance"]


@admin.register(JointProject)
class JointProjectAdmin(ReadOnlyAdmin):
    list_display = ["title", "alliance", "year", "status"]
    list_filter = ["status", "year"]
    search_fields = ["title", "alliance__name"]
    list_select_related = ["alliance"]
