from django.contrib import admin

from .admin_mixins import ReadOnlyAdmin
from .models import CalendarDay, Notification, TransitionLog


@admin.register(TransitionLog)
class TransitionLogAdmin(ReadOnlyAdmin):
    """The history cannot be edited or deleted, here or anywhere."""

    list_display = ["at", "label", "source", "target", "actor", "union", "content_type", "object_id"]
    list_filter = ["content_type", "transition"]
    search_fields = ["label", "comment", "actor__full_name", "actor__username", "union__name"]
    list_select_related = ["actor", "union", "content_type"]
    date_hierarchy = "at"


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "title", "read_at"]
    list_filter = [("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "recipient__full_name", "recipient__username"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "note"]
    list_filter = ["kind"]
    search_fields = ["note"]
    date_hierarchy = "date"
