"""What every workflow shares: the transition log (who, when, from, to, comment) and the in-app inbox."""
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

    scope_union_lookup = "recipient__union"

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

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
