"""第十二条, 第十三条: the unit records each expense with a receipt, for an allowed use, within what was transferred;
refused uses and overspending leave nothing recorded; the ledger is append-only and corrected by reversals."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from core.conflicts import Conflict
from core.models import AppendOnlyError
from reviews.errors import StaleAction
from studios.lifecycle_services import studio_delist
from studios.models import DelistReason
from subsidies import grant_services, ledger_services
from subsidies.models import EntryKind, ExpenseCategory, GrantStatus, LedgerEntry
from subsidies.selectors import grant_totals, ledger, ledger_sums

from .conftest import TODAY, YEAR, approved, days_ago, receipt, transferred

pytestmark = pytest.mark.django_db


def spend(area, grant, amount, category=ExpenseCategory.EQUIPMENT, who="unit", **extra):
    fields = {"occurred_on": TODAY, "amount": Decimal(amount), "category": category,
              "description": "采购数控车床对刀仪 1 台", "receipt": receipt(), **extra}
    return ledger_services.expense_record(area[who], grant, **fields)


def _expenses(grant):
    return LedgerEntry.objects.filter(grant=grant, kind=EntryKind.EXPENSE).count()


def test_expenses_lower_the_balance(area):
    grant = transferred(area)
    spend(area, grant, "12000.00", ExpenseCategory.VENUE)
    spend(area, grant, "3500.50", ExpenseCategory.TRAINING)
    assert grant_totals(grant) == {"transferred": Decimal("25000.00"), "spent": Decimal("15500.50"),
                                   "balance": Decimal("9499.50")}
    rows = ledger(grant)
    assert [r.balance for r in rows] == [Decimal("25000.00"), Decimal("13000.00"), Decimal("9499.50")]
    assert ledger_sums(rows) == grant_totals(grant)


@pytest.mark.parametrize("category, named", [("reception", "接待餐费"), ("meals", "接待餐费"), ("welfare", "人员福利"),
                                             ("bonus", "奖金")])
def test_refused_uses_are_named_and_leave_nothing(area, category, named):
    grant = transferred(area)
    with pytest.raises(ValidationError) as refused:
        spend(area, grant, "800", category)
    assert refused.value.message_dict["category"] == [
        f"第十三条：补助资金不能用于接待餐费和人员福利奖金，“{named}”不能列支。"]
    assert _expenses(grant) == 0


def test_an_unknown_use_is_refused_citing_article_13(area):
    grant = transferred(area)
    with pytest.raises(ValidationError, match="第十三条：补助资金只能用于场所布置完善、设备采购改进、成员学习培训、宣传配套"):
        spend(area, grant, "800", "travel")
    assert _expenses(grant) == 0


def test_the_database_refuses_a_forbidden_use_too(area):
    grant = transferred(area)
    with transaction.atomic(), pytest.raises(IntegrityError):
        LedgerEntry.objects.create(grant=grant, kind=EntryKind.EXPENSE, occurred_on=TODAY, amount=Decimal("-100"),
                                   category="reception", description="宴请", recorded_by=area["unit"])
    with transaction.atomic(), pytest.raises(IntegrityError):  # an expense adding money
        LedgerEntry.objects.create(grant=grant, kind=EntryKind.EXPENSE, occurred_on=TODAY, amount=Decimal("100"),
                                   category=ExpenseCategory.VENUE, description="x", recorded_by=area["unit"])


def test_overspending_is_refused_and_leaves_nothing(area):
    grant = transferred(area)
    spend(area, grant, "20000")
    with pytest.raises(ValidationError) as refused:
        spend(area, grant, "5000.01")
    assert refused.value.message_dict["amount"] == [
        "支出 5,000.01 元超过补助资金余额 5,000.00 元。补助资金专款专用，支出不能超过已拨付的金额（第十二条、第十三条）。"]
    assert _expenses(grant) == 1
    spend(area, grant, "5000.00")  # exactly the balance
    assert grant_totals(grant)["balance"] == Decimal("0.00")


@pytest.mark.parametrize("amount, message", [("0", "金额必须大于零"), ("-5", "金额必须大于零"),
                                             ("100.001", "最多保留两位小数")])
def test_amounts_are_positive_yuan_with_two_places(area, amount, message):
    grant = transferred(area)
    with pytest.raises(ValidationError, match=message):
        spend(area, grant, amount)
    assert _expenses(grant) == 0


def test_expense_needs_a_real_receipt_a_description_and_a_date_after_the_transfer(area):
    grant = transferred(area)
    with pytest.raises(ValidationError) as refused:
        spend(area, grant, "100", receipt=SimpleUploadedFile("发票.pdf", b"MZ not a pdf"), description=" ",
              occurred_on=days_ago(1))
    assert set(refused.value.message_dict) == {"receipt", "description", "occurred_on"}
    with pytest.raises(ValidationError, match="请上传票据"):
        spend(area, grant, "100", receipt=None)
    with pytest.raises(ValidationError, match="支出日期"):
        spend(area, grant, "100", occurred_on=TODAY + datetime.timedelta(days=1))
    assert _expenses(grant) == 0


def test_only_the_studios_unit_records_expenses(area):
    grant = transferred(area)
    for who in ("other_unit", "county", "city", "finance", "admin", "auditor"):
        with pytest.raises(PermissionDenied):
            spend(area, grant, "100", who=who)
    assert _expenses(grant) == 0


def test_no_expense_before_the_transfer_or_after_closing(area):
    grant = approved(area)
    with pytest.raises(Conflict, match="不能登记支出"):
        spend(area, grant, "100")
    grant = transferred(area, studio=area["new_studio"])
    grant_services.grant_close(area["city"], grant, from_status=GrantStatus.TRANSFERRED, note="结转。")
    with pytest.raises(Conflict, match="已结项"):
        spend(area, grant, "100")


def test_a_delisted_studios_unit_still_accounts_for_money_already_paid(area):
    grant = transferred(area)
    studio_delist(area["city"], area["studio"], reason=DelistReason.UNIT_REQUEST, facts="企业搬迁。",
                  decision_number=f"揭工总〔{YEAR}〕5号", decided_on=TODAY)
    spend(area, grant, "100")
    assert _expenses(grant) == 1


# Reversals: corrections are new entries

def test_a_reversal_restores_the_balance_and_keeps_the_original(area):
    grant = transferred(area)
    expense = spend(area, grant, "1200.00", ExpenseCategory.PUBLICITY)
    with pytest.raises(ValidationError):
        ledger_services.entry_reverse(area["unit"], expense, reason=" ")
    reversal = ledger_services.entry_reverse(area["unit"], expense, reason="金额录入错误")
    assert (reversal.kind, reversal.amount, reversal.reverses) == (EntryKind.REVERSAL, Decimal("1200.00"), expense)
    assert "金额录入错误" in reversal.description
    assert LedgerEntry.objects.get(pk=expense.pk).amount == Decimal("-1200.00")  # untouched
    assert grant_totals(grant) == {"transferred": Decimal("25000.00"), "spent": Decimal("0.00"),
                                   "balance": Decimal("25000.00")}
    rows = ledger(grant)
    assert rows[1].reversal == reversal and [r.entry.outgo for r in rows[1:]] == [Decimal("1200.00"),
                                                                                  Decimal("-1200.00")]


def test_an_expense_is_reversed_once_and_only_expenses_are(area):
    grant = transferred(area)
    expense = spend(area, grant, "500")
    reversal = ledger_services.entry_reverse(area["city"], expense, reason="重复登记")  # municipal staff may correct
    with pytest.raises(StaleAction, match="已经冲销"):
        ledger_services.entry_reverse(area["unit"], expense, reason="再冲一次")
    for entry in (reversal, LedgerEntry.objects.get(grant=grant, kind=EntryKind.TRANSFER_IN)):
        with pytest.raises(Conflict, match="只有支出可以冲销"):
            ledger_services.entry_reverse(area["unit"], entry, reason="x")
    for who in ("other_unit", "county", "admin", "auditor"):
        with pytest.raises(PermissionDenied):
            ledger_services.entry_reverse(area[who], spend(area, grant, "1"), reason="x")
    with transaction.atomic(), pytest.raises(IntegrityError):  # the database agrees: one reversal per entry
        LedgerEntry.objects.create(grant=grant, kind=EntryKind.REVERSAL, occurred_on=TODAY, amount=Decimal("500"),
                                   description="x", reverses=expense, recorded_by=area["unit"])


def test_ledger_entries_are_never_changed_or_deleted(area):
    grant = transferred(area)
    expense = spend(area, grant, "500")
    expense.amount = Decimal("-5")
    with pytest.raises(AppendOnlyError):
        expense.save()
    with pytest.raises(AppendOnlyError):
        expense.delete()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(pk=expense.pk).update(amount=Decimal("-5"))
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(pk=expense.pk).delete()
    assert LedgerEntry.objects.get(pk=expense.pk).amount == Decimal("-500.00")
