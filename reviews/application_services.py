"""Writes on applications (第五条, 第六条): create and edit drafts, submit, preliminary review, withdraw.

Each action checks the role, the application's state and the round's phase,
runs in one transaction, logs the transition and tells the next actor after commit.
"""
import os

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from core.conflicts import Conflict
from core.history import log_transition
from core.stored_files import atomic_with_files, store
from core.uploads import check_upload
from core.notifications import notify

from .eligibility import blocking_reasons, check_application
from .models import (
    Application, ApplicationAttachment, ApplicationMember, ApplicationResult, ApplicationStatus, RoundPhase,
)
from .permissions import can_apply, is_applicant, is_recommending_union_of, require_round_manager
from unions.recipients import municipal_staff, recommending_staff, unit_staff
from .services import StaleAction

# In which round phases an application in a given state may be edited and submitted:
# a draft only while applications are open; a returned one also during the preliminary review.
EDIT_PHASES = {
    ApplicationStatus.DRAFT: {RoundPhase.APPLICATION},
    ApplicationStatus.RETURNED: {RoundPhase.APPLICATION, RoundPhase.PRELIMINARY, RoundPhase.AUDIT},
}
# The recommending union reviews in its phase, and again during the audit an application
# the municipal union returned and the unit resubmitted.
PRELIMINARY_PHASES = {RoundPhase.PRELIMINARY, RoundPhase.AUDIT}


def _phase_error(naming_round, action, subject):
    return Conflict(_("当前处于“%(phase)s”阶段，不能%(action)s。") % {
        "phase": naming_round.get_phase_display(), "action": action}, subject)


def _lock(application):
    """The application, row-locked. Each action checks who acts first (403), then the state (409), then the data."""
    return Application.objects.select_for_update(of=("self",)).select_related("naming_round", "unit").get(
        pk=application.pk)


def _seen(locked, from_status):
    """`from_status` is the state the actor saw: anything else means someone acted meanwhile, or a double submit."""
    if locked.status != from_status:
        raise StaleAction(_("该申报已变为“%(status)s”，可能已由他人处理，请刷新页面后再操作。")
                          % {"status": locked.get_status_display()}, locked)


def _allowed(application, transition_name):
    """A transition the state does not allow is a clear refusal (409), not a server error."""
    if not can_proceed(getattr(application, transition_name)):
        raise Conflict(_("申报处于“%(status)s”状态，不能进行这项操作。")
                       % {"status": application.get_status_display()}, application)


def _url(application):
    return reverse("reviews:application_detail", args=[application.pk])


@transaction.atomic
def application_create(actor, naming_round):
    """A new draft for the actor's unit union in a round that is open for applications."""
    if not can_apply(actor):
        raise PermissionDenied(_("只有单位工会工作人员可以申报（第六条：由所在单位工会提出申请）。"))
    if naming_round.phase != RoundPhase.APPLICATION:
        raise _phase_error(naming_round, _("新建申报"), naming_round)
    application = Application.objects.create(naming_round=naming_round, unit=actor.union, created_by=actor)
    log_transition(application, union=application.unit, transition="create", label=_("新建申报"),
                   source="", target=application.status, actor=actor)
    return application


def _require_applicant(actor, application):
    if not is_applicant(actor, application):
        raise PermissionDenied(_("只有申报单位工会的工作人员可以修改申报。"))


def check_can_edit(actor, application):
    """The unit's own staff (403 otherwise), while the state and the round's phase allow it (409 otherwise)."""
    _require_applicant(actor, application)
    if application.status not in EDIT_PHASES:
        raise Conflict(_("申报处于“%(status)s”状态，不能修改。") % {"status": application.get_status_display()},
                       application)
    if application.naming_round.phase not in EDIT_PHASES[application.status]:
        raise _phase_error(application.naming_round, _("修改申报"), application)


