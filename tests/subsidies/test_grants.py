"""第十三条: a grant per newly named studio within the rule set's range; 第十二条: its transfer into the unit union's
account, prepared by one municipal officer and approved by another; the grant's lifecycle, logs and notices."""
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from core.conflicts import Conflict
from core.models import Notification, TransitionLog
from reviews.errors import StaleAction
from studios.lifecycle_services import studio_delist
from studios.models import DelistReason
from subsidies import grant_services as grants
from subsidies.models import EntryKind, GrantStatus, LedgerEntry, SubsidyGrant, Transfer, TransferStatus
from subsidies.selectors import grant_totals

from .conftest import ACCOUNT, TODAY, YEAR, approved, days_ago, planned, prepared, transferred, with_account

pytestmark = pytest.mark.django_db


def _status(grant):
    return SubsidyGrant.objects.get(pk=grant.pk).status


def _labels(studio):
    return list(TransitionLog.objects.for_object(studio).values_list("label", flat=True))


# Planning (第十三条)

@pytest.mark.parametrize("amount", ["20000.00", "25000.50", "30000"])
def test_plan_within_the_rule_sets_range(area, amount):
    grant = planned(area, amount=amount)
    assert (grant.status, grant.amount, grant.year) == (GrantStatus.PLANNED, Decimal(amount), YEAR - 1)
    assert grant.rule_set == area["rules"]
    assert _labels(area["studio"]) == ["拟定补助资金"]
    assert Notification.objects.filter(recipient=area["city2"], title="补助资金待批准").exists()
    assert not Notification.objects.filter(recipient=area["city"]).exists()  # not the one who planned it


@pytest.mark.parametrize("amount", ["19999.99", "30000.01", "50000", "0", "-20000"])
def test_plan_outside_the_range_is_refused_citing_article_13(area, amount):
    with pytest.raises(ValidationError) as refused:
        planned(area, amount=amount)
    assert "第十三条" in str(refused.value) or "金额必须大于零" in str(refused.value)
    assert not SubsidyGrant.objects.exists() and not TransitionLog.objects.exists()


def test_plan_message_names_the_range(area):
    with pytest.raises(ValidationError) as refused:
        planned(area, amount="35000")
    assert refused.value.message_dict["amount"] == [
        "第十三条：市总工会给予每家市级创新工作室 20,000.00 至 30,000.00 元补助资金，35,000.00 元不在此范围内。"]


def test_plan_follows_the_rule_set(area):
    rules = area["rules"]
    type(rules).objects.filter(pk=rules.pk).update(subsidy_min=Decimal("10000"), subsidy_max=Decimal("15000"))
    assert planned(area, amount="12000").amount == Decimal("12000.00")
    with pytest.raises(ValidationError, match="10,000.00 至 15,000.00"):
        planned(area, studio=area["new_studio"], amount="20000")


def test_plan_refuses_more_than_two_decimals(area):
    with pytest.raises(ValidationError, match="最多保留两位小数"):
        planned(area, amount="25000.005")


def test_only_municipal_staff_plan(area):
    for who in ("unit", "county", "admin", "expert", "auditor"):
        with pytest.raises(PermissionDenied):
            grants.grant_plan(area[who], area["studio"], amount=Decimal("25000"))
    assert not SubsidyGrant.objects.exists()


def test_plan_only_for_studios_named_this_year_or_last(area):
    assert planned(area, studio=area["new_studio"]).year == YEAR
    with pytest.raises(ValidationError, match="本年度或上一年度命名"):
        planned(area, studio=area["old_studio"])


def test_one_grant_per_naming(area):
    planned(area)
    with pytest.raises(StaleAction, match="每次命名只给予一次补助"):
        planned(area)
    with transaction.atomic(), pytest.raises(IntegrityError):  # the database agrees
        SubsidyGrant.objects.create(studio=area["studio"], year=YEAR - 1, amount=Decimal("20000"),
                                    rule_set=area["rules"], planned_by=area["city"])


def test_a_cancelled_grant_can_be_planned_again(area):
    grant = planned(area)
    grants.grant_cancel(area["city"], grant, from_status=GrantStatus.PLANNED, reason="金额有误，重新拟定。")
    assert planned(area, amount="28000").amount == Decimal("28000.00")


def test_delisted_studio_gets_no_grant(area):
    studio_delist(area["city"], area["studio"], reason=DelistReason.FRAUD, facts="弄虚作假。",
                  decision_number=f"揭工总〔{YEAR}〕5号", decided_on=TODAY)
    with pytest.raises(Conflict, match="第八条"):
        planned(area)


# Approval

