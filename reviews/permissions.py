"""Who may do what in the naming workflow: named predicates used by services, views and templates."""
from django.utils.translation import gettext as _

from unions.models import Role
from unions.permissions import is_municipal_staff, is_recommending_staff_of, is_unit_staff_of, require_municipal_staff


def can_manage_rounds(user):
    """第六条: the municipal union (市总工会) runs the round. The system administrator does not."""
    return is_municipal_staff(user)


def is_applicant(user, application):
    """The unit union's own staff (第六条: 由所在单位工会提出申请)."""
    return is_unit_staff_of(user, application)


def is_recommending_union_of(user, application):
    """Staff of the union that reviews and recommends this unit's applications (第六条: 初审后推荐)."""
    return is_recommending_staff_of(user, application)


def can_apply(user):
    return user.is_authenticated and user.is_active and user.role == Role.UNIT_STAFF and user.union_id is not None


def require_round_manager(user, action):
    """Refuses, naming the action, anyone but municipal staff (第六条: 市总工会组织审核、专家评审、集体研究……)."""
    require_municipal_staff(user, _("只有市总工会工作人员可以%(action)s（第六条）。") % {"action": action})
