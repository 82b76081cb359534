"""What every workflow shares: the transition log (who, when, from, to, comment), the in-app inbox and the
outbox of side effects that must outlive a broker outage."""
import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """A history row was about to be changed or deleted."""


class TransitionLogQuerySet(models.QuerySet):
    def for_object(self, obj):
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)

    def update(self, **kwargs):
        raise AppendOnlyError("transition log rows are never changed")

    def delete(self):
        raise AppendOnlyError("transition log rows are never deleted")


class TransitionLog(models.Model):
    """One row per workflow transition (DESIGN.md: every transition logged). Append-only."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    # The union that owns the subject, so the log is scoped like the subject itself.
    union = models.ForeignKey("unions.Union", verbose_name=_("所属工会"), on_delete=models.PROTECT, related_name="+")
    transition = models.CharField(_("操作"), max_length=50)
    label = models.CharField(_("操作名称"), max_length=100)
    source = models.CharField(_("原状态"), max_length=32)
    target = models.CharField(_("新状态"), max_length=32)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+", help_text=_("为空表示系统自动执行"))
    comment = models.TextField(_("意见/说明"), blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    objects = TransitionLogQuerySet.as_manager()
    scope_union_lookup = "union"

    class Meta:
        verbose_name = _("流转记录")
        verbose_name_plural = _("流转记录")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self):
        return f"{self.label}：{self.source} → {self.target}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("transition log rows are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("transition log rows are never deleted")


class Notification(models.Model):
    """An inbox message for one user; the same text also goes out by e-mail."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("收件人"), on_delete=models.CASCADE,
                                  related_name="notifications")
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    # A scheduled reminder's event (e.g. one rectification's reminder before one deadline): the same event
    # reaches a recipient once, however often the job runs. Empty for messages of a user's action.
    key = models.CharField(_("事件标识"), max_length=150, blank=True, default="")

    scope_union_lookup = "recipient__union"

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"]),
                   models.Index(fields=["recipient", "-created_at", "-id"], name="notification_keyset_order")]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], condition=~models.Q(key=""),
                                               name="one_notification_per_recipient_and_event")]

    def __str__(self):
        return self.title


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("法定节假日（休息）")
    WORKDAY = "workday", _("调休上班日")


class CalendarDay(models.Model):
    """A holiday or make-up working day the calendar library does not know yet (a new year's schedule).

    Entered by the administrator once the State Council publishes the year's arrangement;
    an entry here wins over the library.
    """

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类别"), max_length=16, choices=CalendarDayKind.choices)
    note = models.CharField(_("说明"), max_length=100, blank=True, help_text=_("如 春节、国庆节调休"))

    scope_union_lookup = None

    class Meta:
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"


def new_outbox_key():
    return uuid.uuid4().hex


class OutboxKind(models.TextChoices):
    EMAIL = "email", _("电子邮件")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败，待人工处理")


class OutboxMessage(models.Model):
    """A side effect written in the same transaction as the action that causes it (core/outbox.py).

    The row, not the broker, holds the promise: it is delivered once after commit when Redis answers, else by
    the every-minute job or `manage.py flush_outbox`; failures wait `next_attempt_at` and give up after
    OUTBOX_MAX_ATTEMPTS, flagged for staff.
    """

    kind = models.CharField(_("类别"), max_length=16, choices=OutboxKind.choices)
    # Unique per side effect; the e-mail's Message-ID is made from it, so a copy resent after a crash between
    # sending and recording is recognisable as the same message.
    key = models.CharField(_("幂等标识"), max_length=64, unique=True, default=new_outbox_key, editable=False)
    payload = models.JSONField(_("内容"))
    status = models.CharField(_("状态"), max_length=16, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("下次尝试"), auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    scope_union_lookup = None  # system plumbing: only the administrator sees it, in the admin

    class Meta:
        verbose_name = _("待发消息")
        verbose_name_plural = _("待发消息")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.payload.get('subject', '')}"
