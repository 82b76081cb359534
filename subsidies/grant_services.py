"""A grant's life: planned → approved → transferred → closed (or cancelled before it is paid).

第十三条 fixes the amount (2-3 万元 per newly named municipal studio, the rule set's range); 第十二条 the payment
into the unit union's account, which one municipal officer prepares and another approves. Each step checks who
acts, locks the rows, refuses a stale or repeated action (`from_status`), logs on the studio's history and tells
the next actor after commit.
"""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from core.conflicts import Conflict
from core.history import log_transition
from core.notifications import notify
from core.numbers import check_document_number
from reviews.errors import StaleAction
from rules.models import RuleSet
from studios.models import TITLED_STATES, Studio
from unions.permissions import require_municipal_staff
from unions.recipients import municipal_staff, recommending_staff, unit_staff

from .models import BankAccount, EntryKind, GrantStatus, LedgerEntry, SubsidyGrant, Transfer, TransferStatus
from .money import check_amount, yuan
from .selectors import grant_totals


def grant_url(grant):
    return reverse("subsidies:detail", args=[grant.pk])


def _require_municipal(actor, action):
    require_municipal_staff(actor, _("只有市总工会工作人员可以%(a)s（第十二条、第十三条）。") % {"a": action})


def _check_titled(studio):
    """第八条: a cancelled or delisted studio no longer holds the title, so it gets no new money."""
    if studio.status not in TITLED_STATES:
        raise Conflict(_("“%(s)s”%(state)s，不能再给予或拨付补助资金（第八条）。") % {
            "s": studio, "state": studio.get_status_display()}, studio)


def _lock(grant, from_status):
    locked = SubsidyGrant.objects.select_for_update(of=("self",)).select_related(
        "studio", "studio__unit", "rule_set").get(pk=grant.pk)
    if locked.status != from_status:
        raise StaleAction(_("该补助资金已变为“%(s)s”，可能已由他人处理，请刷新页面后再操作。") % {
            "s": locked.get_status_display()}, locked)
    return locked


def _allowed(locked, transition, label):
    """A step the grant's (or transfer's) state does not allow is refused (409), not a server error."""
    if not can_proceed(getattr(locked, transition)):
        raise Conflict(_("当前为“%(s)s”，不能%(a)s。") % {"s": locked.get_status_display(), "a": label},
                       getattr(locked, "grant", locked))


def _log(grant, actor, transition, label, source, comment=""):
    studio = grant.studio
    log_transition(studio, union=studio.unit, transition=transition, label=label, source=source,
                   target=grant.status, actor=actor, comment=comment)


def _other_municipal_staff(actor):
    return municipal_staff().exclude(pk=actor.pk)


def check_grant_amount(amount, rule_set):
    """第十三条: 每家 2-3 万元 — the amount must lie in the rule set's range."""
    amount = check_amount(amount)
    if not rule_set.subsidy_min <= amount <= rule_set.subsidy_max:
        raise ValidationError({"amount": _(
            "第十三条：市总工会给予每家市级创新工作室 %(min)s 至 %(max)s 元补助资金，%(a)s 元不在此范围内。") % {
            "min": yuan(rule_set.subsidy_min), "max": yuan(rule_set.subsidy_max), "a": yuan(amount)}})
    return amount


@transaction.atomic
def grant_plan(actor, studio, *, amount, note=""):
    """拟定: a grant for a studio named this year or last, one per naming, amount within the rule set's range."""
    _require_municipal(actor, _("拟定补助资金"))
    studio = Studio.objects.select_for_update(of=("self",)).select_related("unit").get(pk=studio.pk)
    _check_titled(studio)
    this_year = timezone.localdate().year
    if studio.named_year not in (this_year, this_year - 1):
        raise ValidationError({"studio": _(
            "第十三条：补助资金给予新命名的市级创新工作室；“%(s)s”为 %(y)d 年度命名，只有本年度或上一年度命名的工作室可以拟定补助。") % {
            "s": studio, "y": studio.named_year}})
    if SubsidyGrant.objects.filter(studio=studio, year=studio.named_year).exclude(
            status=GrantStatus.CANCELLED).exists():
        raise StaleAction(_("“%(s)s”已有 %(y)d 年度的补助资金，每次命名只给予一次补助。") % {
            "s": studio, "y": studio.named_year}, studio)
    rule_set = RuleSet.objects.current()
    amount = check_grant_amount(amount, rule_set)
    grant = SubsidyGrant.objects.create(studio=studio, year=studio.named_year, amount=amount, rule_set=rule_set,
                                        note=(note or "").strip(), planned_by=actor)
    _log(grant, actor, "subsidy_plan", _("拟定补助资金"), "", _("%(a)s 元（第十三条）。%(n)s") % {
        "a": yuan(amount), "n": grant.note})
    notify(_other_municipal_staff(actor), _("补助资金待批准"),
           _("%(s)s：%(a)s 元（第十三条）。") % {"s": studio, "a": yuan(amount)}, grant_url(grant))
    return grant


