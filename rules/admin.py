from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import services
from .models import RuleSet, ScoringCriterion


class CriterionInline(admin.TabularInline):
    model = ScoringCriterion
    extra = 0
    fields = ["position", "name", "article", "description", "max_score"]

    def has_add_permission(self, request, obj=None):
        return obj is None or not obj.published

    def has_change_permission(self, request, obj=None):
        return obj is None or not obj.published

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.published


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    list_display = ["version", "title", "published", "quota_min", "quota_max", "publicity_working_days",
                    "experts_per_application", "created_at"]
    list_filter = ["published"]
    search_fields = ["title", "notes"]
    inlines = [CriterionInline]
    actions = ["copy_as_new_version", "publish"]
    fieldsets = [
        (None, {"fields": ["title", "source", "notes"]}),
        (_("申报条件（第五条）"), {"fields": ["min_operating_years", "results_per_year_min", "results_per_year_max"]}),
        (_("命名（第六条）"), {"fields": ["quota_min", "quota_max", "publicity_working_days",
                                       "experts_per_application", "score_aggregation", "score_spread_alert"]}),
        (_("各阶段期限"), {"fields": ["application_days", "preliminary_review_days", "audit_days",
                                  "expert_review_days", "decision_days", "reminder_days_before"]}),
        (_("考核与补助（第九条至第十三条）"), {"fields": [
            "annual_report_month", "annual_report_day", "annual_deadline_month", "annual_deadline_day", "cycle_years",
            "cycle_excellent_score", "cycle_pass_score", "rectification_days", "subsidy_min", "subsidy_max",
            "subsidy_idle_months"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # A published version is what rounds were opened with: it never changes (copy it instead).
        if obj is not None and obj.published:
            return [f.name for f in RuleSet._meta.fields]
        return []

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.published

    def save_model(self, request, obj, form, change):
        if not change:
            obj.version = services.next_version()
        super().save_model(request, obj, form, change)

    @admin.action(description=_("复制为新版本（草稿）"))
    def copy_as_new_version(self, request, queryset):
        for rule_set in queryset:
            copy = services.ruleset_copy(rule_set)
            self.message_user(request, _("已复制为第 %(v)d 版草稿，修改后请启用。") % {"v": copy.version})

    @admin.action(description=_("启用所选版本"))
    def publish(self, request, queryset):
        for rule_set in queryset:
            try:
                services.ruleset_publish(rule_set)
            except ValidationError as error:
                self.message_user(request, _("第 %(v)d 版未启用：%(why)s") % {
                    "v": rule_set.version, "why": "；".join(error.messages)}, messages.ERROR)
            else:
                self.message_user(request, _("第 %(v)d 版已启用。") % {"v": rule_set.version})
