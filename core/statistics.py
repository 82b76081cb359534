"""The dashboard's 统计: studios by recommending union and by year of naming, with the completion rate of the
annual assessment of 第九条 (assessments reported to the municipal union ÷ studios to be assessed).

Every figure is a conditional Count computed by the database, so each table costs the same few queries
however many studios, unions or years there are. A further column — the biennial cycle assessment of 第十条 —
is one more entry in `_year_counts`, and both tables pick it up.
"""
from dataclasses import dataclass, fields

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.models import AssessmentStatus
from studios.models import TITLED_STATES, Studio, StudioStatus
from unions.models import RECOMMENDING_KINDS, Role, Union
from unions.scoping import scoped, sees_whole_tree

# The years the model accepts for naming (Studio.named_year).
FIRST_YEAR = 2000


def can_see_statistics(user):
    """Municipal staff and administrators see the city; a recommending union's staff see their own area."""
    return sees_whole_tree(user) or (user.is_authenticated and user.is_active
                                     and user.role == Role.RECOMMENDING_STAFF)


def assessment_year(value):
    """The year asked for (?year=), or this year when it is missing or outside the years a studio can have."""
    this_year = timezone.localdate().year
    value = value or ""
    return int(value) if value.isdigit() and FIRST_YEAR <= int(value) <= this_year else this_year


@dataclass(frozen=True)
class Row:
    label: str | int  # a recommending union's name, a year, or 合计
    named: int = 0
    active: int = 0
    rectifying: int = 0
    cancelled: int = 0
    delisted: int = 0
    expected: int = 0  # to be assessed that year
    reported: int = 0  # assessed and reported to the municipal union

    @property
    def ended(self):
        return self.cancelled + self.delisted

    @property
    def rate(self):
        """Completion as a fraction, or None when no studio was to be assessed."""
        return self.reported / self.expected if self.expected else None

    @property
    def percent(self):
        return None if self.rate is None else round(100 * self.rate, 1)


_COUNTED = [f.name for f in fields(Row) if f.name != "label"]


def total(rows):
    return Row(_("合计"), **{name: sum(getattr(row, name) for row in rows) for name in _COUNTED})


def _state_counts():
    # distinct: the year counts join a studio's assessments, one row per assessment.
    def count(status=None):
        return Count("pk", distinct=True, filter=None if status is None else Q(status=status))

    return {"named": count(), "active": count(StudioStatus.ACTIVE), "rectifying": count(StudioStatus.RECTIFYING),
            "cancelled": count(StudioStatus.CANCELLED), "delisted": count(StudioStatus.DELISTED)}


def _to_be_assessed(year):
    """第九条: a studio is assessed every year after the one it was named in, while it holds the title. For a past
    year that includes a studio cancelled or delisted after it (its `ended_on` is later)."""
    return Q(named_year__lt=year) & (Q(status__in=TITLED_STATES) | Q(ended_on__year__gt=year))


def _year_counts(year):
    """The completion counts of one year's assessments: one Count each, over the studios' joined assessments."""
    expected = _to_be_assessed(year)
    return {
        "expected": Count("pk", distinct=True, filter=expected),
        "reported": Count("annual_assessments", distinct=True, filter=expected & Q(
            annual_assessments__year=year, annual_assessments__status=AssessmentStatus.REPORTED)),
    }


@dataclass(frozen=True)
class Statistics:
    year: int  # of the by-union table's completion rate
    by_union: list
    union_total: Row
    by_year: list
    year_total: Row

    @property
    def years(self):
        """The years to choose from for the completion rate, latest first."""
        return sorted({row.label for row in self.by_year} | {self.year}, reverse=True)

    def chart_data(self):
        """What dashboard-charts.js draws, with its labels (for json_script)."""
        return {
            "byUnion": {
                "labels": [row.label for row in self.by_union],
                "series": [
                    {"label": StudioStatus.ACTIVE.label, "data": [row.active for row in self.by_union]},
                    {"label": StudioStatus.RECTIFYING.label, "data": [row.rectifying for row in self.by_union]},
                    {"label": _("已取消或摘牌"), "data": [row.ended for row in self.by_union]},
                ],
            },
            "byYear": {
                "labels": [row.label for row in self.by_year],
                "named": {"label": _("命名数"), "data": [row.named for row in self.by_year]},
                "rate": {"label": _("年度考核完成率（%）"), "data": [row.percent for row in self.by_year]},
            },
        }


def by_recommending_union(user, year):
    """One row per recommending union the user sees (a recommending union's staff: their own), in tree order,
    with `year`'s completion rate; unions without studios show zeros. Two queries."""
    unions = scoped(user, Union.objects.filter(kind__in=RECOMMENDING_KINDS)).order_by("path").values_list("pk", "name")
    counts = {
        row.pop("unit__recommending_union"): row
        for row in scoped(user, Studio.objects).values("unit__recommending_union")
        .annotate(**_state_counts(), **_year_counts(year)).order_by()
    }
    return [Row(name, **counts.get(pk, {})) for pk, name in unions]


def by_named_year(user):
    """One row per year from the first naming to this year: the studios named that year and where they stand now,
    and the completion rate of that year's assessment (of all studios to be assessed then). Two queries."""
    studios = scoped(user, Studio.objects)
    cohorts = {row.pop("named_year"): row
               for row in studios.values("named_year").annotate(**_state_counts()).order_by()}
    if not cohorts:
        return []
    years = range(min(cohorts), max(*cohorts, timezone.localdate().year) + 1)
    # One row of columns expected_<year>, reported_<year>, … for every year at once.
    completion = studios.aggregate(**{f"{name}_{year}": count for year in years
                                      for name, count in _year_counts(year).items()})
    return [Row(year, **cohorts.get(year, {}),
                **{name: completion[f"{name}_{year}"] for name in _year_counts(year)}) for year in years]


def city_statistics(user, year):
    """Both tables with their total rows, for a user who `can_see_statistics` (four queries)."""
    by_union = by_recommending_union(user, year)
    by_year = by_named_year(user)
    return Statistics(year, by_union, total(by_union), by_year, total(by_year))
