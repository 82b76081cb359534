"""Who someone is in relation to a thing owned by a unit union (an application, a studio: it has `unit`).

The workflows name these for their articles (reviews.permissions, for instance); the checks live here once.
"""
from django.core.exceptions import PermissionDenied

from .models import Role


def is_unit_staff_of(user, owner):
    """Staff of the owner's own unit union (第六条, 第七条: 由所在（原申报）单位工会提出)."""
    return user.is_authenticated and user.is_active and user.role == Role.UNIT_STAFF and user.union_id == owner.unit_id


def is_recommending_staff_of(user, owner):
    """Staff of the union that recommends the owner's unit (第六条: 初审推荐; 第七条, 第九条: 审核, 考核)."""
    return (user.is_authenticated and user.is_active and user.role == Role.RECOMMENDING_STAFF
            and user.union_id is not None and user.union_id == owner.unit.recommending_union_id)


def is_municipal_staff(user):
    """The municipal union's staff; not the system administrator, who keeps the system but takes no decision."""
    return user.is_authenticated and user.is_active and user.role == Role.MUNICIPAL_STAFF


def require_municipal_staff(user, refusal):
    """Refuses anyone but municipal staff, with `refusal`: the action and the article that gives it to them."""
    if not is_municipal_staff(user):
        raise PermissionDenied(refusal)
