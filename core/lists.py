"""List pages: one filtered page, or just its table when htmx asks for it.

Pages are found by keyset ("seek") pagination, never by COUNT and OFFSET: over 100,000 studios or millions
of audit entries, OFFSET reads and throws away every row before the page and COUNT reads them all. A page
is asked for with an opaque, signed `?cursor=` holding the ordering key of the row next to it and the
direction, so page 5,000 costs what page 1 does. The queryset's ordering must be a total order of
non-null columns (it gets `pk` appended when it does not end with it) backed by an index.
"""
import datetime
import decimal
from functools import cached_property

from django.conf import settings
from django.core import signing
from django.db.models import Q
from django.shortcuts import render

CURSOR_SALT = "core.lists.cursor"
# Lists show the exact number of rows up to this many, then "more than": counting is bounded by a LIMIT.
COUNT_CAP = 1000


def _ordering(queryset):
    """The ordering as (field path, descending) pairs, made total by ending in pk."""
    names = list(queryset.query.order_by) or (
        list(queryset.model._meta.ordering) if queryset.query.default_ordering else [])
    keys = [(name.lstrip("-"), name.startswith("-")) for name in names]
    if not keys or keys[-1][0] not in ("pk", "id"):
        keys.append(("pk", keys[-1][1] if keys else False))
    return keys


def _value(row, path):
    for part in path.split("__"):
        row = row[part] if isinstance(row, dict) else getattr(row, part)
    return row


def _plain(value):
    """A key value as JSON can carry it; the lookups turn strings back into dates and decimals."""
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def _sign(keys, row, direction):
    return signing.dumps({"d": direction, "k": [_plain(_value(row, path)) for path, _desc in keys]},
                         salt=CURSOR_SALT)


def _read_cursor(cursor, keys):
    """(direction, key values), or None for no cursor or a bad, tampered or stale one (the first page)."""
    if not cursor:
        return None
    try:
        data = signing.loads(cursor, salt=CURSOR_SALT)
        direction, values = data["d"], data["k"]
    except (signing.BadSignature, TypeError, KeyError, ValueError):
        return None
    if direction not in ("n", "p") or not isinstance(values, list) or len(values) != len(keys):
        return None
    if None in values:  # a key column that may be NULL has no place in an ordering paged by keyset
        return None
    return direction, values


def _beyond(keys, values, forward):
    """Rows strictly after (forward) or before the key `values` in the order of `keys`.

    (a > x) or (a = x and b > y) or …, with the first column's bound (a >= x) repeated in front: an index on
    the ordering then starts its range scan at the cursor instead of reading the rows before it.
    """
    condition = Q()
    for i, (path, descending) in enumerate(keys):
        greater = descending != forward  # forward in an ascending key, or backward in a descending one
        condition |= Q(**{p: v for (p, _d), v in zip(keys[:i], values[:i])},
                       **{f"{path}__{'gt' if greater else 'lt'}": values[i]})
    first, descending = keys[0]
    return Q(**{f"{first}__{'gte' if descending != forward else 'lte'}": values[0]}) & condition


class KeysetPage:
    """One page of a list, with the cursors of its neighbours. Costs one query; `count` one more, bounded."""

    def __init__(self, queryset, cursor, per_page):
        keys = _ordering(queryset)
        ordered = queryset.order_by(*[f"{'-' if desc else ''}{path}" for path, desc in keys])
        self._queryset = queryset
        read = _read_cursor(cursor, keys)
        if read is None:
            rows = list(ordered[:per_page + 1])
            self.has_previous, self.has_next = False, len(rows) > per_page
            rows = rows[:per_page]
        elif read[0] == "n":
            rows = list(ordered.filter(_beyond(keys, read[1], forward=True))[:per_page + 1])
            self.has_previous, self.has_next = True, len(rows) > per_page
            rows = rows[:per_page]
        else:
            rows = list(ordered.reverse().filter(_beyond(keys, read[1], forward=False))[:per_page + 1])
            self.has_previous, self.has_next = len(rows) > per_page, True
            rows = rows[:per_page][::-1]
        if not rows and read is not None:  # past the end (rows deleted meanwhile): show the first page
            self.__init__(queryset, None, per_page)
            return
        self.object_list = rows
        self.next_cursor = _sign(keys, rows[-1], "n") if self.has_next else ""
        self.previous_cursor = _sign(keys, rows[0], "p") if self.has_previous else ""

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    @cached_property
    def _capped(self):
        return capped_count(self._queryset)

    @property
    def count(self):
        return min(self._capped, COUNT_CAP)

    @property
    def count_is_capped(self):
        return self._capped > COUNT_CAP


def capped_count(queryset):
    """The rows of `queryset`, counted up to COUNT_CAP + 1: COUNT over a LIMITed subquery of bare keys (no
    annotations), which reads at most COUNT_CAP + 1 rows however large the table."""
    return queryset.order_by().values("pk")[:COUNT_CAP + 1].count()


def keyset_slice(queryset, cursor, per_page):
    """The rows of the page `cursor` points at as a queryset, for callers that select their own columns
    (bench/limits.py); a previous-page cursor gives them in reverse order."""
    keys = _ordering(queryset)
    ordered = queryset.order_by(*[f"{'-' if desc else ''}{path}" for path, desc in keys])
    read = _read_cursor(cursor, keys)
    if read is None:
        return ordered[:per_page]
    if read[0] == "n":
        return ordered.filter(_beyond(keys, read[1], forward=True))[:per_page]
    return ordered.reverse().filter(_beyond(keys, read[1], forward=False))[:per_page]


def paginate(request, queryset, per_page=None):
    """The page of `queryset` that ?cursor= points at; no cursor or a bad one gives the first page."""
    return KeysetPage(queryset, request.GET.get("cursor"), per_page or settings.PAGE_SIZE)


def render_list(request, filterset, template, table_template, extra=None):
    """The whole page, or only the results table for an in-place (htmx) update."""
    context = {"filter": filterset, "page": paginate(request, filterset.qs), **(extra or {})}
    return render(request, table_template if request.htmx else template, context)


def render_paged(request, template, table_template, context):
    """Like render_list, for pages that filter by hand: the whole page, or its table for htmx."""
    return render(request, table_template if request.htmx else template, context)
