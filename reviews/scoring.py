"""An application's score from its experts' totals (第六条: 专家评审), as the rule set says to combine them."""
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

from rules.models import Aggregation

TENTH = Decimal("0.1")


def combine(totals, method):
    """The mean, the median, or the mean without one highest and one lowest (when at least three)."""
    totals = sorted(Decimal(t) for t in totals)
    if not totals:
        return None
    if method == Aggregation.MEDIAN:
        value = Decimal(median(totals))
    elif method == Aggregation.TRIMMED_MEAN and len(totals) >= 3:
        trimmed = totals[1:-1]
        value = sum(trimmed) / len(trimmed)
    else:
        value = sum(totals) / len(totals)
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)


def spread(totals):
    return (max(totals) - min(totals)) if totals else None


def ranking(applications, rule_set):
    """Rows for the panel page: ranked applications (every expert not recused has scored) best first,
    then those still being scored with their provisional score, then those with no score.

    Each application must come with its assignments prefetched (and their experts).
    """
    rows = []
    for application in applications:
        assignments = list(application.assignments.all())
        scored = [a for a in assignments if a.status == "scored"]
        totals = [a.total for a in scored]
        row_spread = spread(totals)
        waiting = [a for a in assignments if a.status == "assigned"]
        rows.append({
            "application": application,
            "assignments": assignments,
            "waiting": waiting,
            "score": combine(totals, rule_set.score_aggregation),
            "complete": bool(scored) and not waiting,
            "spread": row_spread,
            "spread_alert": row_spread is not None and row_spread > rule_set.score_spread_alert,
        })
    rows.sort(key=lambda r: (not r["complete"], r["score"] is None, -(r["score"] or 0), r["application"].pk))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank if row["complete"] else None
    return rows
