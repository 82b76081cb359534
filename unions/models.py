"""The union tree (第五条, 第六条, 第九条) and the accounts that belong to it.

揭阳市总工会 is the root; under it the county-level unions, the municipal-direct
and resident (中央、省驻揭) units' unions, and 市总工会女职工委员会; unit unions sit
under a county-level or municipal-direct union, which is their recommending
union (推荐单位): it reviews and recommends their applications (第六条) and
assesses their studios (第九条, "谁推荐谁考核谁负责").
"""
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from core.personal_fields import EncryptedMobileField, EncryptedPhoneField


class UnionKind(models.TextChoices):
    MUNICIPAL = "municipal", _("市总工会")
    COUNTY = "county", _("县（市、区）总工会")
    DIRECT = "direct", _("市直基层工会")
    UNIT = "unit", _("单位工会")
    COMMITTEE = "committee", _("女职工委员会")


# Kinds that review and recommend the applications of the units below them (第六条).
RECOMMENDING_KINDS = frozenset({UnionKind.COUNTY, UnionKind.DIRECT})

# Which kind of union may stand directly under which: the shape of the tree.
ALLOWED_PARENT_KINDS = {
    UnionKind.MUNICIPAL: frozenset(),  # the root only
    UnionKind.COUNTY: frozenset({UnionKind.MUNICIPAL}),
    UnionKind.DIRECT: frozenset({UnionKind.MUNICIPAL}),
    UnionKind.COMMITTEE: frozenset({UnionKind.MUNICIPAL}),
    UnionKind.UNIT: RECOMMENDING_KINDS,
}


class Union(MP_Node):
    """A node of the union tree, stored as a materialized path (subtree = path prefix)."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    kind = models.CharField(_("类别"), max_length=16, choices=UnionKind.choices, db_index=True)
    # Derived from the tree and kept in step by unions.services whenever a union
    # is created or moved; stored so lists can join it instead of walking paths.
    recommending_union = models.ForeignKey(
        "self",
        verbose_name=_("推荐单位"),
        null=True,
        blank=True,
        # Derived data: a county or direct union points at itself, and union_delete
        # only deletes a union without children, so nothing else can point at it.
        on_delete=models.SET_NULL,
        related_name="recommended_unions",
        editable=False,
    )
    contact_person = models.CharField(_("联系人"), max_length=50, blank=True)
    # Encrypted at rest (core/personal_fields.py); shown in full to the unions above it (sees_union_contact).
    contact_phone = EncryptedPhoneField(_("联系电话"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    node_order_by = []
    # Scoping (unions.scoping): a union is visible when it lies in the user's subtree.
    scope_union_lookup = ""

    class Meta:
        verbose_name = _("工会")
        verbose_name_plural = _("工会")
        ordering = ["path"]

    def __str__(self):
        return self.name

    @property
    def is_recommending(self):
        return self.kind in RECOMMENDING_KINDS

    @property
    def indented_name(self):
        return "　" * (self.depth - 1) + self.name


class Role(models.TextChoices):
    UNIT_STAFF = "unit_staff", _("单位工会工作人员")
    RECOMMENDING_STAFF = "recommending_staff", _("推荐单位工作人员")
    MUNICIPAL_STAFF = "municipal_staff", _("市总工会工作人员")
    EXPERT = "expert", _("评审专家")
    ADMIN = "admin", _("系统管理员")


# Which union a role's account may belong to.
ROLE_UNION_KINDS = {
    Role.UNIT_STAFF: frozenset({UnionKind.UNIT}),
    Role.RECOMMENDING_STAFF: RECOMMENDING_KINDS,
    Role.MUNICIPAL_STAFF: frozenset({UnionKind.MUNICIPAL, UnionKind.COMMITTEE}),
    Role.EXPERT: frozenset(UnionKind),
    Role.ADMIN: frozenset({UnionKind.MUNICIPAL}),
}


class User(AbstractUser):
    """An account: one union, one role (DESIGN.md, "Who uses it")."""

    full_name = models.CharField(_("姓名"), max_length=50)
    union = models.ForeignKey(
        Union,
        verbose_name=_("所属工会"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,  # only a superuser made by `createsuperuser` may lack one
    )
    role = models.CharField(_("角色"), max_length=24, choices=Role.choices, default=Role.UNIT_STAFF)
    phone = EncryptedMobileField(_("手机号"))  # encrypted at rest; the administrator sees it masked
    title = models.CharField(_("职务"), max_length=50, blank=True)

    scope_union_lookup = "union"

    class Meta:
        verbose_name = _("账号")
        verbose_name_plural = _("账号")
        ordering = ["username"]

    def __str__(self):
        return self.full_name or self.username

    @property
    def display_name(self):
        return self.full_name or self.username

    def clean(self):
        super().clean()
        error = role_union_error(self.role, self.union, self.is_superuser)
        if error:
            raise ValidationError({"union": error})


def role_union_error(role, union, is_superuser=False):
    """Why an account of `role` cannot belong to `union`, or None when it can."""
    if union is None:
        return None if is_superuser else _("请选择所属工会：每个账号都属于一个工会。")
    allowed = ROLE_UNION_KINDS.get(role, frozenset())
    if union.kind not in allowed:
        kinds = _("、").join(str(UnionKind(k).label) for k in UnionKind if k in allowed)
        return _("角色“%(role)s”的账号只能属于%(kinds)s，“%(union)s”是%(kind)s。") % {
            "role": Role(role).label,
            "kinds": kinds,
            "union": union.name,
            "kind": union.get_kind_display(),
        }
    return None
