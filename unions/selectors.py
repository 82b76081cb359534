"""Scoped reads of the union tree and accounts."""
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from studios.models import Studio

from .models import RECOMMENDING_KINDS, Union, UnionKind, User
from .scoping import get_scoped_object_or_404, scoped


def count_of(model, fk):
    """An annotation counting `model` rows whose `fk` points at the outer row (a subquery, no join fan-out)."""
    counts = model.objects.filter(**{fk: OuterRef("pk")}).order_by().values(fk).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def union_list(user):
    """Unions the user may see, in tree order, with their studio and account counts."""
    return (
        scoped(user, Union.objects)
        .select_related("recommending_union")
        .annotate(studio_count=count_of(Studio, "unit"), user_count=count_of(User, "union"))
        .order_by("path")
    )


def union_detail(user, pk):
    return get_scoped_object_or_404(user, Union.objects.select_related("recommending_union"), pk=pk)


def union_ancestors(union):
    return list(Union.objects.get_ancestors(union))


def union_children(user, union):
    return union_list(user).filter(path__startswith=union.path, depth=union.depth + 1)


def union_users(user, union):
    return scoped(user, User.objects).filter(union=union, is_active=True).order_by("role", "username")


def recommending_unions(user):
    """County-level and municipal-direct unions the user may see: the choices of a filter, which reads only what an
    option shows (hundreds of unions nationally, each with encrypted telephones that would be decrypted)."""
    return scoped(user, Union.objects).filter(kind__in=RECOMMENDING_KINDS).order_by("path")


def union_counts(user):
    """Recommending and unit unions for the dashboard: grouped by kind, so PostgreSQL counts them from the kind
    index (an index-only scan) rather than reading every union of the tree."""
    by_kind = dict(scoped(user, Union.objects).order_by().values_list("kind").annotate(n=Count("pk")))
    return {"recommending": sum(by_kind.get(kind, 0) for kind in RECOMMENDING_KINDS),
            "units": by_kind.get(UnionKind.UNIT, 0)}


def active_user_count(user):
    return scoped(user, User.objects).filter(is_active=True).count()
