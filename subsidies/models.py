"""Subsidy grants, their transfer and earmarked spending (第十二条, 第十三条).

第十三条: 市总工会对命名为市级创新工作室的给予每家 2-3 万元补助资金 — a `SubsidyGrant` per newly named studio, its
amount within the rule set's range. 第十二条: 补助资金应转入创新工作室所在单位工会账户，专款专用，单独核算 — a
`Transfer` into the unit union's own `BankAccount` (prepared by one municipal officer, approved by another), and a
ledger per grant (`LedgerEntry`, append-only) whose balance is always the sum of its entries, never a stored figure.
"""
import os

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from core.models import AppendOnlyError
from core.uploads import random_name
from unions.models import Union, UnionKind

# Money is yuan with two places everywhere (DESIGN.md); 12 digits hold any sum the overview adds up.
MONEY = {"max_digits": 12, "decimal_places": 2}


class BankAccount(models.Model):
    """单位工会账户 (第十二条: 补助资金应转入创新工作室所在单位工会账户). Kept by the unit or municipal staff, each
    change logged; a transfer keeps a copy of the account it was paid into, so later changes do not rewrite it."""

    union = models.OneToOneField(Union, verbose_name=_("单位工会"), on_delete=models.PROTECT,
                                 related_name="bank_account", limit_choices_to={"kind": UnionKind.UNIT})
    account_name = models.CharField(_("户名"), max_length=100)
    bank = models.CharField(_("开户银行"), max_length=100)
    number = models.CharField(_("银行账号"), max_length=32)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT,
                                   related_name="+")
    updated_at = models.DateTimeField(_("登记时间"), auto_now=True)

    scope_union_lookup = "union"

    class Meta:
        verbose_name = _("单位工会账户")
        verbose_name_plural = _("单位工会账户")
        ordering = ["union__path"]
        # Granted through the group 市总工会财务 (migration 0002): who sees full account numbers.
        permissions = [("view_account_number", _("查看完整银行账号"))]

    def __str__(self):
        return f"{self.account_name}（{self.bank}）"


class GrantStatus(models.TextChoices):
    PLANNED = "planned", _("拟补助，待批准")
    APPROVED = "approved", _("已批准，待拨付")
    TRANSFERRED = "transferred", _("已拨付，使用中")
    CLOSED = "closed", _("已结项")
    CANCELLED = "cancelled", _("已撤销")