@transaction.atomic
def grant_approve(actor, grant, *, from_status, decision_number):
    """批准, with the number of the municipal union's decision. The planner may approve: the decision itself is
    collective and on record; the money moves only at the transfer, which needs a second person."""
    _require_municipal(actor, _("批准补助资金"))
    locked = _lock(grant, from_status)
    _allowed(locked, "approve", _("批准补助资金"))
    _check_titled(locked.studio)
    decision_number = check_document_number(decision_number)
    source = locked.status
    locked.approve()
    locked.decision_number, locked.approved_by, locked.approved_at = decision_number, actor, timezone.now()
    locked.save()
    _log(locked, actor, "subsidy_approve", _("批准补助资金"), source,
         _("%(a)s 元，%(n)s。") % {"a": yuan(locked.amount), "n": decision_number})
    has_account = BankAccount.objects.filter(union=locked.studio.unit).exists()
    notify(unit_staff(locked.studio), _("补助资金已批准，待拨付"), _(
        "%(s)s：%(a)s 元（%(n)s）。第十二条：补助资金转入单位工会账户，%(todo)s") % {
        "s": locked.studio, "a": yuan(locked.amount), "n": decision_number,
        "todo": _("请核对已登记的账户。") if has_account else _("请尽快登记单位工会账户。")}, grant_url(locked))
    return locked


@transaction.atomic
def grant_cancel(actor, grant, *, from_status, reason):
    """撤销 before payment (e.g. the studio was delisted, 第八条, or the amount was wrong): a transfer waiting for
    approval is returned with it. A paid grant is never cancelled; it is closed."""
    _require_municipal(actor, _("撤销补助资金"))
    locked = _lock(grant, from_status)
    if locked.status not in (GrantStatus.PLANNED, GrantStatus.APPROVED):
        raise Conflict(_("补助资金%(s)s，不能撤销；已拨付的补助资金只能结项。") % {"s": locked.get_status_display()},
                       locked)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请写明撤销的理由。")})
    source = locked.status
    for transfer in Transfer.objects.select_for_update().filter(grant=locked, status=TransferStatus.PREPARED):
        transfer.send_back()
        transfer.decided_by, transfer.decided_at, transfer.comment = actor, timezone.now(), reason.strip()
        transfer.save()
    locked.cancel()
    locked.ended_at, locked.end_note = timezone.now(), reason.strip()
    locked.save()
    _log(locked, actor, "subsidy_cancel", _("撤销补助资金"), source, locked.end_note)
    if source == GrantStatus.APPROVED:
        notify(unit_staff(locked.studio), _("补助资金已撤销"), f"{locked.studio}：{locked.end_note}",
               grant_url(locked))
    return locked


@transaction.atomic
def transfer_prepare(actor, grant, *, from_status, transferred_on, voucher_number):
    """经办: the payment into the unit union's account as recorded now (a copy is kept), with date and voucher."""
    _require_municipal(actor, _("办理拨付"))
    locked = _lock(grant, from_status)
    if locked.status != GrantStatus.APPROVED:
        raise Conflict(_("只有已批准、尚未拨付的补助资金可以办理拨付。"), locked)
    _check_titled(locked.studio)
    if Transfer.objects.filter(grant=locked, status__in=[TransferStatus.PREPARED, TransferStatus.APPROVED]).exists():
        raise StaleAction(_("该补助资金已有一笔待审批的拨付，同一笔补助资金不能重复拨付（第十二条）。"), locked)
    account = BankAccount.objects.filter(union=locked.studio.unit).first()
    if account is None:
        raise Conflict(_("%(u)s尚未登记单位工会账户。第十二条：补助资金应转入创新工作室所在单位工会账户。") % {
            "u": locked.studio.unit.name}, locked)
    errors = {}
    approved_on = timezone.localdate(locked.approved_at)
    if transferred_on is None or not approved_on <= transferred_on <= timezone.localdate():
        errors["transferred_on"] = _("拨付日期应在批准日（%(d)s）至今天之间。") % {"d": f"{approved_on:%Y-%m-%d}"}
    if not (voucher_number or "").strip():
        errors["voucher_number"] = _("请填写拨付凭证号。")
    if errors:
        raise ValidationError(errors)
    transfer = Transfer.objects.create(
        grant=locked, amount=locked.amount, transferred_on=transferred_on, voucher_number=voucher_number.strip(),
        account_name=account.account_name, bank=account.bank, account_number=account.number, prepared_by=actor)
    _log(locked, actor, "subsidy_transfer_prepare", _("办理拨付，待审批"), locked.status, _(
        "%(a)s 元转入 %(acc)s，%(d)s，凭证号 %(v)s。") % {"a": yuan(transfer.amount), "acc": account,
                                                   "d": f"{transferred_on:%Y-%m-%d}", "v": transfer.voucher_number})
    notify(_other_municipal_staff(actor), _("补助资金拨付待审批"), _(
        "%(s)s：%(a)s 元。拨付须由经办人以外的工作人员审批（第十二条）。") % {"s": locked.studio, "a": yuan(transfer.amount)},
        grant_url(locked))
    return transfer


