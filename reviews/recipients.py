"""Who is told when an application or a round moves on: the next actors, by role and union."""
from unions.models import Role, User


def unit_staff(application):
    return User.objects.filter(is_active=True, role=Role.UNIT_STAFF, union_id=application.unit_id)


def recommending_staff(application):
    return User.objects.filter(is_active=True, role=Role.RECOMMENDING_STAFF,
                               union_id=application.unit.recommending_union_id)


def municipal_staff():
    return User.objects.filter(is_active=True, role=Role.MUNICIPAL_STAFF)
