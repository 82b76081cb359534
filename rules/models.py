"""The rule set: every number the rules fix, with the article it comes from (DESIGN.md, "Numbers are rules").

A rule set is a numbered version. Once a naming round (or any later process)
has been opened with a version, that version is frozen: the round keeps it,
and a change is made by copying it into a new version (services.ruleset_copy).
Another union adopting these rules (第二十条) edits the parameters, not code.
"""
import calendar
import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Aggregation(models.TextChoices):
    MEAN = "mean", _("算术平均")
    MEDIAN = "median", _("中位数")
    TRIMMED_MEAN = "trimmed_mean", _("去掉一个最高分和一个最低分后平均")


def _positive(**kwargs):
    return models.PositiveSmallIntegerField(validators=[MinValueValidator(1)], **kwargs)


class RuleSetQuerySet(models.QuerySet):
    def current(self):
        """The newest published version: what a new round is opened with."""
        return self.filter(published=True).order_by("-version").first()


class RuleSet(models.Model):
    version = models.PositiveIntegerField(_("版本号"), unique=True, editable=False)
    title = models.CharField(_("名称"), max_length=100, default="揭阳市劳模和工匠人才创新工作室命名管理实施细则")
    source = models.CharField(_("依据文件"), max_length=100, default="揭工总〔2022〕39号")
    published = models.BooleanField(
        _("已启用"), default=False,
        help_text=_("启用后，新开启的命名批次等流程使用最新启用的版本；已开启的批次继续使用开启时的版本。"),
    )
    notes = models.TextField(_("修订说明"), blank=True)

    # 第六条: 每年命名 5-10 家
    quota_min = _positive(verbose_name=_("年度命名数量下限"), default=5, help_text=_("第六条：每年命名 5-10 家"))
    quota_max = _positive(verbose_name=_("年度命名数量上限"), default=10, help_text=_("第六条：每年命名 5-10 家"))
    # 第五条(一): 有效运行两年以上
    min_operating_years = _positive(verbose_name=_("最短运行年限（年）"), default=2,
                                    help_text=_("第五条(一)：团队有效运行两年以上"))
    # 第五条(七): 每年有 1-2 项创新成果
    results_per_year_min = _positive(verbose_name=_("每年创新成果下限（项）"), default=1,
                                     help_text=_("第五条(七)：每年有 1-2 项创新成果得到县级以上部门认可或获得国家专利"))
    results_per_year_max = _positive(verbose_name=_("每年创新成果上限（项）"), default=2,
                                     help_text=_("第五条(七)"))
    # 第六条: 社会公示 (the rules give no length; five working days is the common practice)
    publicity_working_days = _positive(verbose_name=_("公示期（工作日）"), default=5,
                                       help_text=_("第六条：社会公示；按工作日计，法定节假日不计、调休上班日计入"))
    # 第六条: 专家评审
    experts_per_application = _positive(verbose_name=_("每份申报的评审专家人数"), default=3,
                                        help_text=_("第六条：专家评审"))
    score_aggregation = models.CharField(_("得分计算方法"), max_length=16, choices=Aggregation.choices,
                                         default=Aggregation.MEAN, help_text=_("第六条：专家评审；回避的专家不计入"))
    score_spread_alert = models.DecimalField(_("分差提示阈值（分）"), max_digits=5, decimal_places=1,
                                             default=Decimal("20.0"),
                                             help_text=_("同一申报最高分与最低分之差超过此值时提示"))
    # phase lengths in days: the defaults for a new round's deadlines
    application_days = _positive(verbose_name=_("申报期（天）"), default=30, help_text=_("第六条：单位工会提出申请"))
    preliminary_review_days = _positive(verbose_name=_("初审推荐期（天）"), default=15,
                                        help_text=_("第六条：县级总工会或市直基层工会初审后推荐"))
    audit_days = _positive(verbose_name=_("审核期（天）"), default=15, help_text=_("第六条：市总工会组织审核"))
    expert_review_days = _positive(verbose_name=_("专家评审期（天）"), default=20, help_text=_("第六条：专家评审"))
    decision_days = _positive(verbose_name=_("集体研究期（天）"), default=10, help_text=_("第六条：集体研究"))
    reminder_days_before = _positive(verbose_name=_("截止前提醒（天）"), default=3,
                                     help_text=_("截止日前几天提醒尚未完成的人员"))
    # 第十三条: 每家 2-3 万元
    subsidy_min = models.DecimalField(_("补助资金下限（元）"), max_digits=10, decimal_places=2,
                                      default=Decimal("20000.00"), help_text=_("第十三条：每家 2-3 万元补助资金"))
    subsidy_max = models.DecimalField(_("补助资金上限（元）"), max_digits=10, decimal_places=2,
                                      default=Decimal("30000.00"), help_text=_("第十三条：每家 2-3 万元补助资金"))
    # 第十二条, 第十三条: 专款专用 — the rules give no deadline for spending; this only flags money left unused.
    subsidy_idle_months = _positive(verbose_name=_("补助资金闲置提示（月）"), default=6,
                                    help_text=_("第十三条：拨付后超过此月数仍无支出的补助资金，在补助资金概况中提示"))
    # 第十条, 第十一条
    cycle_years = _positive(verbose_name=_("周期考核间隔（年）"), default=2, help_text=_("第十条：每两年进行周期考核"))
    rectification_days = _positive(verbose_name=_("整改期限（天）"), default=90,
                                   help_text=_("第十一条：考核不合格的限期整改"))
    # 第十一条 gives three grades but no marks; these turn the experts' score into the grade proposed to the
    # collective decision, which may depart from it with a reason.
    cycle_excellent_score = models.DecimalField(
        _("周期考核优秀分数线"), max_digits=4, decimal_places=1, default=Decimal("90.0"),
        help_text=_("第十一条：专家评审得分达到此分数的，建议评为优秀"))
    cycle_pass_score = models.DecimalField(
        _("周期考核合格分数线"), max_digits=4, decimal_places=1, default=Decimal("60.0"),
        help_text=_("第十一条：专家评审得分低于此分数的，建议评为不合格"))
    # 第九条: 考核情况年底前报市总工会
    annual_deadline_month = _positive(verbose_name=_("年度考核上报截止月"), default=12, help_text=_("第九条：年底前报市总工会"))
    annual_deadline_day = _positive(verbose_name=_("年度考核上报截止日"), default=31, help_text=_("第九条"))
    # 第九条: 所在单位工会每年向上级工会报告运行情况 (the rules give no date; before the assessment is due)
    annual_report_month = _positive(verbose_name=_("运行情况报告截止月"), default=11,
                                    help_text=_("第九条：单位工会每年向上级工会报告创新工作室运行情况"))
    annual_report_day = _positive(verbose_name=_("运行情况报告截止日"), default=30, help_text=_("第九条"))

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = RuleSetQuerySet.as_manager()

    def annual_deadlines(self, year):
        """(the units' operation reports, the recommending unions' assessments) of `year` (第九条)."""
        def on(month, day):
            return datetime.date(year, month, min(day, calendar.monthrange(year, month)[1]))

        return on(self.annual_report_month, self.annual_report_day), on(self.annual_deadline_month,
                                                                           self.annual_deadline_day)

    # Visible to every signed-in role: the rules are public.
    scope_union_lookup = None

    class Meta:
        verbose_name = _("规则参数")
        verbose_name_plural = _("规则参数")
        ordering = ["-version"]

    def __str__(self):
        return _("第 %(v)d 版 %(title)s") % {"v": self.version or 0, "title": self.title}

    def clean(self):
        errors = {}
        pairs = [
            ("quota_min", "quota_max", _("第六条：年度命名数量下限不能大于上限。")),
            ("results_per_year_min", "results_per_year_max", _("第五条(七)：每年创新成果下限不能大于上限。")),
            ("subsidy_min", "subsidy_max", _("第十三条：补助资金下限不能大于上限。")),
            ("cycle_pass_score", "cycle_excellent_score", _("第十一条：合格分数线不能高于优秀分数线。")),
        ]
        for low, high, message in pairs:
            if getattr(self, low) is not None and getattr(self, high) is not None and getattr(self, low) > getattr(self, high):
                errors[low] = message
        for month, day in (("annual_deadline_month", "annual_deadline_day"), ("annual_report_month", "annual_report_day")):
            if getattr(self, month) and not 1 <= getattr(self, month) <= 12:
                errors[month] = _("月份应在 1 至 12 之间。")
            if getattr(self, day) and not 1 <= getattr(self, day) <= 31:
                errors[day] = _("日期应在 1 至 31 之间。")
        for field in ("cycle_pass_score", "cycle_excellent_score"):
            if getattr(self, field) is not None and not 0 <= getattr(self, field) <= 100:
                errors[field] = _("分数线应在 0 至 100 之间。")
        if errors:
            raise ValidationError(errors)

    def cycle_grade_for(self, score):
        """The grade (第十一条) the experts' score proposes: excellent, pass or fail."""
        if score is None:
            return None
        if score >= self.cycle_excellent_score:
            return "excellent"
        return "pass" if score >= self.cycle_pass_score else "fail"


