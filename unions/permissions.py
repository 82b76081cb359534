"""Who someone is in relation to a thing owned by a unit union (an application, a studio: it has `unit`).

The workflows name these for their articles (reviews.permissions, for instance); the checks live here once.
"""
from django.core.exceptions import PermissionDenied

from core.personal_data import mask_id_number, mask_mobile, mask_phone

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


# Personal data (个人信息保护法 第六条: 最小必要): who reads a 身份证号 or mobile number in full. Everyone else —
# the recommending union, experts, the system administrator, auditors — sees it masked (core/personal_data.py);
# the public registry shows none of it. README "Personal data" gives the reasons.

def sees_personal_data(user, owner):
    """The full 身份证号 and mobile of the leader and members of `owner` (a studio, an application, a leader: it
    has `unit_id`): the unit union that entered them and keeps them current (第六条, 第七条), and municipal staff,
    who check the leader's standing (第五条(一)) before naming and contact the leader and the team."""
    return is_municipal_staff(user) or is_unit_staff_of(user, owner)


def sees_union_contact(user, union):
    """A union's contact telephone in full: the staff of the union itself and of the unions above it, who pass
    applications, changes and assessments up and down through it (第六条, 第七条, 第九条)."""
    if is_municipal_staff(user):
        return True
    return (user.is_authenticated and user.is_active and user.role in (Role.UNIT_STAFF, Role.RECOMMENDING_STAFF)
            and user.union_id is not None and union.path.startswith(user.union.path))


def shown_id_number(user, owner, value):
    """`value` as `user` may read it: in full, or `4452**********1234`."""
    return value if sees_personal_data(user, owner) else mask_id_number(value)


def shown_mobile(user, owner, value):
    return value if sees_personal_data(user, owner) else mask_mobile(value)


def shown_union_phone(user, union, value):
    return value if sees_union_contact(user, union) else mask_phone(value)
