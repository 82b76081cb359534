"""The demo's subsidies (seed_demo): last year's named studios with grants in every state, on their dates."""
import io

import pytest
from django.core.management import call_command

from subsidies.models import EntryKind, GrantStatus, LedgerEntry, SubsidyGrant, TransferStatus
from subsidies.permissions import is_finance_staff
from subsidies.selectors import grant_totals, idle_grants, months_before
from unions.models import User

pytestmark = pytest.mark.django_db


def test_demo_grants_in_every_state_and_a_finance_account():
    call_command("seed_demo", stdout=io.StringIO())
    grants = {g.studio.leader.name: g for g in SubsidyGrant.objects.select_related("studio__leader")}
    assert {name: g.status for name, g in grants.items()} == {
        "蔡建国": GrantStatus.TRANSFERRED, "方志诚": GrantStatus.APPROVED, "许文杰": GrantStatus.PLANNED,
        "赖秀英": GrantStatus.CLOSED, "郑伟": GrantStatus.TRANSFERRED}
    assert grants["方志诚"].transfers.get().status == TransferStatus.PREPARED  # waiting for `finance`
    assert grants["方志诚"].transfers.get().prepared_by.username == "city"
    assert LedgerEntry.objects.filter(kind=EntryKind.REVERSAL).count() == 1
    assert grant_totals(grants["赖秀英"])["balance"] == 0
    paid = grants["郑伟"].transfers.get().transferred_on
    assert list(idle_grants(6, today=months_before(paid, -6))) == [grants["郑伟"]]  # transferred, never spent
    assert is_finance_staff(User.objects.get(username="finance"))
    assert not is_finance_staff(User.objects.get(username="city"))
    before = SubsidyGrant.objects.count(), LedgerEntry.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert (SubsidyGrant.objects.count(), LedgerEntry.objects.count()) == before
