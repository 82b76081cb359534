"""Reading the trail: newest first, paged by (time, id) so that page 10,000 costs what page 1 does."""
import datetime

from django.db.models import Q

from .models import AuditEntry


def entry_list():
    return AuditEntry.objects.select_related("content_type").order_by("-time", "-id")


def cursor_of(entry):
    return f"{entry.time.isoformat()}_{entry.pk}"


def _parse_cursor(cursor):
    try:
        time, pk = cursor.rsplit("_", 1)
        time = datetime.datetime.fromisoformat(time)
        return (time, int(pk)) if time.tzinfo else None
    except (AttributeError, ValueError):
        return None


def keyset_page(queryset, cursor, size):
    """The `size` entries after `cursor` (the last entry of the previous page) in (-time, -id) order, and the
    cursor of the next page or None. A garbled cursor gives the first page."""
    after = _parse_cursor(cursor)
    if after is not None:
        time, pk = after
        queryset = queryset.filter(Q(time__lt=time) | Q(time=time, id__lt=pk))
    entries = list(queryset[:size + 1])
    next_cursor = cursor_of(entries[size - 1]) if len(entries) > size else None
    return entries[:size], next_cursor
