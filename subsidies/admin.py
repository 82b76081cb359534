"""Grants, transfers, ledgers and accounts change only on their pages, through the services (each step checked,
logged, and for the ledger append-only); the admin lists them. Account numbers are masked here too."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin_mixins import ReadOnlyAdmin

from .models import BankAccount, LedgerEntry, SubsidyGrant, Transfer
from .permissions import mask_account_number


@admin.register(BankAccount)
class BankAccountAdmin(ReadOnlyAdmin):
    list_display = ["union", "account_name", "bank", "masked_number", "updated_by", "updated_at"]
    search_fields = ["union__name", "account_name"]
    list_select_related = ["union", "updated_by"]
    exclude = ["number"]
    readonly_fields = ["masked_number"]

    @admin.display(description=_("银行账号"))
    def masked_number(self, obj):
        return mask_account_number(obj.number)


@admin.register(SubsidyGrant)
class SubsidyGrantAdmin(ReadOnlyAdmin):
    list_display = ["studio", "year", "amount", "status", "decision_number", "planned_by", "approved_by"]
    list_filter = ["year", "status"]
    search_fields = ["studio__name"]
    list_select_related = ["studio", "planned_by", "approved_by"]


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    list_display = ["grant", "amount", "transferred_on", "voucher_number", "status", "prepared_by", "decided_by"]
    list_filter = ["status"]
    search_fields = ["grant__studio__name", "voucher_number"]
    list_select_related = ["grant__studio", "prepared_by", "decided_by"]
    exclude = ["account_number"]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["grant", "occurred_on", "kind", "category", "amount", "description", "recorded_by"]
    list_filter = ["kind", "category"]
    search_fields = ["grant__studio__name", "description"]
    list_select_related = ["grant__studio", "recorded_by"]
