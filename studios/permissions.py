"""Who may do what with a named studio (第七条, 第八条)."""
from django.utils.translation import gettext as _

from unions.models import Role

from .models import ChangeKind, ChangeStatus


def is_unit_staff_of(user, studio):
    """The studio's own unit union (第七条: 由其原申报单位工会逐级上报)."""
    return user.is_active and user.role == Role.UNIT_STAFF and user.union_id == studio.unit_id


def is_recommending_staff_of(user, studio):
    """The union that recommended it and reviews its changes (第七条: 县级总工会或市直基层工会审核)."""
    return (user.is_active and user.role == Role.RECOMMENDING_STAFF and user.union_id is not None
            and user.union_id == studio.unit.recommending_union_id)


def is_municipal_staff(user):
    """The municipal union approves changes and delists (第七条, 第八条); not the system administrator."""
    return user.is_authenticated and user.is_active and user.role == Role.MUNICIPAL_STAFF


def change_actions(user, change):
    """The actions `user` may take on a change request now: (action, label, needs a comment, confirmation)."""
    studio = change.studio
    if change.status == ChangeStatus.SUBMITTED and is_unit_staff_of(user, studio):
        return [("withdraw", _("撤回申请"), False, _("撤回后本申请结束，确定吗？"))]
    if change.status == ChangeStatus.SUBMITTED and is_recommending_staff_of(user, studio):
        return [("agree", _("审核同意，报市总工会"), False, ""), ("disagree", _("不同意"), True, "")]
    if change.status == ChangeStatus.RECOMMENDED and is_municipal_staff(user):
        confirm = (_("批准后立即生效：工作室将被摘牌，确定吗？") if change.kind == ChangeKind.DELIST
                   else _("批准后立即生效，确定吗？"))
        return [("approve", _("批准"), False, confirm), ("reject", _("不予批准"), True, "")]
    return []
