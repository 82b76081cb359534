"""The overview (per year and per recommending union) adds up exactly what the ledgers hold, on generated data,
in a constant number of queries; and it lists the money left unused after the rule set's months."""
import datetime
import random
from collections import defaultdict
from decimal import Decimal

import pytest
from django.urls import reverse

from subsidies import grant_services, ledger_services, selectors
from subsidies.models import ExpenseCategory, GrantStatus, SubsidyGrant
from tests import factories
from unions.models import Role

from .conftest import TODAY, YEAR, approved, planned, receipt, transferred

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated(area):
    """30 grants over three counties and two naming years, in every state, with random expenses and reversals."""
    chance = random.Random(2022)
    units = [area["unit_union"], area["other_unit_union"],
             factories.unit_union(factories.county_union("揭西县总工会"), "揭西县云岭茶业有限公司工会")]
    for n in range(30):
        studio = factories.StudioFactory(unit=units[n % 3], named_year=YEAR - n % 2)
        amount = str(Decimal(chance.randrange(2000000, 3000001)) / 100)
        kind = chance.choice(["planned", "approved", "cancelled", "transferred", "transferred", "transferred"])
        if kind == "planned":
            planned(area, studio, amount)
        elif kind == "approved":
            approved(area, studio, amount)
        elif kind == "cancelled":
            grant_services.grant_cancel(area["city"], planned(area, studio, amount), from_status=GrantStatus.PLANNED,
                                        reason="重新拟定")
        else:
            grant = transferred(area, studio, amount)
            unit_user = factories.user_with_role(Role.UNIT_STAFF, studio.unit)
            for _ in range(chance.randrange(0, 5)):
                expense = ledger_services.expense_record(
                    unit_user, grant, occurred_on=TODAY, amount=Decimal(chance.randrange(1, 400000)) / 100,
                    category=chance.choice(ExpenseCategory.values), description="随机支出", receipt=receipt())
                if chance.random() < 0.3:
                    ledger_services.entry_reverse(unit_user, expense, reason="随机冲销")
    return area


def _ledger_figures(key):
    """What the ledgers say, grant by grant, grouped by `key` (a grant → its group)."""
    sums = defaultdict(lambda: {"grants": 0, "granted": Decimal("0"), "transferred": Decimal("0"),
                                "spent": Decimal("0")})
    for grant in SubsidyGrant.objects.exclude(status=GrantStatus.CANCELLED).select_related(
            "studio__unit__recommending_union"):
        figures = selectors.ledger_sums(selectors.ledger(grant))
        row = sums[key(grant)]
        row["grants"] += 1
        row["granted"] += grant.amount
        row["transferred"] += figures["transferred"]
        row["spent"] += figures["spent"]
    return sums


def _as_dict(row):
    return {"grants": row.grants, "granted": row.granted, "transferred": row.transferred, "spent": row.spent}


def test_the_overview_sums_equal_the_ledgers_sums(generated):
    assert SubsidyGrant.objects.count() == 30
    for year in (YEAR, YEAR - 1):
        expected = _ledger_figures(lambda g: g.studio.unit.recommending_union.name if g.year == year else None)
        expected.pop(None, None)
        rows = selectors.overview_by_union(year)
        assert {row.label: _as_dict(row) for row in rows} == expected
        for row in rows:
            assert row.unspent == row.transferred - row.spent
    by_year = selectors.overview_by_year()
    assert {row.label: _as_dict(row) for row in by_year} == _ledger_figures(lambda g: g.year)
    total = selectors.total(by_year, "合计")
    everything = _ledger_figures(lambda g: "all")["all"]
    assert _as_dict(total) == everything
    assert total.unspent == sum(selectors.grant_totals(g)["balance"] for g in SubsidyGrant.objects.all())


def test_the_overview_page_costs_the_same_queries_however_many_grants(generated, login,
                                                                       django_assert_max_num_queries):
    client = login(generated["city"])
    with django_assert_max_num_queries(16):
        response = client.get(reverse("subsidies:overview"), {"year": YEAR - 1})
    total = response.context["union_total"]
    assert f"{total.granted:,.2f}" in response.content.decode()


def test_grants_with_nothing_spent_after_the_rule_sets_months(area, login):
    idle = transferred(area)
    used = transferred(area, studio=area["new_studio"])
    ledger_services.expense_record(area["unit"], used, occurred_on=TODAY, amount=Decimal("100"),
                                   category=ExpenseCategory.PUBLICITY, description="宣传展板", receipt=receipt())
    reversed_only = transferred(area, studio=factories.StudioFactory(unit=area["unit_union"], named_year=YEAR))
    ledger_services.entry_reverse(area["unit"], ledger_services.expense_record(
        area["unit"], reversed_only, occurred_on=TODAY, amount=Decimal("100"), category=ExpenseCategory.PUBLICITY,
        description="录错", receipt=receipt()), reason="录错")
    months = area["rules"].subsidy_idle_months
    assert months == 6
    later = selectors.months_before(TODAY, -months)
    assert list(selectors.idle_grants(months, today=later)) == [idle, reversed_only]
    assert list(selectors.idle_grants(months, today=later - datetime.timedelta(days=1))) == []
    assert list(selectors.idle_grants(months)) == []  # just transferred


@pytest.mark.parametrize("day, months, expected", [
    (datetime.date(2026, 8, 31), 6, datetime.date(2026, 2, 28)),
    (datetime.date(2026, 3, 15), 3, datetime.date(2025, 12, 15)),
    (datetime.date(2026, 1, 31), -1, datetime.date(2026, 2, 28))])
def test_months_before(day, months, expected):
    assert selectors.months_before(day, months) == expected
