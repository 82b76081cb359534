"""Two people at once (PostgreSQL row locks): two expenses that together overspend, two approvals of one transfer —
exactly one effect each time."""
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections

from reviews.errors import StaleAction
from subsidies import grant_services, ledger_services
from subsidies.models import EntryKind, ExpenseCategory, LedgerEntry, SubsidyGrant, Transfer, TransferStatus
from subsidies.selectors import grant_totals

from .conftest import TODAY, prepared, receipt, transferred

pytestmark = pytest.mark.django_db(transaction=True)


def _at_once(*calls):
    """Runs the calls in threads started together; returns how each ended."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; .ci/run runs this there")
    barrier, outcomes = threading.Barrier(len(calls)), []

    def run(call):
        try:
            barrier.wait()
            call()
            outcomes.append("ok")
        except (ValidationError, StaleAction, PermissionDenied) as error:
            outcomes.append(type(error).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def test_two_expenses_at_once_never_overspend(area):
    grant = transferred(area)

    def spend():
        ledger_services.expense_record(area["unit"], grant, occurred_on=TODAY, amount=Decimal("15000.00"),
                                       category=ExpenseCategory.EQUIPMENT, description="采购设备", receipt=receipt())

    assert _at_once(spend, spend) == ["ValidationError", "ok"]
    assert LedgerEntry.objects.filter(grant=grant, kind=EntryKind.EXPENSE).count() == 1
    assert grant_totals(SubsidyGrant.objects.get(pk=grant.pk))["balance"] == Decimal("10000.00")


def test_two_approvals_of_one_transfer_pay_once(area):
    transfer = prepared(area)

    def approve(user):
        return lambda: grant_services.transfer_approve(user, transfer, from_status=TransferStatus.PREPARED)

    assert _at_once(approve(area["city2"]), approve(area["finance"])) == ["StaleAction", "ok"]
    assert Transfer.objects.get().status == TransferStatus.APPROVED
    assert LedgerEntry.objects.filter(kind=EntryKind.TRANSFER_IN).count() == 1
