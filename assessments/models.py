"""Annual report and assessment (第九条): the unit union reports each studio's year; its recommending union
assesses every named studio on the five points of 第九条 and reports to the municipal union before year end."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报告")
    RETURNED = "returned", _("退回补充")


class AnnualReport(models.Model):
    """运行情况报告: 所在单位工会每年向上级工会报告创新工作室运行情况 (第九条)."""

    studio = models.ForeignKey("studios.Studio", verbose_name=_("工作室"), on_delete=models.PROTECT,
                               related_name="annual_reports")
    year = models.PositiveSmallIntegerField(_("年度"))
    operation = models.TextField(_("运行情况"), help_text=_("活动开展、制度执行、团队变化等"))
    results = models.TextField(_("创新成果及转化"), help_text=_("专利、获奖、推广的操作法等（第五条(七)）"))
    training = models.TextField(_("人员培训和交流"))
    funding = models.TextField(_("经费保障"))
    plan = models.TextField(_("下一年度计划"), blank=True)
    status = FSMField(_("状态"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT,
                      protected=True)
    submitted_at = models.DateTimeField(_("报告时间"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("填报人"), on_delete=models.PROTECT,
                                   related_name="+")

    scope_union_lookup = "studio__unit"

    class Meta:
        verbose_name = _("年度运行情况报告")
        verbose_name_plural = _("年度运行情况报告")
        ordering = ["-year", "studio"]
        constraints = [models.UniqueConstraint(fields=["studio", "year"], name="one_report_per_studio_and_year")]

    def __str__(self):
        return f"{self.studio} {self.year} 年度运行情况"

    @transition(field=status, source=[ReportStatus.DRAFT, ReportStatus.RETURNED], target=ReportStatus.SUBMITTED)
    def submit(self):
        """单位工会报告上级工会."""

    @transition(field=status, source=ReportStatus.SUBMITTED, target=ReportStatus.RETURNED)
    def return_for_revision(self):
        """推荐单位要求补充."""


class Rating(models.TextChoices):
    GOOD = "good", _("好")
    FAIR = "fair", _("较好")
    BASIC = "basic", _("一般")
    POOR = "poor", _("差")


# 第九条: 考核内容包括工作室制度建设、经费保障、人员培训、成果转化、示范作用发挥等情况.
DIMENSIONS = [
    ("system_rating", _("制度建设")), ("funding_rating", _("经费保障")), ("training_rating", _("人员培训")),
    ("transfer_rating", _("成果转化")), ("demonstration_rating", _("示范作用")),
]


class AssessmentStatus(models.TextChoices):
    ASSESSED = "assessed", _("已考核，待报送")
    REPORTED = "reported", _("已报送市总工会")


def _rating(label):
    return models.CharField(label, max_length=8, choices=Rating.choices)


class AnnualAssessment(models.Model):
    """年度考核: 谁推荐谁考核谁负责 — by the studio's recommending union, reported before year end (第九条)."""

    studio = models.ForeignKey("studios.Studio", verbose_name=_("工作室"), on_delete=models.PROTECT,
                               related_name="annual_assessments")
    year = models.PositiveSmallIntegerField(_("年度"))
    system_rating = _rating(_("制度建设"))
    funding_rating = _rating(_("经费保障"))
    training_rating = _rating(_("人员培训"))
    transfer_rating = _rating(_("成果转化"))
    demonstration_rating = _rating(_("示范作用"))
    comment = models.TextField(_("考核意见"))
    status = FSMField(_("状态"), max_length=16, choices=AssessmentStatus.choices, default=AssessmentStatus.ASSESSED,
                      protected=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("考核人"), on_delete=models.PROTECT,
                                    related_name="+")
    assessed_at = models.DateTimeField(_("考核时间"), auto_now=True)
    reported_at = models.DateTimeField(_("报送时间"), null=True, blank=True)

    scope_union_lookup = "studio__unit"

    class Meta:
        verbose_name = _("年度考核")
        verbose_name_plural = _("年度考核")
        ordering = ["-year", "studio"]
        constraints = [models.UniqueConstraint(fields=["studio", "year"], name="one_assessment_per_studio_and_year")]

    def __str__(self):
        return f"{self.studio} {self.year} 年度考核"

    @transition(field=status, source=AssessmentStatus.ASSESSED, target=AssessmentStatus.REPORTED)
    def report(self):
        """考核情况年底前报市总工会 (第九条)."""
