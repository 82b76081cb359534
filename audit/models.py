"""The audit trail (等保 2.0 安全审计): who did what to which object, from where, with what result.

Entries are append-only like `core.models.TransitionLog` and hash-chained: each stores the previous entry's
hash and its own SHA-256 over its fields and that hash, so an edited or deleted row breaks the chain
(`manage.py verify_audit`). `AuditChain` is the one row that orders writers and remembers the chain's head and,
after pruning, the anchor the remaining chain starts from.
"""
import datetime
import hashlib
import json

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import AppendOnlyError

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


class Result(models.TextChoices):
    SUCCESS = "success", _("成功")
    FAILURE = "failure", _("失败")
    REFUSED = "refused", _("拒绝")
    # an action the object's state did not allow (409, core.conflicts)
    CONFLICT = "conflict", _("状态冲突")


class Action(models.TextChoices):
    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOGOUT = "logout", _("退出登录")
    TRANSITION = "transition", _("流转操作")
    EXPORT = "export", _("导出")
    DOWNLOAD = "download", _("下载文件")
    ACCESS = "access", _("访问")
    PRUNE = "prune", _("清理审计记录")


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit entries are never changed")

    def delete(self):
        raise AppendOnlyError("audit entries are never deleted; prune_audit removes expired ones")


class AuditEntry(models.Model):
    seq = models.PositiveBigIntegerField(_("序号"), unique=True)
    time = models.DateTimeField(_("时间"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    # As typed at the login form, so failed logins of unknown names are kept too.
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    # e.g. the transition's name, "xlsx", the HTTP status of a refusal
    operation = models.CharField(_("操作明细"), max_length=50, blank=True)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    result = models.CharField(_("结果"), max_length=10, choices=Result.choices)
    detail = models.TextField(_("详情"), blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["time", "id"]), models.Index(fields=["action", "time"])]

    def __str__(self):
        return f"{self.time:%Y-%m-%d %H:%M:%S} {self.username} {self.get_action_display()} {self.object_repr}"

    def compute_hash(self):
        """SHA-256 over every recorded field and the previous hash; the time in UTC microseconds so that SQLite
        and PostgreSQL give the same text."""
        fields = [
            self.seq, (self.time - EPOCH) // datetime.timedelta(microseconds=1), self.user_id, self.username,
            self.ip, self.action, self.operation, self.content_type_id, self.object_id, self.object_repr,
            self.result, self.detail, self.prev_hash,
        ]
        # JSON, not a separator: no text in one field can pass for the boundary of the next
        return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode()).hexdigest()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit entries are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit entries are never deleted; prune_audit removes expired ones")


class AuditChain(models.Model):
    """The single row (pk 1) every writer locks: the head of the chain, and where it starts after pruning."""

    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, blank=True)
    anchor_seq = models.PositiveBigIntegerField(default=0, help_text="entries up to this one were pruned")
    anchor_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("审计链")
        verbose_name_plural = _("审计链")
        default_permissions = ()
