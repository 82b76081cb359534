"""Documents are produced on their round's documents page; the admin only lists them."""
from django.contrib import admin

from core.admin_mixins import ReadOnlyAdmin

from .models import OfficialDocument


@admin.register(OfficialDocument)
class OfficialDocumentAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "kind", "status", "progress", "pages", "requested_by", "requested_at", "finished_at"]
    list_filter = ["kind", "status"]
    search_fields = ["naming_round__year"]
    list_select_related = ["naming_round", "requested_by"]
