"""The unit union's bank account (第十二条: 补助资金应转入创新工作室所在单位工会账户)."""
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.history import log_transition
from unions.models import Union, UnionKind

from .models import BankAccount
from .permissions import can_keep_account, mask_account_number

ACCOUNT_NUMBER = re.compile(r"^\d{8,30}$")


@transaction.atomic
def bank_account_save(actor, union, *, account_name, bank, number):
    """Records or changes the account; the change is logged with the number masked (the log is widely read)."""
    union = Union.objects.select_for_update().get(pk=union.pk)
    if union.kind != UnionKind.UNIT:
        raise ValidationError(_("补助资金转入创新工作室所在单位工会账户（第十二条），只有单位工会登记账户。"))
    if not can_keep_account(actor, union):
        raise PermissionDenied(_("只有该单位工会或市总工会工作人员可以登记单位工会账户。"))
    number = re.sub(r"[\s-]", "", number or "")
    errors = {}
    if not (account_name or "").strip():
        errors["account_name"] = _("请填写户名（应为单位工会，第十二条：转入所在单位工会账户）。")
    if not (bank or "").strip():
        errors["bank"] = _("请填写开户银行。")
    if not ACCOUNT_NUMBER.match(number):
        errors["number"] = _("银行账号应为 8 至 30 位数字。")
    if errors:
        raise ValidationError(errors)
    account = BankAccount.objects.filter(union=union).first()
    before = f"{account} {mask_account_number(account.number)}" if account else ""
    if account is None:
        account = BankAccount(union=union)
    account.account_name, account.bank, account.number = account_name.strip(), bank.strip(), number
    account.updated_by = actor
    account.save()
    after = f"{account} {mask_account_number(number)}"
    log_transition(account, union=union, transition="account_save",
                   label=_("变更单位工会账户") if before else _("登记单位工会账户"), source="", target="",
                   actor=actor, comment=f"{before} → {after}" if before else after)
    return account