@transaction.atomic
def application_save(actor, application, fields, members, results):
    """Saves the draft: its fields and, replacing the old ones, its team members and innovation results."""
    locked = _lock(application)
    check_can_edit(actor, locked)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.full_clean(exclude=["status", "naming_round", "unit", "created_by"])
    locked.save()
    ApplicationMember.objects.filter(application=locked).delete()
    ApplicationMember.objects.bulk_create(ApplicationMember(application=locked, **m) for m in members)
    ApplicationResult.objects.filter(application=locked).delete()
    ApplicationResult.objects.bulk_create(ApplicationResult(application=locked, **r) for r in results)
    return locked


def eligibility(application):
    return check_application(application, list(application.members.all()), list(application.results.all()))


@transaction.atomic
def application_submit(actor, application, *, from_status, comment=""):
    """第六条: the unit union submits; refused, with every reason listed, while a condition of 第五条 fails."""
    locked = _lock(application)
    _require_applicant(actor, locked)
    _seen(locked, from_status)
    check_can_edit(actor, locked)
    reasons = blocking_reasons(eligibility(locked))
    if reasons:
        raise ValidationError([_("还有不符合申报条件的项目，不能提交：")] + reasons)
    source = locked.status
    locked.submit()
    locked.submitted_at = timezone.now()
    locked.save()
    label = _("重新提交申报") if source == ApplicationStatus.RETURNED else _("提交申报")
    log_transition(locked, union=locked.unit, transition="submit", label=label, source=source,
                   target=locked.status, actor=actor, comment=comment)
    notify(recommending_staff(locked), _("%(unit)s提交了申报，请初审") % {"unit": locked.unit.name},
           _("%(studio)s，请在初审推荐截止日 %(date)s 前完成初审（第六条）。") % {
               "studio": locked.studio_name, "date": f"{locked.naming_round.preliminary_deadline:%Y-%m-%d}"},
           _url(locked))
    return locked


def _preliminary(actor, application, from_status, transition_name, label, comment, require_comment):
    locked = _lock(application)
    if not is_recommending_union_of(actor, locked):
        raise PermissionDenied(_("只有该单位所属的县级总工会或市直基层工会可以初审（第六条）。"))
    _seen(locked, from_status)
    if locked.naming_round.phase not in PRELIMINARY_PHASES:
        raise _phase_error(locked.naming_round, label, locked)
    if locked.status != ApplicationStatus.SUBMITTED:
        # once recommended, the application is the municipal union's to audit (第六条)
        raise Conflict(_("只有已提交、待初审的申报可以初审，该申报为“%(status)s”。") % {
            "status": locked.get_status_display()}, locked)
    if require_comment and not comment.strip():
        raise ValidationError({"comment": _("请填写意见，单位工会将据此修改或了解原因。")})
    source = locked.status
    getattr(locked, transition_name)()
    locked.save()
    log_transition(locked, union=locked.unit, transition=transition_name, label=label, source=source,
                   target=locked.status, actor=actor, comment=comment)
    return locked


@transaction.atomic
def application_recommend(actor, application, *, from_status, comment=""):
    locked = _preliminary(actor, application, from_status, "recommend", _("初审推荐"), comment, False)
    notify(municipal_staff(), _("%(union)s推荐了申报，请审核") % {"union": locked.unit.recommending_union.name},
           locked.studio_name, _url(locked))
    notify(unit_staff(locked), _("申报已获初审推荐"), locked.studio_name, _url(locked))
    return locked


@transaction.atomic
def application_return(actor, application, *, from_status, comment=""):
    locked = _preliminary(actor, application, from_status, "return_for_revision", _("初审退回修改"), comment, True)
    notify(unit_staff(locked), _("申报被退回修改"), comment, _url(locked))
    return locked


@transaction.atomic
def application_reject(actor, application, *, from_status, comment=""):
    locked = _preliminary(actor, application, from_status, "reject", _("初审不予推荐"), comment, True)
    notify(unit_staff(locked), _("申报未获初审推荐"), comment, _url(locked))
    return locked