def test_approve_needs_a_decision_number_and_tells_the_unit(area):
    grant = planned(area)
    with pytest.raises(ValidationError, match="文号格式"):
        grants.grant_approve(area["city"], grant, from_status=GrantStatus.PLANNED, decision_number="30号")
    for who in ("unit", "county", "admin"):
        with pytest.raises(PermissionDenied):
            grants.grant_approve(area[who], grant, from_status=GrantStatus.PLANNED,
                                 decision_number=f"揭工总〔{YEAR}〕30号")
    grant = grants.grant_approve(area["city"], grant, from_status=GrantStatus.PLANNED,
                                 decision_number=f"揭工总〔{YEAR}〕30号")  # the planner may approve (a recorded decision)
    assert (_status(grant), grant.approved_by) == (GrantStatus.APPROVED, area["city"])
    notice = Notification.objects.get(recipient=area["unit"])
    assert notice.title == "补助资金已批准，待拨付" and "请尽快登记单位工会账户" in notice.body
    with pytest.raises(StaleAction):  # a double submit
        grants.grant_approve(area["city2"], grant, from_status=GrantStatus.PLANNED,
                             decision_number=f"揭工总〔{YEAR}〕30号")


# Transfer (第十二条)

def test_transfer_needs_the_unit_unions_account(area):
    grant = approved(area)
    with pytest.raises(Conflict, match="尚未登记单位工会账户"):
        grants.transfer_prepare(area["city"], grant, from_status=GrantStatus.APPROVED, transferred_on=TODAY,
                                voucher_number="记-1")
    assert not Transfer.objects.exists()


def test_transfer_needs_date_and_voucher(area):
    grant = approved(area)
    with_account(area)
    with pytest.raises(ValidationError) as refused:
        grants.transfer_prepare(area["city"], grant, from_status=GrantStatus.APPROVED,
                                transferred_on=days_ago(-1), voucher_number=" ")
    assert set(refused.value.message_dict) == {"transferred_on", "voucher_number"}
    assert not Transfer.objects.exists()


def test_transfer_keeps_the_account_it_was_paid_into(area):
    transfer = prepared(area)
    assert (transfer.account_name, transfer.bank, transfer.account_number) == (
        ACCOUNT["account_name"], ACCOUNT["bank"], ACCOUNT["number"])
    from subsidies.account_services import bank_account_save
    bank_account_save(area["unit"], area["unit_union"], account_name="新户名", bank="中国银行", number="1234567890123")
    assert Transfer.objects.get(pk=transfer.pk).account_number == ACCOUNT["number"]


def test_four_eyes_the_preparer_never_approves(area):
    transfer = prepared(area)
    with pytest.raises(PermissionDenied, match="经办人以外"):
        grants.transfer_approve(area["city"], transfer, from_status=TransferStatus.PREPARED)
    assert Transfer.objects.get(pk=transfer.pk).status == TransferStatus.PREPARED
    assert _status(transfer.grant) == GrantStatus.APPROVED and not LedgerEntry.objects.exists()
    with transaction.atomic(), pytest.raises(IntegrityError):  # nor can a write around the service
        Transfer.objects.filter(pk=transfer.pk).update(status=TransferStatus.APPROVED, decided_by=area["city"])


def test_the_administrator_and_others_never_approve_or_pay(area):
    grant = approved(area)
    with_account(area)
    for who in ("admin", "unit", "county", "auditor"):
        with pytest.raises(PermissionDenied):
            grants.transfer_prepare(area[who], grant, from_status=GrantStatus.APPROVED, transferred_on=TODAY,
                                    voucher_number="记-1")
    transfer = grants.transfer_prepare(area["city"], grant, from_status=GrantStatus.APPROVED, transferred_on=TODAY,
                                       voucher_number="记-1")
    for who in ("admin", "unit", "county", "auditor"):
        with pytest.raises(PermissionDenied):
            grants.transfer_approve(area[who], transfer, from_status=TransferStatus.PREPARED)


def test_approved_transfer_pays_the_grant_and_opens_its_ledger(area):
    transfer = prepared(area)
    assert Notification.objects.filter(recipient=area["city2"], title="补助资金拨付待审批").exists()
    grants.transfer_approve(area["city2"], transfer, from_status=TransferStatus.PREPARED)
    grant = SubsidyGrant.objects.get(pk=transfer.grant_id)
    assert grant.status == GrantStatus.TRANSFERRED
    entry = LedgerEntry.objects.get(grant=grant)
    assert (entry.kind, entry.amount, entry.occurred_on, entry.transfer_id) == (
        EntryKind.TRANSFER_IN, Decimal("25000.00"), TODAY, transfer.pk)
    assert grant_totals(grant) == {"transferred": Decimal("25000.00"), "spent": Decimal("0.00"),
                                   "balance": Decimal("25000.00")}
    assert {n.recipient for n in Notification.objects.filter(title="补助资金已拨付")} == {area["unit"], area["county"]}
    assert _labels(grant.studio) == ["拟定补助资金", "批准补助资金", "办理拨付，待审批", "审批拨付，补助资金已拨付"]


