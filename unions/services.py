"""Writes to the union tree: create, move, rename, delete.

Every change goes through here so that the tree keeps its shape
(ALLOWED_PARENT_KINDS) and each union's recommending union stays right.
"""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import ALLOWED_PARENT_KINDS, RECOMMENDING_KINDS, Union, UnionKind


def _parent_error(kind, parent):
    allowed = ALLOWED_PARENT_KINDS[kind]
    if not allowed:
        if parent is not None:
            return _("市总工会是组织树的根，不能设上级工会。")
        if Union.objects.filter(depth=1).exists():
            return _("组织树已有根节点（市总工会），不能再建第二个。")
        return None
    if parent is None or parent.kind not in allowed:
        kinds = _("、").join(str(UnionKind(k).label) for k in UnionKind if k in allowed)
        return _("%(kind)s的上级工会必须是%(kinds)s。") % {"kind": UnionKind(kind).label, "kinds": kinds}
    return None


def _recommending_for(union, parent):
    """第六条: a unit is recommended by its nearest county-level or municipal-direct union.

    A recommending union records itself, so a child simply inherits its parent's value.
    """
    if union.kind in RECOMMENDING_KINDS:
        return union
    return parent.recommending_union if parent is not None else None


@transaction.atomic
def union_create(*, parent, name, kind, **fields):
    """Adds a union under `parent` (None for the root) and sets its recommending union."""
    error = _parent_error(kind, parent)
    if error:
        raise ValidationError({"parent": error})
    union = Union(name=name, kind=kind, **fields)
    union.full_clean(exclude=["path", "depth", "numchild"])
    if parent is None:
        union = Union.objects.add_root(instance=union)
    else:
        union = Union.objects.add_child(parent, instance=union)
    recommending = _recommending_for(union, parent)
    if recommending is not None:
        Union.objects.filter(pk=union.pk).update(recommending_union=recommending)
        union.recommending_union = recommending
    return union


@transaction.atomic
def union_move(union, new_parent):
    """Moves `union` and its subtree under `new_parent`; the subtree's recommending unions follow."""
    union = Union.objects.select_for_update().get(pk=union.pk)
    new_parent = Union.objects.get(pk=new_parent.pk)
    if new_parent.path.startswith(union.path):
        raise ValidationError({"parent": _("不能把工会移动到它自己或它的下级工会之下。")})
    error = _parent_error(union.kind, new_parent)
    if error:
        raise ValidationError({"parent": error})
    if Union.objects.get_parent(union) != new_parent:
        Union.objects.move(union, new_parent, "last-child")
    _refresh_recommending(Union.objects.get(pk=union.pk))
    return Union.objects.get(pk=union.pk)


def _refresh_recommending(top):
    by_path = {top.path: _recommending_for(top, Union.objects.get_parent(top, update=True))}
    Union.objects.filter(pk=top.pk).update(recommending_union=by_path[top.path])
    for node in Union.objects.get_descendants(top).order_by("path"):  # parents come before their children
        parent_value = by_path[node.path[: -Union.steplen]]
        by_path[node.path] = node if node.kind in RECOMMENDING_KINDS else parent_value
        Union.objects.filter(pk=node.pk).update(recommending_union=by_path[node.path])


@transaction.atomic
def union_update(union, **fields):
    """Renames or edits the contact details of a union (not its place in the tree)."""
    for name, value in fields.items():
        setattr(union, name, value)
    union.full_clean(exclude=["path", "depth", "numchild"])
    union.save(update_fields=[*fields, "updated_at"])
    return union


def deletion_blockers(union):
    """Why `union` cannot be deleted, in words for the user; empty when it can."""
    reasons = []
    if union.numchild:
        reasons.append(_("“%(name)s”下还有 %(n)d 个下级工会，请先移走或删除它们。") % {"name": union.name, "n": union.numchild})
    users = union.users.count()
    if users:
        reasons.append(_("“%(name)s”还有 %(n)d 个账号，请先把账号转到其他工会或停用后删除。") % {"name": union.name, "n": users})
    studios = union.studios.count()
    if studios:
        reasons.append(_("“%(name)s”还有 %(n)d 个创新工作室，工作室的历史必须保留，不能删除其所在工会。") % {"name": union.name, "n": studios})
    return reasons


@transaction.atomic
def union_delete(union):
    """Deletes an empty union; refuses, changing nothing, while anything depends on it."""
    union = Union.objects.select_for_update().get(pk=union.pk)
    reasons = deletion_blockers(union)
    if reasons:
        raise ValidationError(reasons)
    union.delete()
