"""Search by any part of a name: every page that finds studios, leaders, members, unions or applications by
what someone typed calls the function here for what it lists, and gets back its own queryset narrowed, so
scoping, filters, ordering and paging stay the page's (one condition more, no query more).

What matches is the same everywhere: the typed text, trimmed, anywhere in one of the names of the row, ignoring
the case of Latin letters. A studio is found by its own name, its leader's or its unit's; a leader by its name
or its unit's; a member by its name or its studio; an application by its leader's name or its unit's.

How, on PostgreSQL (migration core/0005_search_names), for 100,000 studios and more:
- Each searched table has two columns the models do not declare: `search_text`, the row's names lower-cased
  and joined by U+001F, and `search_grams`, its pieces of one and two characters, each once, as a tsvector. The
  database fills them (generated columns; triggers where the names come from other tables — a studio's leader
  and unit, a leader's unit, an application's unit — which also follow a leader's or a union's rename), so rows written any way — the ORM, bulk inserts, COPY in core/scale, a
  restore — are found, and no Python code has to remember to.
- A text of three characters or more is `search_text LIKE '%…%'`, answered by a pg_trgm GIN index. A trigram
  index cannot answer one or two characters, and Chinese names are often that short (张伟, 汕头): those are
  `search_grams @@ '…'`, the piece itself as the one lexeme of a tsquery, answered by a GIN index. A tsvector
  rather than an array: it keeps each piece once in less than half the room, and a studio's row stays narrow
  for the pages that read studios. Stored rather than an expression index: a common piece (工会, 劳模) makes
  the planner read every row, and computing the pieces for each would take a second.
- All of a studio's names in one column of the studio make the search one indexed condition on the listed
  table; an OR across three joined tables is something no index can answer.
Elsewhere (SQLite, the embedded default): icontains over the same names, a scan, quick at a city's size.
"""
from django.db import connections
from django.db.models import Expression, Lookup, Q, TextField
from django.db.models.expressions import Col
from django.db.models.lookups import Contains
from django.utils.text import smart_split, unescape_string_literal

from studios.models import AllianceMembership, Studio

# Joins the names in `search_text`; typed text containing it cannot match a name.
SEPARATOR = "\x1f"


def studios(queryset, text):
    """Studios with `text` in their name, their leader's name or their unit's name."""
    return _search(queryset, text, ["name", "leader__name", "unit__name"])


def of_studios(queryset, text):
    """Rows of a studio (grants, evaluations, rectifications...: a `studio` foreign key) whose studio matches."""
    text = text.strip()
    return queryset.filter(_of_studios(text)) if text else queryset


def leaders(queryset, text):
    """Leaders with `text` in their name or their unit's name (one column on PostgreSQL, as a studio's)."""
    return _search(queryset, text, ["name", "unit__name"])


def members(queryset, text):
    """Members with `text` in their name, or members of a studio that matches it."""
    return _search(queryset, text, ["name"], related=("studio", studios))


def unions(queryset, text):
    """Unions with `text` in their name."""
    return _search(queryset, text, ["name"])


def applications(queryset, text):
    """Applications with `text` in their leader's name or their unit's name."""
    return _search(queryset, text, ["leader_name", "unit__name"])


def alliances(queryset, text):
    """Alliances with `text` in their name or field, or with a member studio that matches it. Through a
    subquery, so that an alliance with several matching members is listed once. (A few dozen alliances: their
    own names need no index.)"""
    text = text.strip()
    if not text:
        return queryset
    members = AllianceMembership.objects.filter(_of_studios(text)).values("alliance")
    return queryset.filter(Q(name__icontains=text) | Q(field__icontains=text) | Q(pk__in=members))


def recommendations(queryset, text):
    """Recommendations (第十四条) whose studio matches `text`, or with it in the nominee or the result's title."""
    text = text.strip()
    if not text:
        return queryset
    return queryset.filter(_of_studios(text) | Q(nominee__icontains=text) | Q(result__title__icontains=text))


class NameSearchAdmin:
    """For a ModelAdmin whose list (and the autocomplete widgets it serves) searches through `name_search`, one of
    the functions above. Like the admin's own search, each word (or "quoted phrase") typed must match."""

    name_search = None  # staticmethod(one of the functions above)

    def get_search_results(self, request, queryset, search_term):
        for word in smart_split(search_term):
            if word[0] in "\"'" and word[0] == word[-1]:
                word = unescape_string_literal(word)
            queryset = self.name_search(queryset, word)
        return queryset, False


def _of_studios(text):
    return Q(studio__in=studios(Studio.objects.all(), text).values("pk"))


def _search(queryset, text, names, related=None):
    """`queryset` narrowed to rows with `text` in one of their `names` (lookups to text fields), or, with
    `related` = (foreign key, search function), whose related row that function finds."""
    text = text.strip()
    if not text:
        return queryset
    if related:
        field, search = related
        theirs = Q(**{f"{field}__in": search(queryset.model._meta.get_field(field).related_model.objects.all(),
                                               text).values("pk")})
    if connections[queryset.db].vendor == "postgresql":
        if not related:
            return queryset.filter(_indexed(text))
        # Each part through its own index, joined by UNION: no index answers an OR of the two.
        own = queryset.model.objects.filter(_indexed(text)).order_by().values("pk")
        return queryset.filter(pk__in=own.union(queryset.model.objects.filter(theirs).order_by().values("pk")))
    condition = Q()
    for name in names:
        condition |= Q(**{f"{name}__icontains": text})
    return queryset.filter(condition | theirs if related else condition)


def _indexed(text):
    """The condition on the listed table's own search columns that its indexes answer."""
    text = text.lower()
    if SEPARATOR in text:
        return Q(pk__in=[])
    if len(text) < 3:
        return _HasPiece(_OwnColumn("search_grams"), "'" + text.replace("\\", "\\\\").replace("'", "''") + "'")
    return Contains(_OwnColumn("search_text"), text)


class _HasPiece(Lookup):
    """tsvector @@ tsquery, the query given as a quoted lexeme (no parsing, no dictionary: the piece as typed)."""

    lookup_name = "has_piece"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} @@ ({rhs})::tsquery", (*lhs_params, *rhs_params)


class _OwnColumn(Expression):
    """A column of the queryset's own table that the database keeps and the model does not declare. It resolves
    to the table's alias in the query, which Django renames when the query becomes a subquery."""

    def __init__(self, column):
        field = TextField()
        field.set_attributes_from_name(column)
        super().__init__(output_field=field)

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        return Col(query.get_initial_alias(), self.output_field)