def _lock_transfer(transfer, from_status):
    """The transfer and its grant, the grant locked first as every grant service does (no deadlock with a cancel)."""
    grant = SubsidyGrant.objects.select_for_update(of=("self",)).select_related("studio", "studio__unit").get(
        pk=transfer.grant_id)
    locked = Transfer.objects.select_for_update(of=("self",)).select_related("prepared_by").get(pk=transfer.pk)
    if locked.status != from_status:
        raise StaleAction(_("该拨付已变为“%(s)s”，可能已由他人处理，请刷新页面后再操作。") % {
            "s": locked.get_status_display()}, grant)
    return locked, grant  # a transfer waits for approval only while its grant is approved (grant_cancel)


@transaction.atomic
def transfer_approve(actor, transfer, *, from_status):
    """审批 by a second municipal officer (four eyes): the grant is paid, the ledger gets its transfer in, and the
    unit union is told (第十二条)."""
    _require_municipal(actor, _("审批拨付"))
    locked, grant = _lock_transfer(transfer, from_status)
    if locked.prepared_by_id == actor.pk:
        raise PermissionDenied(_("拨付须由经办人以外的市总工会工作人员审批，经办人不能审批自己办理的拨付。"))
    _allowed(locked, "approve", _("审批拨付"))
    _check_titled(grant.studio)
    locked.approve()
    locked.decided_by, locked.decided_at = actor, timezone.now()
    locked.save()
    grant.record_transfer()
    grant.save()
    LedgerEntry.objects.create(
        grant=grant, kind=EntryKind.TRANSFER_IN, occurred_on=locked.transferred_on, amount=locked.amount,
        description=_("市总工会拨入补助资金，凭证号 %(v)s") % {"v": locked.voucher_number}, transfer=locked,
        recorded_by=actor)
    _log(grant, actor, "subsidy_transfer_approve", _("审批拨付，补助资金已拨付"), GrantStatus.APPROVED, _(
        "%(a)s 元，%(d)s，凭证号 %(v)s。") % {"a": yuan(locked.amount), "d": f"{locked.transferred_on:%Y-%m-%d}",
                                        "v": locked.voucher_number})
    notify([*unit_staff(grant.studio), *recommending_staff(grant.studio)], _("补助资金已拨付"), _(
        "%(s)s：%(a)s 元已转入%(acc)s。第十二条、第十三条：专款专用，单独核算，只能用于场所布置完善、设备采购改进、"
        "成员学习培训和宣传配套。") % {"s": grant.studio, "a": yuan(locked.amount), "acc": locked.account_name},
        grant_url(grant))
    return locked


@transaction.atomic
def transfer_send_back(actor, transfer, *, from_status, comment):
    """退回: the approver sends a wrong transfer back (or its preparer withdraws it); the grant waits for a new one."""
    _require_municipal(actor, _("退回拨付"))
    locked, grant = _lock_transfer(transfer, from_status)
    _allowed(locked, "send_back", _("退回拨付"))
    if not (comment or "").strip():
        raise ValidationError({"comment": _("请写明退回的理由。")})
    locked.send_back()
    locked.decided_by, locked.decided_at, locked.comment = actor, timezone.now(), comment.strip()
    locked.save()
    _log(grant, actor, "subsidy_transfer_return", _("退回拨付"), grant.status, locked.comment)
    if locked.prepared_by_id != actor.pk:
        notify([locked.prepared_by], _("补助资金拨付被退回"), f"{grant.studio}：{locked.comment}", grant_url(grant))
    return locked


@transaction.atomic
def grant_close(actor, grant, *, from_status, note=""):
    """结项 when the money is spent or at year end; a remaining balance is stated with where it goes."""
    _require_municipal(actor, _("结项"))
    locked = _lock(grant, from_status)
    if locked.status != GrantStatus.TRANSFERRED:
        raise Conflict(_("只有已拨付的补助资金可以结项。"), locked)
    balance = grant_totals(locked)["balance"]
    note = (note or "").strip()
    if balance and not note:
        raise ValidationError({"note": _("尚有余额 %(b)s 元，请写明余额的去向（如结转使用或按规定退回）。") % {"b": yuan(balance)}})
    source = locked.status
    locked.close()
    locked.ended_at = timezone.now()
    locked.end_note = _("结项时余额 %(b)s 元。%(n)s") % {"b": yuan(balance), "n": note}
    locked.save()
    _log(locked, actor, "subsidy_close", _("补助资金结项"), source, locked.end_note)
    notify(unit_staff(locked.studio), _("补助资金已结项"), f"{locked.studio}：{locked.end_note}", grant_url(locked))
    return locked
