from django.contrib import admin

from .models import NamingRound


@admin.register(NamingRound)
class NamingRoundAdmin(admin.ModelAdmin):
    """Read-only here: rounds are created and moved on their own pages, where every step is logged."""

    list_display = ["__str__", "year", "level", "phase", "rule_set", "application_deadline", "decision_deadline"]
    list_filter = ["phase", "level"]
    search_fields = ["year", "notes"]
    list_select_related = ["rule_set"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
