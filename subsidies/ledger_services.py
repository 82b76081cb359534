"""A grant's own ledger (第十二条: 专款专用，单独核算): the unit union's expenses and their reversals.

第十三条 limits the uses to the four `ExpenseCategory` values and forbids 接待餐费 and 人员福利奖金; nothing may be
spent beyond what was transferred. Both are checked with the grant's row locked, so two expenses recorded at
once cannot together overspend. A recorded entry never changes: a mistake is corrected by a reversal.
"""
import os

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.conflicts import Conflict
from core.stored_files import atomic_with_files, store
from core.uploads import check_upload
from reviews.errors import StaleAction
from unions.permissions import is_municipal_staff, is_unit_staff_of

from .models import REFUSED_USES, EntryKind, ExpenseCategory, GrantStatus, LedgerEntry, SubsidyGrant
from .money import check_amount, yuan
from .selectors import grant_totals

def category_error(category):
    """Why `category` cannot be spent on (第十三条), or None when it can."""
    if category in ExpenseCategory.values:
        return None
    if category in REFUSED_USES:
        return _("第十三条：补助资金不能用于接待餐费和人员福利奖金，“%(c)s”不能列支。") % {"c": REFUSED_USES[category]}
    return _("第十三条：补助资金只能用于%(uses)s，请选择其中一项。") % {
        "uses": _("、").join(str(label) for label in ExpenseCategory.labels)}


def _lock(grant):
    return SubsidyGrant.objects.select_for_update(of=("self",)).select_related("studio", "studio__unit").get(
        pk=grant.pk)


def _transferred_on(grant):
    return grant.entries.get(kind=EntryKind.TRANSFER_IN).occurred_on


@atomic_with_files()
def expense_record(actor, grant, *, occurred_on, amount, category, description, receipt):
    """支出: by the studio's unit union, with a receipt, for an allowed use, within the balance."""
    grant = _lock(grant)
    if not is_unit_staff_of(actor, grant.studio):
        raise PermissionDenied(_("只有工作室所在单位工会可以登记补助资金支出（第十二条：专款专用，单独核算）。"))
    if grant.status != GrantStatus.TRANSFERRED:
        raise Conflict(_("补助资金%(s)s，不能登记支出。") % {"s": grant.get_status_display()}, grant)
    errors = {}
    problem = category_error(category)
    if problem:
        errors["category"] = problem
    try:
        amount = check_amount(amount)
    except ValidationError as error:
        errors.update(error.message_dict)
    if not (description or "").strip():
        errors["description"] = _("请写明支出事项（买了什么、办了什么）。")
    transferred_on = _transferred_on(grant)
    if occurred_on is None or not transferred_on <= occurred_on <= timezone.localdate():
        errors["occurred_on"] = _("支出日期应在拨付日（%(d)s）至今天之间。") % {"d": f"{transferred_on:%Y-%m-%d}"}
    if receipt is None:
        errors["receipt"] = _("请上传票据（发票、合同或付款凭证）。")
    else:
        try:
            check_upload(receipt)
        except ValidationError as error:
            errors["receipt"] = error.messages
    if errors:
        raise ValidationError(errors)
    balance = grant_totals(grant)["balance"]
    if amount > balance:
        raise ValidationError({"amount": _(
            "支出 %(a)s 元超过补助资金余额 %(b)s 元。补助资金专款专用，支出不能超过已拨付的金额（第十二条、第十三条）。") % {
            "a": yuan(amount), "b": yuan(balance)}})
    entry = LedgerEntry(grant=grant, kind=EntryKind.EXPENSE, occurred_on=occurred_on, amount=-amount,
                        category=category, description=description.strip(), recorded_by=actor,
                        receipt_name=os.path.basename(receipt.name)[:200])
    store(entry.receipt, entry.receipt_name, receipt)
    entry.save()
    return entry


@transaction.atomic
def entry_reverse(actor, entry, *, reason):
    """冲销: an expense recorded wrongly is cancelled by an entry of the opposite amount, never edited. By the unit
    union that keeps the ledger or by municipal staff; once per expense."""
    grant = _lock(entry.grant)
    entry = LedgerEntry.objects.select_related("reversal").get(pk=entry.pk)
    if not (is_unit_staff_of(actor, grant.studio) or is_municipal_staff(actor)):
        raise PermissionDenied(_("只有工作室所在单位工会或市总工会工作人员可以冲销台账记录。"))
    if entry.kind != EntryKind.EXPENSE:
        raise Conflict(_("只有支出可以冲销。"), grant)
    if hasattr(entry, "reversal"):
        raise StaleAction(_("这笔支出已经冲销过，不能重复冲销。"), grant)
    if grant.status != GrantStatus.TRANSFERRED:
        raise Conflict(_("补助资金%(s)s，台账不能再变动。") % {"s": grant.get_status_display()}, grant)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请写明冲销的原因。")})
    description = _("冲销 %(d)s “%(t)s”：%(r)s") % {"d": f"{entry.occurred_on:%Y-%m-%d}", "t": entry.description,
                                                   "r": reason.strip()}
    return LedgerEntry.objects.create(grant=grant, kind=EntryKind.REVERSAL, occurred_on=timezone.localdate(),
                                      amount=-entry.amount, description=description[:200], reverses=entry,
                                      recorded_by=actor)
