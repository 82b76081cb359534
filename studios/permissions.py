"""What each role may do with a studio's change request (第七条); who someone is comes from unions.permissions."""
from django.utils.translation import gettext as _

from unions.permissions import is_municipal_staff, is_recommending_staff_of, is_unit_staff_of

from .models import ChangeKind, ChangeStatus


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
