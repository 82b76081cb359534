from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import outbox
from .admin_mixins import ReadOnlyAdmin
from .models import CalendarDay, Notification, OutboxMessage, TransitionLog


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


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """Where staff find e-mails that could not be sent (the README says what to do). Rows change only by being
    delivered, or by the action below once the cause is fixed."""

    list_display = ["created_at", "kind", "subject", "status", "attempts", "next_attempt_at", "sent_at", "last_error"]
    list_filter = ["status", "kind"]
    search_fields = ["key", "last_error"]
    date_hierarchy = "created_at"
    actions = ["send_again"]

    @admin.display(description=_("标题"))
    def subject(self, message):
        return message.payload.get("subject", "")

    def has_change_permission(self, request, obj=None):
        # Read-only fields, but the action needs the change permission (the superuser holds it).
        return request.user.has_perm("core.change_outboxmessage")

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    @admin.action(description=_("重新发送所选消息"), permissions=["change"])
    def send_again(self, request, queryset):
        count = outbox.requeue(queryset)
        self.message_user(request, ngettext("%(n)d 条消息已重新排队发送。", "%(n)d 条消息已重新排队发送。", count)
                          % {"n": count}, messages.SUCCESS)