@transaction.atomic
def application_withdraw(actor, application, *, from_status, comment=""):
    """The unit withdraws before the collective decision, giving its reason."""
    locked = _lock(application)
    if not is_applicant(actor, locked):
        raise PermissionDenied(_("只有申报单位工会的工作人员可以撤回申报。"))
    _seen(locked, from_status)
    _allowed(locked, "withdraw")  # up to the collective decision (DESIGN.md)
    if not comment.strip():
        raise ValidationError({"comment": _("请填写撤回原因。")})
    source = locked.status
    locked.withdraw()
    locked.save()
    log_transition(locked, union=locked.unit, transition="withdraw", label=_("撤回申报"), source=source,
                   target=locked.status, actor=actor, comment=comment)
    if source != ApplicationStatus.DRAFT:
        notify(recommending_staff(locked), _("%(unit)s撤回了申报") % {"unit": locked.unit.name}, comment,
               _url(locked))
    return locked


def _audit(actor, application, from_status, transition_name, label, comment, require_comment):
    require_round_manager(actor, _("审核申报"))
    locked = _lock(application)
    _seen(locked, from_status)
    if locked.naming_round.phase != RoundPhase.AUDIT:
        raise _phase_error(locked.naming_round, label, locked)
    if locked.status != ApplicationStatus.RECOMMENDED:
        raise Conflict(_("只有已推荐的申报可以审核，该申报为“%(status)s”。") % {"status": locked.get_status_display()},
                       locked)
    if require_comment and not comment.strip():
        raise ValidationError({"comment": _("请填写意见，单位工会将据此修改或了解原因。")})
    source = locked.status
    getattr(locked, transition_name)()
    locked.save()
    log_transition(locked, union=locked.unit, transition=f"audit_{transition_name}", label=label, source=source,
                   target=locked.status, actor=actor, comment=comment)
    return locked


@transaction.atomic
def application_accept(actor, application, *, from_status, comment=""):
    """第六条: 市总工会组织审核 — passed, on to the expert review."""
    locked = _audit(actor, application, from_status, "accept", _("审核通过"), comment, False)
    notify(unit_staff(locked), _("申报已通过市总工会审核"), locked.studio_name, _url(locked))
    return locked


@transaction.atomic
def application_audit_return(actor, application, *, from_status, comment=""):
    locked = _audit(actor, application, from_status, "return_for_revision", _("审核退回修改"), comment, True)
    notify([*unit_staff(locked), *recommending_staff(locked)], _("申报被市总工会退回修改"), comment, _url(locked))
    return locked


@transaction.atomic
def application_audit_reject(actor, application, *, from_status, comment=""):
    locked = _audit(actor, application, from_status, "reject", _("审核不予通过"), comment, True)
    notify([*unit_staff(locked), *recommending_staff(locked)], _("申报未通过市总工会审核"), comment, _url(locked))
    return locked


@atomic_with_files()
def attachment_add(actor, application, kind, upload):
    """Stores an upload checked by its content (core.uploads); only while the application may be edited.
    The file goes again if the action fails (core.stored_files)."""
    locked = _lock(application)
    check_can_edit(actor, locked)
    _extension, content_type = check_upload(upload)
    original = os.path.basename(upload.name)[:200]
    attachment = ApplicationAttachment(application=locked, kind=kind, original_name=original, size=upload.size,
                                       content_type=content_type, uploaded_by=actor)
    attachment.full_clean(exclude=["file"])
    store(attachment.file, original, upload)
    attachment.save()
    return attachment


@transaction.atomic
def attachment_delete(actor, attachment):
    application = _lock(attachment.application)
    check_can_edit(actor, application)
    stored = attachment.file.name
    attachment.delete()
    storage = ApplicationAttachment._meta.get_field("file").storage
    transaction.on_commit(lambda: storage.delete(stored))