class ScoringCriterion(models.Model):
    """One line of the expert rubric; the maximum scores of a rule set add up to 100."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("规则参数"))
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    name = models.CharField(_("评分项"), max_length=50)
    article = models.CharField(_("依据条款"), max_length=30, help_text=_("如 第五条(七)"))
    description = models.CharField(_("评分要点"), max_length=300, blank=True)
    max_score = models.DecimalField(_("满分"), max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))])

    scope_union_lookup = None

    class Meta:
        verbose_name = _("评分项")
        verbose_name_plural = _("评分项")
        ordering = ["rule_set", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["rule_set", "name"], name="unique_criterion_name_per_rule_set")]

    def __str__(self):
        return f"{self.name}（{self.max_score}）"


# The rubric of a new rule set, one line per condition of 第五条 that experts weigh.
DEFAULT_CRITERIA = [
    ("团队建设", "第五条(一)", "领衔人水平、团队稳定、组织健全、分工明确", Decimal("15")),
    ("工作平台", "第五条(二)", "固定场所、设备设施、牌匾标志", Decimal("10")),
    ("计划与制度", "第五条(三)(四)", "年度方案或项目计划及实施；活动、学习、攻关、转化、奖励、管理制度", Decimal("15")),
    ("人才培养", "第五条(五)", "培训交流、导师带徒、技能竞赛及成效", Decimal("15")),
    ("经费保障", "第五条(六)", "经费来源和可持续的成果转化", Decimal("10")),
    ("创新成果", "第五条(七)", "攻关课题、创新成果、专利、成果和人才数据库", Decimal("25")),
    ("示范效应", "第五条(八)", "传帮带、先进操作法推广、成果转化的标杆作用", Decimal("10")),
]