class SubsidyGrant(ConcurrentTransitionMixin, models.Model):
    """补助资金 (第十三条): one per naming of a municipal studio, planned, approved, transferred, closed."""

    studio = models.ForeignKey("studios.Studio", verbose_name=_("工作室"), on_delete=models.PROTECT,
                               related_name="subsidy_grants")
    # The naming the grant is for (the studio's named_year when planned): the overview's year.
    year = models.PositiveSmallIntegerField(_("命名年度"), validators=[MinValueValidator(2000),
                                                                   MaxValueValidator(2100)], db_index=True)
    amount = models.DecimalField(_("补助金额（元）"), **MONEY)
    # The rule set version whose range (subsidy_min–subsidy_max, 第十三条) the amount was checked against.
    rule_set = models.ForeignKey("rules.RuleSet", verbose_name=_("规则参数"), on_delete=models.PROTECT,
                                 related_name="+")
    status = FSMField(_("状态"), max_length=16, choices=GrantStatus.choices, default=GrantStatus.PLANNED,
                      protected=True, db_index=True)
    note = models.TextField(_("说明"), blank=True)
    decision_number = models.CharField(_("批准文号"), max_length=50, blank=True)
    planned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("拟定人"), on_delete=models.PROTECT,
                                   related_name="+")
    planned_at = models.DateTimeField(_("拟定时间"), auto_now_add=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("批准人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("结项或撤销时间"), null=True, blank=True)
    end_note = models.TextField(_("结项或撤销说明"), blank=True)

    scope_union_lookup = "studio__unit"

    class Meta:
        verbose_name = _("补助资金")
        verbose_name_plural = _("补助资金")
        ordering = ["-year", "studio__name", "-pk"]
        constraints = [models.UniqueConstraint(fields=["studio", "year"], condition=~Q(status="cancelled"),
                                               name="one_grant_per_naming")]

    def __str__(self):
        return _("%(s)s %(y)d 年度补助资金") % {"s": self.studio, "y": self.year}

    def get_absolute_url(self):
        return reverse("subsidies:detail", args=[self.pk])

    @transition(field=status, source=GrantStatus.PLANNED, target=GrantStatus.APPROVED)
    def approve(self):
        """市总工会批准补助资金."""

    @transition(field=status, source=GrantStatus.APPROVED, target=GrantStatus.TRANSFERRED)
    def record_transfer(self):
        """拨付经第二名工作人员审批，资金转入单位工会账户 (第十二条)."""

    @transition(field=status, source=GrantStatus.TRANSFERRED, target=GrantStatus.CLOSED)
    def close(self):
        """用完或年度终了结项，余额写明去向."""

    @transition(field=status, source=[GrantStatus.PLANNED, GrantStatus.APPROVED], target=GrantStatus.CANCELLED)
    def cancel(self):
        """拨付前撤销（如工作室已摘牌或取消，第八条）."""


class TransferStatus(models.TextChoices):
    PREPARED = "prepared", _("待审批")
    APPROVED = "approved", _("已审批拨付")
    RETURNED = "returned", _("已退回")


class Transfer(ConcurrentTransitionMixin, models.Model):
    """拨付 (第十二条): the grant paid into the unit union's account, with date and voucher; prepared by one municipal
    officer and approved by another (four eyes, also a database constraint)."""

    grant = models.ForeignKey(SubsidyGrant, verbose_name=_("补助资金"), on_delete=models.PROTECT,
                              related_name="transfers")
    amount = models.DecimalField(_("拨付金额（元）"), **MONEY)
    transferred_on = models.DateField(_("拨付日期"))
    voucher_number = models.CharField(_("凭证号"), max_length=50)
    # The account paid into, as it was then.
    account_name = models.CharField(_("户名"), max_length=100)
    bank = models.CharField(_("开户银行"), max_length=100)
    account_number = models.CharField(_("银行账号"), max_length=32)
    status = FSMField(_("状态"), max_length=16, choices=TransferStatus.choices, default=TransferStatus.PREPARED,
                      protected=True)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), on_delete=models.PROTECT,
                                    related_name="+")
    prepared_at = models.DateTimeField(_("经办时间"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审批人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    comment = models.TextField(_("审批意见"), blank=True)

    scope_union_lookup = "grant__studio__unit"

    class Meta:
        verbose_name = _("拨付")
        verbose_name_plural = _("拨付")
        ordering = ["-prepared_at", "-pk"]
        constraints = [
            # 第十二条: one grant is paid once; a returned transfer may be prepared again.
            models.UniqueConstraint(fields=["grant"], condition=Q(status__in=["prepared", "approved"]),
                                    name="one_live_transfer_per_grant"),
            models.CheckConstraint(condition=~Q(status="approved", decided_by=F("prepared_by")),
                                   name="transfer_four_eyes"),
        ]

    def __str__(self):
        return f"{self.grant}：{self.voucher_number}"

    @transition(field=status, source=TransferStatus.PREPARED, target=TransferStatus.APPROVED)
    def approve(self):
        """经办人以外的市总工会工作人员审批同意."""

    @transition(field=status, source=TransferStatus.PREPARED, target=TransferStatus.RETURNED)
    def send_back(self):
        """退回重办（如凭证号或日期有误）：审批人退回，或经办人在审批前撤回."""


class EntryKind(models.TextChoices):
    TRANSFER_IN = "transfer_in", _("拨入")
    EXPENSE = "expense", _("支出")
    REVERSAL = "reversal", _("冲销")


class ExpenseCategory(models.TextChoices):
    """第十三条: 用于场所的布置完善、设备的采购改进以及工作室成员的学习培训、宣传配套等."""

    VENUE = "venue", _("场所布置完善")
    EQUIPMENT = "equipment", _("设备采购改进")
    TRAINING = "training", _("成员学习培训")
    PUBLICITY = "publicity", _("宣传配套")


# 第十三条: 不能用于接待餐费和人员福利奖金. Offered nowhere; named so that a posted one is refused by name.
REFUSED_USES = {
    "reception": _("接待餐费"),
    "meals": _("接待餐费"),
    "welfare": _("人员福利"),
    "bonus": _("奖金"),
}


class LedgerEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("ledger entries are never changed: record a reversal")

    def delete(self):
        raise AppendOnlyError("ledger entries are never deleted: record a reversal")


def receipt_path(instance, filename):
    return random_name("receipts", os.path.splitext(filename)[1].lower())


class LedgerEntry(models.Model):
    """One line of a grant's own ledger (第十二条: 单独核算). Append-only: a mistake is corrected by a reversal.

    Amounts are signed: a transfer in is positive, an expense negative, a reversal the opposite of the expense it
    reverses. The balance is the sum of the entries.
    """

    grant = models.ForeignKey(SubsidyGrant, verbose_name=_("补助资金"), on_delete=models.PROTECT,
                              related_name="entries")
    kind = models.CharField(_("类型"), max_length=16, choices=EntryKind.choices)
    occurred_on = models.DateField(_("日期"))
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    category = models.CharField(_("用途"), max_length=16, choices=ExpenseCategory.choices, blank=True)
    description = models.CharField(_("摘要"), max_length=200)
    receipt = models.FileField(_("票据"), upload_to=receipt_path, max_length=200, blank=True)
    receipt_name = models.CharField(_("票据文件名"), max_length=200, blank=True)
    transfer = models.OneToOneField(Transfer, verbose_name=_("拨付"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="entry")
    # An entry is reversed at most once (the one-to-one says so to the database as well).
    reverses = models.OneToOneField("self", verbose_name=_("冲销的记录"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="reversal")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = LedgerEntryQuerySet.as_manager()
    scope_union_lookup = "grant__studio__unit"

    class Meta:
        verbose_name = _("台账记录")
        verbose_name_plural = _("台账记录")
        ordering = ["grant", "occurred_on", "pk"]
        # Granted through the group 审计 (migration 0002): read every grant's ledger, whatever the union.
        permissions = [("audit_ledger", _("审计补助资金台账"))]
        constraints = [models.CheckConstraint(name="ledger_entry_sign_and_use", condition=(
            Q(kind="transfer_in", amount__gt=0, category="", transfer__isnull=False, reverses__isnull=True)
            | Q(kind="expense", amount__lt=0, category__in=ExpenseCategory.values, transfer__isnull=True,
                reverses__isnull=True)
            | Q(kind="reversal", amount__gt=0, category="", transfer__isnull=True, reverses__isnull=False)))]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}：{self.description}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("ledger entries are never changed: record a reversal")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("ledger entries are never deleted: record a reversal")

    @property
    def income(self):
        """The 拨入 column."""
        return self.amount if self.kind == EntryKind.TRANSFER_IN else None

    @property
    def outgo(self):
        """The 支出 column: an expense, or a reversal as a negative (red) figure."""
        return -self.amount if self.kind != EntryKind.TRANSFER_IN else None
