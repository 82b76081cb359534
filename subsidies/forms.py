"""Forms of the subsidy pages. The services check the rules (第十二条, 第十三条); these check types, and money in
yuan with at most two places."""
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.widgets import IsoDateInput

from .ledger_services import category_error
from .models import ExpenseCategory, GrantStatus, TransferStatus


class YuanField(forms.DecimalField):
    """元, two places, more than zero."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=12, decimal_places=2, min_value=Decimal("0.01"), **kwargs)
        self.error_messages.update({
            "invalid": _("请填写金额（元），如 20000.00。"),
            "min_value": _("金额必须大于零。"),
            "max_decimal_places": _("金额以元为单位，最多保留两位小数（精确到分）。"),
            "max_digits": _("金额过大。"),
            "max_whole_digits": _("金额过大。"),
        })
        self.widget.attrs.update({"step": "0.01", "min": "0.01", "inputmode": "decimal"})


class CategoryField(forms.ChoiceField):
    """第十三条's four uses. Receptions, meals, welfare and bonuses are offered nowhere; posted anyway, they are
    refused by name, citing the article (not with a bare "invalid choice")."""

    def __init__(self, **kwargs):
        super().__init__(choices=[("", "—"), *ExpenseCategory.choices], **kwargs)

    def validate(self, value):
        forms.Field.validate(self, value)
        problem = category_error(value)
        if value and problem:
            raise ValidationError(problem, code="refused_use")


class _Action(forms.Form):
    """An action on a grant, with the state the user saw (a stale or repeated submit is refused)."""

    from_status = forms.ChoiceField(choices=GrantStatus.choices, widget=forms.HiddenInput)


class GrantPlanForm(forms.Form):
    studio = forms.ModelChoiceField(label=_("工作室"), queryset=None, empty_label="—",
                                    help_text=_("本年度或上一年度命名、尚未给予补助的市级创新工作室（第十三条）"))
    amount = YuanField(label=_("补助金额（元）"))
    note = forms.CharField(label=_("说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, studios, rule_set, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["studio"].queryset = studios
        self.fields["studio"].label_from_instance = lambda s: f"{s.name}（{s.unit.name}，{s.named_year} 年度命名）"
        self.fields["amount"].help_text = _("第十三条：每家 %(min)s 至 %(max)s 元") % {
            "min": f"{rule_set.subsidy_min:,.2f}", "max": f"{rule_set.subsidy_max:,.2f}"}


class GrantApproveForm(_Action):
    decision_number = forms.CharField(label=_("批准文号"), max_length=50,
                                      widget=forms.TextInput(attrs={"placeholder": "揭工总〔2026〕30号"}))


class GrantCancelForm(_Action):
    reason = forms.CharField(label=_("撤销理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class GrantCloseForm(_Action):
    note = forms.CharField(label=_("结项说明"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("尚有余额时必填：写明余额的去向"))


class TransferPrepareForm(_Action):
    transferred_on = forms.DateField(label=_("拨付日期"), initial=timezone.localdate, widget=IsoDateInput())
    voucher_number = forms.CharField(label=_("凭证号"), max_length=50)


class TransferDecisionForm(forms.Form):
    from_status = forms.ChoiceField(choices=TransferStatus.choices, widget=forms.HiddenInput)
    comment = forms.CharField(label=_("退回理由"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 1}))


class ExpenseForm(forms.Form):
    occurred_on = forms.DateField(label=_("支出日期"), initial=timezone.localdate, widget=IsoDateInput())
    amount = YuanField(label=_("金额（元）"))
    category = CategoryField(label=_("用途（第十三条）"))
    description = forms.CharField(label=_("摘要"), max_length=200, help_text=_("买了什么、办了什么，如“采购数控车床对刀仪 1 台”"))
    receipt = forms.FileField(label=_("票据"), help_text=_("发票、合同或付款凭证；PDF、图片或 Office 文件"))


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("冲销原因"), max_length=150)


class BankAccountForm(forms.Form):
    account_name = forms.CharField(label=_("户名"), max_length=100, help_text=_("单位工会的账户名称（第十二条）"))
    bank = forms.CharField(label=_("开户银行"), max_length=100)
    number = forms.CharField(label=_("银行账号"), max_length=40)
