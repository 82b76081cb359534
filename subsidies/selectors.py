"""Reads of grants, ledgers and the overview, scoped to what the user may see.

Every sum is computed by the database from the ledger entries (第十二条: 单独核算) — no balance is stored — and
each page costs the same few queries however many grants and entries there are.
"""
import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.history import timeline
from rules.models import RuleSet
from studios.models import TITLED_STATES, Studio
from unions.models import Role, Union, UnionKind
from unions.scoping import scoped

from .models import BankAccount, EntryKind, GrantStatus, LedgerEntry, SubsidyGrant, Transfer, TransferStatus
from .money import CENT
from .permissions import sees_all_grants

ZERO = Decimal("0.00")
SUM_FIELD = DecimalField(max_digits=14, decimal_places=2)
OUTGO_KINDS = [EntryKind.EXPENSE, EntryKind.REVERSAL]


def _sum(path, condition=None):
    return Coalesce(Sum(path, filter=condition), Value(ZERO), output_field=SUM_FIELD)


def _money(value):
    """A database sum as yuan with two places (SQLite adds decimals as floats and drops the places)."""
    return Decimal(value).quantize(CENT)


def visible(user, queryset):
    """Grants (or rows of a grant) the user may read: all for municipal staff and auditors, else by scope."""
    return queryset if sees_all_grants(user) else scoped(user, queryset)


def _with_sums(grants):
    return grants.annotate(
        transferred=_sum("entries__amount", Q(entries__kind=EntryKind.TRANSFER_IN)),
        outflow=_sum("entries__amount", Q(entries__kind__in=OUTGO_KINDS)),
        balance=_sum("entries__amount"))


def grant_list(user):
    return _with_sums(visible(user, SubsidyGrant.objects.select_related(
        "studio", "studio__unit", "studio__unit__recommending_union")))


def grant_detail(user, pk):
    return get_object_or_404(visible(user, SubsidyGrant.objects.select_related(
        "studio", "studio__unit", "studio__unit__recommending_union", "studio__leader", "rule_set", "planned_by",
        "approved_by")), pk=pk)


def grant_totals(grant):
    """拨入, 支出 (net of reversals) and 余额 of one grant, summed by the database."""
    sums = LedgerEntry.objects.filter(grant=grant).aggregate(
        transferred=_sum("amount", Q(kind=EntryKind.TRANSFER_IN)), outflow=_sum("amount", Q(kind__in=OUTGO_KINDS)),
        balance=_sum("amount"))
    return {"transferred": _money(sums["transferred"]), "spent": _money(-sums["outflow"]),
            "balance": _money(sums["balance"])}


def grant_transfers(grant):
    return grant.transfers.select_related("prepared_by", "decided_by").order_by("prepared_at", "pk")


def grant_history(grant):
    """The grant's steps, from its studio's history (they are logged there so the studio page shows them)."""
    return [e for e in timeline(grant.studio) if e.transition.startswith("subsidy_")]


@dataclass(frozen=True)
class LedgerRow:
    entry: LedgerEntry
    balance: Decimal  # after this entry
    reversal: LedgerEntry | None  # the entry that reversed this one


def ledger(grant):
    """The grant's ledger in date order with the running balance (one query)."""
    entries = LedgerEntry.objects.filter(grant=grant).select_related("recorded_by", "reverses", "reversal").order_by(
        "occurred_on", "pk")
    rows, balance = [], ZERO
    for entry in entries:
        balance += entry.amount
        rows.append(LedgerRow(entry, balance, getattr(entry, "reversal", None)))
    return rows


def ledger_sums(rows):
    """拨入, 支出 and 余额 of a ledger's rows, added up as the page shows them."""
    transferred = sum((r.entry.income for r in rows if r.entry.income is not None), ZERO)
    spent = sum((r.entry.outgo for r in rows if r.entry.outgo is not None), ZERO)
    return {"transferred": transferred, "spent": spent, "balance": transferred - spent}


def entry_detail(user, pk):
    return get_object_or_404(visible(user, LedgerEntry.objects.select_related("grant", "grant__studio")), pk=pk)


def eligible_studios():
    """第十三条: studios named this year or last, still titled (第八条), without a grant for that naming."""
    this_year = timezone.localdate().year
    granted = SubsidyGrant.objects.filter(studio=OuterRef("pk"), year=OuterRef("named_year")).exclude(
        status=GrantStatus.CANCELLED)
    return Studio.objects.filter(status__in=TITLED_STATES, named_year__in=[this_year, this_year - 1]).exclude(
        Exists(granted)).select_related("unit").order_by("-named_year", "name")


