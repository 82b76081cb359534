from django.contrib import admin

from core.admin_mixins import ReadOnlyAdmin

from .models import AuditChain, AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only like every history: entries are written by the trail and removed only by prune_audit."""

    list_display = ["seq", "time", "username", "ip", "action", "operation", "object_repr", "result"]
    list_filter = ["action", "result"]
    search_fields = ["username", "object_repr"]
    list_select_related = ["content_type"]
    date_hierarchy = "time"
    show_full_result_count = False  # a count(*) over millions of rows on every page


@admin.register(AuditChain)
class AuditChainAdmin(ReadOnlyAdmin):
    """The chain's head and anchor: the head hash, noted down elsewhere now and then, proves later that nothing
    before it was rewritten."""

    list_display = ["last_seq", "last_hash", "anchor_seq", "anchor_hash"]
