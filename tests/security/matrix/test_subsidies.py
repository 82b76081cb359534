"""Subsidies through HTTP (第十二条, 第十三条): every action × actor × state a grant, transfer or ledger entry meets.

From the rules: municipal staff plan a grant for a newly named studio, approve it, prepare its payment into the
unit union's account — which a second officer approves (第十二条), never the one who prepared it — and close it,
or cancel it before it is paid; the studio's unit union records its expenses (专款专用，单独核算) while the money is
in use, and it or municipal staff reverse a wrong expense, once; the unit union and municipal staff keep the
unit's account. Auditors read everything and act on nothing; the system administrator pays nothing.
"""
import pytest
from django.utils import timezone

from subsidies import grant_services
from subsidies.models import BankAccount, EntryKind, GrantStatus, LedgerEntry, SubsidyGrant, Transfer, TransferStatus
from subsidies.permissions import is_auditor
from unions.models import Union, UnionKind

from .cells import Action, State, case_id, run, sees_in_scope
from .forms import pdf

TODAY = timezone.localdate()
CITY = frozenset({"city", "finance"})


def _sees_grant(user, obj):
    """Point 2 for money: the union tree, and auditors everywhere (第十二条: 接受审查审计监督)."""
    return is_auditor(user) or sees_in_scope(user, obj)


def grant(status, waiting=None):
    def find(world):
        grants = SubsidyGrant.objects.filter(status=status).order_by("pk")
        if waiting is not None:
            grants = grants.filter(transfers__status=TransferStatus.PREPARED) if waiting else grants.exclude(
                transfers__status=TransferStatus.PREPARED)
        return grants.first()
    return find


def approved_without_transfer(world):
    """The grant whose transfer waits, after its preparer withdrew the transfer: approved, to be paid."""
    waiting = grant(GrantStatus.APPROVED, waiting=True)(world)
    transfer = waiting.transfers.get(status=TransferStatus.PREPARED)
    grant_services.transfer_send_back(transfer.prepared_by, transfer, from_status=TransferStatus.PREPARED,
                                      comment="凭证号有误，撤回重办。")
    return SubsidyGrant.objects.get(pk=waiting.pk)


def cancelled(world):
    planned = grant(GrantStatus.PLANNED)(world)
    return grant_services.grant_cancel(world.city, planned, from_status=GrantStatus.PLANNED, reason="金额有误。")


GRANT_STATES = {
    "planned": grant(GrantStatus.PLANNED), "approved_transfer_waiting": grant(GrantStatus.APPROVED, waiting=True),
    "approved": approved_without_transfer, "transferred": grant(GrantStatus.TRANSFERRED),
    "closed": grant(GrantStatus.CLOSED), "cancelled": cancelled,
}


def _grant_state(g):
    return (SubsidyGrant.objects.get(pk=g.pk).status, sorted(g.transfers.values_list("status", flat=True)))


def grant_action(action, fields, may, allowed, expect=None, form=None, logs=True):
    """An action of the grant's page; its form carries the state the officer saw (`from_status`)."""
    form = form or action

    def data(world, g):
        waiting = g.transfers.filter(status=TransferStatus.PREPARED).first()
        seen = waiting.status if form == "transfer" and waiting else g.status
        return {"action": action, f"{form}-from_status": seen, **{f"{form}-{k}": v for k, v in fields.items()}}

    return Action(f"grant_{action}", "subsidies:detail", lambda g: [g.pk], data, frozenset(may),
                  tuple(State(s, f, s in allowed, (expect or {}).get(s, {})) for s, f in GRANT_STATES.items()),
                  _grant_state, logs=logs, sees=_sees_grant, unit=lambda g: g.studio.unit)


