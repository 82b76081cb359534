"""Which objects a user may see and act on: the one place that answers it (DESIGN.md, scoping rule).

Every model that holds union data names, in `scope_union_lookup`, the path from
itself to the union that owns it ("" for a Union itself, "union" for a User,
"unit" for a Studio, "studio__unit" for a Member; None for data no union owns,
such as the rule set). A user then sees:

- municipal staff and system administrators: everything;
- recommending-union and unit-union staff: objects owned by a union in their
  own subtree (a county union sees its units; a unit union sees itself);
- experts: nothing through the tree (their assignments are object permissions).

Views fetch single objects with `get_scoped_object_or_404`, so an object of
another union answers 404 and does not reveal that it exists.
"""
from django.db.models import Q
from django.shortcuts import get_object_or_404

from .models import Role

WHOLE_TREE_ROLES = frozenset({Role.MUNICIPAL_STAFF, Role.ADMIN})
SUBTREE_ROLES = frozenset({Role.UNIT_STAFF, Role.RECOMMENDING_STAFF})


def sees_whole_tree(user):
    return user.is_authenticated and user.is_active and (user.is_superuser or user.role in WHOLE_TREE_ROLES)


def union_scope_q(user, lookup):
    """A Q() limiting rows to the user's part of the union tree; `lookup` leads to the owning union."""
    if sees_whole_tree(user):
        return Q()
    if not (user.is_authenticated and user.is_active) or user.role not in SUBTREE_ROLES or user.union_id is None:
        return Q(pk__in=[])
    prefix = f"{lookup}__" if lookup else ""
    return Q(**{f"{prefix}path__startswith": user.union.path})


def scoped(user, queryset):
    """`queryset` narrowed to what `user` may see; the model declares `scope_union_lookup`.

    A lookup of None marks data no union owns (the rule set): every signed-in user may read it.
    """
    lookup = queryset.model.scope_union_lookup
    if lookup is None:
        return queryset if user.is_authenticated and user.is_active else queryset.none()
    return queryset.filter(union_scope_q(user, lookup))


def get_scoped_object_or_404(user, queryset, **lookup):
    return get_object_or_404(scoped(user, queryset), **lookup)
