"""第十一条: 考核结果为不合格的创新工作室，限期整改，整改不力者予以摘牌.

The unit union reports what it has put right before the deadline; the municipal union re-checks it. A failed
re-check, or a deadline passed without a report (found by the nightly job), proposes delisting under
第八条(四); municipal staff then confirm it with a decision number, or give a new deadline with a reason.
"""
import datetime
import os

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.conflicts import Conflict
from core.history import log_transition
from core.notifications import notify
from core.stored_files import atomic_with_files, store
from core.uploads import check_upload
from reviews.errors import StaleAction
from studios.lifecycle_services import studio_delist
from studios.models import TITLED_STATES, DelistReason, StudioStatus
from unions.permissions import is_unit_staff_of, require_municipal_staff
from unions.recipients import municipal_staff, recommending_staff, unit_staff

from .models import Rectification, RectificationStatus


def rectification_url(rectification):
    return reverse("assessments:rectification_detail", args=[rectification.pk])


def _lock(rectification, from_status):
    locked = Rectification.objects.select_for_update(of=("self",)).select_related(
        "studio", "studio__unit", "studio__unit__recommending_union", "evaluation__cycle").get(pk=rectification.pk)
    allowed = from_status if isinstance(from_status, (set, frozenset, tuple)) else {from_status}
    if locked.status not in allowed:
        raise StaleAction(_("该整改已变为“%(s)s”，可能已由他人处理，请刷新页面。") % {"s": locked.get_status_display()},
                          locked)
    if locked.studio.status not in TITLED_STATES:
        raise Conflict(_("“%(s)s”%(state)s，整改不再进行。") % {
            "s": locked.studio, "state": locked.studio.get_status_display()}, locked)
    return locked


def _log(rectification, actor, transition, label, source, comment=""):
    studio = rectification.studio
    log_transition(studio, union=studio.unit, transition=transition, label=label,
                   source=source, target=rectification.status,
                   actor=actor, comment=comment)


def _require_municipal(actor, action):
    require_municipal_staff(actor, _("只有市总工会工作人员可以%(a)s（第十一条）。") % {"a": action})


@atomic_with_files()
def rectification_report(actor, rectification, *, report, evidence=None):
    """The unit union's report of what it has put right, with optional evidence (content-checked)."""
    if not is_unit_staff_of(actor, rectification.studio):  # who acts first (403), then the state (409)
        raise PermissionDenied(_("只有工作室所在单位工会可以报告整改情况。"))
    locked = _lock(rectification, RectificationStatus.OPEN)
    if not (report or "").strip():
        raise ValidationError({"report": _("请填写整改情况报告（针对每个问题说明整改措施和效果）。")})
    if evidence is not None:
        check_upload(evidence)
        locked.report_file_name = os.path.basename(evidence.name)[:200]
        store(locked.report_file, locked.report_file_name, evidence)
    source = locked.status
    locked.report, locked.reported_at = report.strip(), timezone.now()
    locked.submit_report()
    locked.save()
    _log(locked, actor, "rectification_report", _("报告整改情况"), source, locked.report)
    notify([*municipal_staff(), *recommending_staff(locked.studio)], _("%(s)s报告了整改情况，请复查") % {
        "s": locked.studio}, _("第十一条：整改期限 %(d)s。") % {"d": f"{locked.deadline:%Y-%m-%d}"},
        rectification_url(locked))
    return locked


@transaction.atomic
def rectification_recheck(actor, rectification, *, passed, comment):
    """复查: passed restores the studio to normal operation; failed proposes delisting (第八条(四))."""
    _require_municipal(actor, _("复查整改情况"))
    locked = _lock(rectification, RectificationStatus.REPORTED)
    if not (comment or "").strip():
        raise ValidationError({"recheck_comment": _("请填写复查意见。")})
    source = locked.status
    locked.recheck_comment, locked.rechecked_by, locked.rechecked_at = comment.strip(), actor, timezone.now()
    if passed:
        locked.pass_recheck()
        studio = locked.studio
        studio.finish_rectification()
        studio.save()
        title, label = _("整改复查合格"), _("整改复查合格，恢复正常运行")
    else:
        locked.fail_recheck()
        title, label = _("整改复查不合格，拟摘牌"), _("整改复查不合格，拟按第八条(四)摘牌")
    locked.save()
    _log(locked, actor, "rectification_recheck", label, source, locked.recheck_comment)
    recipients = [*unit_staff(locked.studio), *recommending_staff(locked.studio)]
    if not passed:
        recipients += municipal_staff()
    notify(recipients, f"{locked.studio}：{title}", locked.recheck_comment, rectification_url(locked))
    return locked


