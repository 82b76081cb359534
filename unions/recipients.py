"""Who is told when something moves on: the next actors, by role and union.

`owner` is anything that belongs to a unit union (an application, a studio): it has `unit`.
"""
from unions.models import Role, User


def unit_staff(owner):
    return User.objects.filter(is_active=True, role=Role.UNIT_STAFF, union_id=owner.unit_id)


def recommending_staff(owner):
    return User.objects.filter(is_active=True, role=Role.RECOMMENDING_STAFF,
                               union_id=owner.unit.recommending_union_id)


def municipal_staff():
    return User.objects.filter(is_active=True, role=Role.MUNICIPAL_STAFF)