def test_one_grant_is_never_transferred_twice(area):
    transfer = prepared(area)
    with pytest.raises(StaleAction):  # a second preparation while one waits
        grants.transfer_prepare(area["city2"], transfer.grant, from_status=GrantStatus.APPROVED,
                                transferred_on=TODAY, voucher_number="记-2")
    grants.transfer_approve(area["city2"], transfer, from_status=TransferStatus.PREPARED)
    with pytest.raises(StaleAction):  # a repeated approval
        grants.transfer_approve(area["finance"], transfer, from_status=TransferStatus.PREPARED)
    with pytest.raises(StaleAction):  # a new preparation once paid
        grants.transfer_prepare(area["city"], transfer.grant, from_status=GrantStatus.APPROVED,
                                transferred_on=TODAY, voucher_number="记-3")
    assert Transfer.objects.count() == 1 and LedgerEntry.objects.count() == 1
    with transaction.atomic(), pytest.raises(IntegrityError):  # the database agrees
        Transfer.objects.create(grant=transfer.grant, amount=Decimal("1"), transferred_on=TODAY, voucher_number="x",
                                account_name="x", bank="x", account_number="12345678", prepared_by=area["city"])


def test_a_returned_transfer_can_be_prepared_again(area):
    transfer = prepared(area)
    with pytest.raises(ValidationError):
        grants.transfer_send_back(area["city2"], transfer, from_status=TransferStatus.PREPARED, comment="")
    grants.transfer_send_back(area["city2"], transfer, from_status=TransferStatus.PREPARED, comment="凭证号有误。")
    assert Notification.objects.filter(recipient=area["city"], title="补助资金拨付被退回").exists()
    again = grants.transfer_prepare(area["city"], transfer.grant, from_status=GrantStatus.APPROVED,
                                    transferred_on=TODAY, voucher_number="记-2026-0816")
    grants.transfer_approve(area["finance"], again, from_status=TransferStatus.PREPARED)
    assert _status(transfer.grant) == GrantStatus.TRANSFERRED


def test_no_transfer_to_a_studio_delisted_meanwhile(area):
    transfer = prepared(area)
    studio_delist(area["city"], area["studio"], reason=DelistReason.FRAUD, facts="弄虚作假。",
                  decision_number=f"揭工总〔{YEAR}〕5号", decided_on=TODAY)
    with pytest.raises(Conflict, match="第八条"):
        grants.transfer_approve(area["city2"], transfer, from_status=TransferStatus.PREPARED)
    assert not LedgerEntry.objects.exists()
    grants.grant_cancel(area["city"], transfer.grant, from_status=GrantStatus.APPROVED, reason="工作室已摘牌（第八条）。")
    assert Transfer.objects.get(pk=transfer.pk).status == TransferStatus.RETURNED
    assert _status(transfer.grant) == GrantStatus.CANCELLED


def test_a_paid_grant_is_never_cancelled(area):
    grant = transferred(area)
    with pytest.raises(StaleAction):
        grants.grant_cancel(area["city"], grant, from_status=GrantStatus.PLANNED, reason="x")
    with pytest.raises(Conflict, match="只能结项"):
        grants.grant_cancel(area["city"], grant, from_status=GrantStatus.TRANSFERRED, reason="x")
    assert _status(grant) == GrantStatus.TRANSFERRED


# Closing

def test_close_with_a_balance_states_where_it_goes(area):
    grant = transferred(area)
    with pytest.raises(ValidationError, match="尚有余额 25,000.00 元"):
        grants.grant_close(area["city"], grant, from_status=GrantStatus.TRANSFERRED, note="")
    with pytest.raises(PermissionDenied):
        grants.grant_close(area["unit"], grant, from_status=GrantStatus.TRANSFERRED, note="结转")
    grant = grants.grant_close(area["city"], grant, from_status=GrantStatus.TRANSFERRED, note="结转下年度继续使用。")
    assert grant.status == GrantStatus.CLOSED
    assert grant.end_note == "结项时余额 25,000.00 元。结转下年度继续使用。"
    assert Notification.objects.filter(recipient=area["unit"], title="补助资金已结项").exists()