GRANT_ACTIONS = [
    grant_action("approve", {"decision_number": "揭工总〔2026〕36号"}, CITY, {"planned"}),
    # 撤销 only before the money is paid: a paid grant is closed, never cancelled
    grant_action("cancel", {"reason": "工作室已申请取消。"}, CITY, {"planned", "approved_transfer_waiting", "approved"}),
    grant_action("prepare", {"transferred_on": TODAY.isoformat(), "voucher_number": "付2026-0888"}, CITY,
                 {"approved"}),  # one payment at a time
    # 第十二条: the transfer is approved by a municipal officer other than the one who prepared it (`city`)
    grant_action("transfer", {}, CITY, {"approved_transfer_waiting"},
                 expect={"approved_transfer_waiting": {"city": 403}}),
    grant_action("transfer_return", {"comment": "凭证号有误。"}, CITY, {"approved_transfer_waiting"}, form="transfer"),
    grant_action("close", {"note": "余额结转下年度使用。"}, CITY, {"transferred"}),
    # 第十三条: a grant for a newly named studio; this one's naming is free again once its grant was cancelled
    Action("grant_new", "subsidies:new", lambda g: [],
           lambda world, g: {"studio": g.studio_id, "amount": "25000.00", "note": "第十三条补助。"}, CITY,
           (State("naming_without_grant", cancelled, True),), lambda g: SubsidyGrant.objects.count(),
           sees=lambda user, g: True, unit=lambda g: g.studio.unit),
]


# 第十二条, 第十三条: the grant's own ledger ------------------------------------------------------------------------

def _entries(obj):
    grant = obj if isinstance(obj, SubsidyGrant) else obj.grant
    return LedgerEntry.objects.filter(grant=grant).count()


def _expense(world, g):
    return {"expense-occurred_on": TODAY.isoformat(), "expense-amount": "100.00", "expense-category": "equipment",
            "expense-description": "采购对刀仪 1 台", "expense-receipt": pdf("发票.pdf")}


def entry(kind, grant_status=GrantStatus.TRANSFERRED, reversed_=False):
    def find(world):
        entries = LedgerEntry.objects.filter(kind=kind, grant__status=grant_status).order_by("pk")
        if kind == EntryKind.EXPENSE:
            entries = entries.filter(reversal__isnull=not reversed_)
        return entries.first()
    return find


LEDGER_ACTIONS = [
    # 第十二条: 专款专用，单独核算 by the studio's unit union, while the money is in use
    Action("expense_record", "subsidies:ledger", lambda g: [g.pk], _expense, frozenset({"owner"}),
           tuple(State(s, GRANT_STATES[s], s == "transferred") for s in ("planned", "approved", "transferred",
                                                                          "closed")),
           _entries, logs=False, sees=_sees_grant, unit=lambda g: g.studio.unit),
    # 冲销 a wrong expense, once, while the grant is in use; by its unit union or municipal staff
    Action("entry_reverse", "subsidies:entry_reverse", lambda e: [e.pk], lambda world, e: {"reason": "票据重复入账。"},
           frozenset({"owner", "city", "finance"}),
           (State("expense", entry(EntryKind.EXPENSE), True),
            State("reversed_expense", entry(EntryKind.EXPENSE, reversed_=True), False),
            State("transfer_in", entry(EntryKind.TRANSFER_IN), False),
            State("reversal", entry(EntryKind.REVERSAL), False),
            State("expense_of_closed_grant", entry(EntryKind.EXPENSE, GrantStatus.CLOSED), False)),
           _entries, logs=False, sees=_sees_grant, unit=lambda e: e.grant.studio.unit),
]


# 第十二条: the unit union's account --------------------------------------------------------------------------------

ACCOUNT_ACTIONS = [
    Action("account_save", "subsidies:account", lambda u: [u.pk],
           lambda world, u: {"account_name": f"{u.name}", "bank": "中国工商银行揭阳分行", "number": "6222020200112233445"},
           frozenset({"owner", "city", "finance"}),
           (State("unit_with_account", lambda world: Union.objects.filter(bank_account__isnull=False).order_by(
               "pk").first(), True),
            State("unit_without_account", lambda world: Union.objects.filter(
                kind=UnionKind.UNIT, bank_account__isnull=True).order_by("pk").first(), True)),
           lambda u: list(BankAccount.objects.filter(union=u).values_list("number", flat=True)),
           sees=_sees_grant, unit=lambda u: u),
]

CASES = [case for action in GRANT_ACTIONS + LEDGER_ACTIONS + ACCOUNT_ACTIONS for case in action.cases()]


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_subsidy_cells(case, world, db):
    action, state = case
    assert run(world, action, state) == []


def test_the_waiting_transfer_was_prepared_by_city(world, db):
    """The four-eyes cell above relies on it: `city` prepared it, so `finance` approves it."""
    transfer = Transfer.objects.get(status=TransferStatus.PREPARED)
    assert transfer.prepared_by == world.city