def studio_subsidy(studio):
    """For the studio's page: its grants (not the cancelled ones) with their balance (one query)."""
    return {"subsidy_grants": list(_with_sums(studio.subsidy_grants.exclude(status=GrantStatus.CANCELLED)).order_by(
        "-year", "-pk"))}


def account_union(user, pk):
    """A unit union whose account the user may read: its own staff, its recommending union, municipal staff."""
    return get_object_or_404(visible(user, Union.objects.filter(kind=UnionKind.UNIT)), pk=pk)


def account_of(union):
    return BankAccount.objects.filter(union=union).select_related("updated_by").first()


def account_history(account):
    return list(timeline(account)) if account else []


# The overview: per year and per recommending union.

@dataclass(frozen=True)
class Figures:
    label: str | int  # a recommending union's name, a year, or 合计
    grants: int = 0
    granted: Decimal = ZERO
    transferred: Decimal = ZERO
    spent: Decimal = ZERO

    @property
    def unspent(self):
        return self.transferred - self.spent


def _figures(grants, key, label, order):
    """One row per value of `key`, in `order`: grants and granted from the grants, transferred and spent from
    their ledgers (two queries: a grant's amount must not be counted once per entry)."""
    grants = grants.exclude(status=GrantStatus.CANCELLED)
    moved = {row[f"grant__{key}"]: row for row in LedgerEntry.objects.filter(grant__in=grants).values(
        f"grant__{key}").annotate(transferred=_sum("amount", Q(kind=EntryKind.TRANSFER_IN)),
                                  outflow=_sum("amount", Q(kind__in=OUTGO_KINDS))).order_by()}
    rows = []
    groups = grants.values(*{key, label, order.lstrip("-")}).annotate(count=Count("pk"), granted=Sum("amount"))
    for row in groups.order_by(order):
        sums = moved.get(row[key], {"transferred": ZERO, "outflow": ZERO})
        rows.append(Figures(label=row[label], grants=row["count"], granted=_money(row["granted"]),
                            transferred=_money(sums["transferred"]), spent=_money(-sums["outflow"])))
    return rows


def total(rows, label):
    return Figures(label=label, grants=sum(r.grants for r in rows), granted=sum((r.granted for r in rows), ZERO),
                   transferred=sum((r.transferred for r in rows), ZERO), spent=sum((r.spent for r in rows), ZERO))


def overview_by_union(year):
    """Per recommending union (in the tree's order), the grants for studios named in `year` (two queries)."""
    union = "studio__unit__recommending_union"
    return _figures(SubsidyGrant.objects.filter(year=year), union, f"{union}__name", f"{union}__path")


def overview_by_year():
    """Per year of naming, newest first, every grant (two queries)."""
    return _figures(SubsidyGrant.objects.all(), "year", "year", "-year")


def overview_years():
    return list(SubsidyGrant.objects.order_by("-year").values_list("year", flat=True).distinct())


def months_before(day, months):
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def idle_grants(months, today=None):
    """Transferred grants with nothing spent (net of reversals) `months` or more after the transfer: money that
    第十三条 meant for the studio's work and that lies unused (one query)."""
    cutoff = months_before(today or timezone.localdate(), months)
    paid_on = Transfer.objects.filter(grant=OuterRef("pk"), status=TransferStatus.APPROVED).values("transferred_on")
    return _with_sums(SubsidyGrant.objects.filter(status=GrantStatus.TRANSFERRED).select_related(
        "studio", "studio__unit", "studio__unit__recommending_union").annotate(
        transferred_on=Subquery(paid_on[:1]))).filter(transferred_on__lte=cutoff, outflow=0).order_by(
        "transferred_on", "pk")


def idle_months():
    return RuleSet.objects.current().subsidy_idle_months


def waiting_counts(user):
    """For the dashboard: grants to approve and transfers to approve (municipal staff), grants in use and
    whether the unit union still lacks its account (unit staff). One or two queries."""
    counts = visible(user, SubsidyGrant.objects.all()).aggregate(
        planned=Count("pk", filter=Q(status=GrantStatus.PLANNED), distinct=True),
        approved=Count("pk", filter=Q(status=GrantStatus.APPROVED), distinct=True),
        in_use=Count("pk", filter=Q(status=GrantStatus.TRANSFERRED), distinct=True),
        # transfers this user may approve: never those they prepared (four eyes)
        transfers=Count("transfers", filter=Q(transfers__status=TransferStatus.PREPARED)
                        & ~Q(transfers__prepared_by=user), distinct=True))
    counts["needs_account"] = (user.role == Role.UNIT_STAFF and counts["approved"] > 0
                               and not BankAccount.objects.filter(union_id=user.union_id).exists())
    return counts