def mark_overdue(today=None):
    """The nightly job: rectifications whose deadline has passed without a report propose delisting.
    Returns how many; each is its own transaction, so one failure does not hold back the others."""
    today = today or timezone.localdate()
    count = 0
    for pk in Rectification.objects.filter(status=RectificationStatus.OPEN, deadline__lt=today,
                                           studio__status=StudioStatus.RECTIFYING).values_list("pk", flat=True):
        with transaction.atomic():
            try:
                locked = _lock(Rectification(pk=pk), RectificationStatus.OPEN)
            except StaleAction:
                continue  # reported meanwhile
            source = locked.status
            locked.mark_overdue()
            locked.save()
            _log(locked, None, "rectification_overdue", _("整改期满未报告整改情况，拟按第八条(四)摘牌"), source,
                 _("整改期限 %(d)s。") % {"d": f"{locked.deadline:%Y-%m-%d}"})
            notify([*municipal_staff(), *unit_staff(locked.studio), *recommending_staff(locked.studio)],
                   _("%(s)s逾期未整改，拟摘牌") % {"s": locked.studio},
                   _("第十一条：整改期限 %(d)s 已过，未报告整改情况。请市总工会确认摘牌或给予新的整改期限。") % {
                       "d": f"{locked.deadline:%Y-%m-%d}"}, rectification_url(locked))
            count += 1
    return count


@transaction.atomic
def remind_due(today=None, days_before=3):
    """Units whose rectification is due in `days_before` days and not yet reported; returns how many were told.
    Each unit's staff once per deadline however often the job runs, and all or none, so a retry never doubles."""
    today = today or timezone.localdate()
    due = today + datetime.timedelta(days=days_before)
    told = 0
    for rectification in Rectification.objects.filter(status=RectificationStatus.OPEN, deadline=due).select_related(
            "studio"):
        told += notify(unit_staff(rectification.studio), _("请在 %(d)s 前报告整改情况") % {"d": f"{due:%Y-%m-%d}"},
                       _("%(s)s：第十一条，逾期未整改的拟予摘牌。") % {"s": rectification.studio},
                       rectification_url(rectification),
                       key=f"rectification-reminder:{rectification.pk}:{due:%Y-%m-%d}")  # once per deadline
    return told


@transaction.atomic
def rectification_extend(actor, rectification, *, deadline, comment):
    """不予摘牌: a new deadline, with the reason on the record."""
    _require_municipal(actor, _("调整整改期限"))
    locked = _lock(rectification, {RectificationStatus.FAILED, RectificationStatus.OVERDUE})
    errors = {}
    if deadline is None or deadline <= timezone.localdate():
        errors["deadline"] = _("新的整改期限必须晚于今天。")
    if not (comment or "").strip():
        errors["comment"] = _("请写明不予摘牌、给予新整改期限的理由。")
    if errors:
        raise ValidationError(errors)
    source = locked.status
    old = locked.deadline
    locked.deadline = deadline
    if source == RectificationStatus.FAILED:
        # A new round of rectification: the next report is re-checked afresh.
        locked.report, locked.reported_at = "", None
    locked.extend()
    locked.save()
    _log(locked, actor, "rectification_extend", _("给予新的整改期限"), source, _(
        "整改期限由 %(old)s 调整为 %(new)s。%(why)s") % {"old": f"{old:%Y-%m-%d}", "new": f"{deadline:%Y-%m-%d}",
                                                   "why": comment.strip()})
    notify([*unit_staff(locked.studio), *recommending_staff(locked.studio)], _("整改期限已调整"),
           _("%(s)s：请于 %(d)s 前报告整改情况。%(why)s") % {"s": locked.studio, "d": f"{deadline:%Y-%m-%d}",
                                                    "why": comment.strip()}, rectification_url(locked))
    return locked


@atomic_with_files()
def rectification_confirm_delisting(actor, rectification, *, decision_number, decided_on, facts, evidence=None):
    """第八条(四): 经整改仍不能运转的，予以摘牌 — the proposal confirmed by the municipal union."""
    _require_municipal(actor, _("确认摘牌"))
    locked = _lock(rectification, {RectificationStatus.FAILED, RectificationStatus.OVERDUE})
    source = locked.status
    delisting = studio_delist(actor, locked.studio, reason=DelistReason.FAILED, facts=facts,
                              decision_number=decision_number, decided_on=decided_on, evidence=evidence)
    locked.studio.refresh_from_db()
    locked.confirm_delisting()
    locked.save()
    _log(locked, actor, "rectification_delisted", _("整改不力，确认摘牌"), source, delisting.decision_number)
    return delisting
