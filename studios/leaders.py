"""Leaders as people: one row per person, found by the blind index of the 身份证号 (core/personal_fields.py),
so a leader named again, or taking over another studio, keeps one record; and the correction of a leader's
identity number or mobile by those who keep it (unions.permissions.sees_personal_data)."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.conflicts import Conflict
from core.history import log_transition
from core.personal_data import mask_id_number, mask_mobile
from core.personal_fields import index_of
from unions.permissions import sees_personal_data

from .models import TITLED_STATES, Leader, Studio


def leader_record(*, unit, name, gender, job_title, honour, honour_year, id_number, mobile):
    """The Leader of this person, brought up to date with what the application or change request says, or a new
    one when the identity number is not known yet (or not given, as for studios imported without it). Runs
    inside the caller's transaction; the row is locked so two namings cannot make the person twice."""
    leader = None
    if id_number:
        leader = Leader.objects.select_for_update().filter(
            id_number_index=index_of(Leader, "id_number_index", id_number)).first()
    if leader is None:
        leader = Leader(id_number=id_number or "")
    leader.name, leader.gender, leader.unit, leader.job_title = name, gender or "", unit, job_title or ""
    leader.honour, leader.honour_year = honour, honour_year
    if mobile:
        leader.mobile = mobile
    leader.save()
    return leader


def require_titled(studio):
    """The records of a cancelled or delisted studio are closed (第八条): a state refusal, not bad data."""
    if studio.status not in TITLED_STATES:
        raise Conflict(_("“%(s)s”%(state)s，记录不再更新。") % {"s": studio, "state": studio.get_status_display()},
                       studio)


@transaction.atomic
def leader_identity_update(actor, studio, *, id_number, mobile):
    """Corrects the leader's 身份证号 and mobile (e.g. of a studio imported or named before they were kept).
    The studio's unit union or municipal staff; logged on the studio with the numbers masked for everyone."""
    studio = Studio.objects.select_for_update(of=("self",)).select_related("unit", "leader").get(pk=studio.pk)
    if not sees_personal_data(actor, studio):
        raise PermissionDenied(_("只有工作室所在单位工会或市总工会工作人员可以更正领衔人的身份证号和手机号。"))
    require_titled(studio)
    leader = Leader.objects.select_for_update().get(pk=studio.leader_id)
    errors = {}
    if not id_number:
        errors["id_number"] = _("请填写领衔人身份证号。")
    elif Leader.objects.filter(id_number_index=index_of(Leader, "id_number_index", id_number)).exclude(
            pk=leader.pk).exists():
        # Not naming the other studio: a number typed here must not tell where else a person leads.
        errors["id_number"] = _("该身份证号已登记在另一位领衔人名下，请核对；确为同一人时请联系市总工会。")
    if not mobile:
        errors["mobile"] = _("请填写领衔人手机号。")
    if errors:
        raise ValidationError(errors)
    changes = []
    if id_number != leader.id_number:
        changes.append(_("身份证号 %(old)s → %(new)s") % {"old": mask_id_number(leader.id_number) or "—",
                                                        "new": mask_id_number(id_number)})
        leader.id_number = id_number
    if mobile != leader.mobile:
        changes.append(_("手机号 %(old)s → %(new)s") % {"old": mask_mobile(leader.mobile) or "—",
                                                      "new": mask_mobile(mobile)})
        leader.mobile = mobile
    if not changes:
        return leader
    leader.full_clean(exclude=["unit"])
    leader.save()
    log_transition(studio, union=studio.unit, transition="leader_identity", label=_("更正领衔人身份证号和手机号"),
                   source=studio.status, target=studio.status, actor=actor, comment="；".join(changes))
    return leader
