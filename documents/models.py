"""Official documents of a naming round, produced as PDF in the background and kept until their data change."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    DECISION = "decision", _("命名决定")
    NOTICE = "notice", _("公示公告")
    CERTIFICATES = "certificates", _("证书及牌匾")


class DocumentStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("生成中")
    READY = "ready", _("已生成")
    FAILED = "failed", _("生成失败")


class OfficialDocument(models.Model):
    """One document of one round. `fingerprint` is a digest of the data it shows: the file is
    produced again only when that changes."""

    naming_round = models.ForeignKey("reviews.NamingRound", verbose_name=_("命名批次"), on_delete=models.PROTECT,
                                     related_name="documents")
    kind = models.CharField(_("文件"), max_length=16, choices=DocumentKind.choices)
    status = models.CharField(_("状态"), max_length=16, choices=DocumentStatus.choices, default=DocumentStatus.PENDING)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    fingerprint = models.CharField(_("数据摘要"), max_length=64)
    file = models.FileField(_("文件"), upload_to="documents/%Y/", blank=True)
    pages = models.PositiveIntegerField(_("页数"), default=0)
    error = models.TextField(_("错误信息"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    scope_union_lookup = "naming_round__union"

    class Meta:
        verbose_name = _("公文")
        verbose_name_plural = _("公文")
        constraints = [models.UniqueConstraint(fields=["naming_round", "kind"], name="one_document_per_round_and_kind")]

    def __str__(self):
        return f"{self.naming_round.year} 年度{self.get_kind_display()}"

    @property
    def filename(self):
        return f"{self.naming_round.year}年度{self.get_kind_display()}.pdf"
