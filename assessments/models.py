"""What follows a studio after naming (第五章, 第十四条).

第九条: the unit union reports each studio's year; its recommending union assesses every named studio on the
five points of 第九条 and reports to the municipal union before year end.
第十条, 第十一条: every two years a cycle assessment grades each studio 优秀, 合格 or 不合格; 不合格 opens a
rectification. 第十四条: the recommendations for higher honours, with their grounds.
"""
import os

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from core.uploads import random_name


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


class CyclePhase(models.TextChoices):
    """第十条's steps, as the municipal union moves the whole cycle through them."""

    EVALUATION = "evaluation", _("自评、评价和初审推荐")
    EXPERT_REVIEW = "expert_review", _("成果展示暨专家评审")
    DECISION = "decision", _("集体研究")
    CONCLUDED = "concluded", _("已公布结果")


class AssessmentCycle(ConcurrentTransitionMixin, models.Model):
    """周期考核 (第十条): every `cycle_years` years, for every active studio named that long ago."""

    year = models.PositiveSmallIntegerField(_("考核年度"), unique=True,
                                            validators=[MinValueValidator(2022), MaxValueValidator(2100)])
    union = models.ForeignKey("unions.Union", verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="+")
    rule_set = models.ForeignKey("rules.RuleSet", verbose_name=_("规则参数版本"), on_delete=models.PROTECT,
                                 related_name="cycles")
    phase = FSMField(_("阶段"), max_length=16, choices=CyclePhase.choices, default=CyclePhase.EVALUATION,
                     protected=True)
    self_deadline = models.DateField(_("工作室自评截止日"))
    evaluation_deadline = models.DateField(_("推荐单位评价和初审推荐截止日"))
    expert_deadline = models.DateField(_("专家评审截止日"))
    # 第十条: reusing the experts the municipal union chose for a naming round.
    panel = models.ForeignKey("reviews.ExpertPanel", verbose_name=_("专家评审组"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="cycles")
    meeting_date = models.DateField(_("集体研究日期"), null=True, blank=True)
    minutes_ref = models.CharField(_("会议纪要编号"), max_length=100, blank=True)
    notes = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    # Every signed-in role may see the cycle itself; its evaluations are scoped to the studios' unions.
    scope_union_lookup = None

    class Meta:
        verbose_name = _("周期考核")
        verbose_name_plural = _("周期考核")
        ordering = ["-year"]

    def __str__(self):
        return str(_("%(y)d 年度市级创新工作室周期考核")) % {"y": self.year}

    def get_absolute_url(self):
        return reverse("assessments:cycle_detail", args=[self.pk])

    @property
    def period(self):
        """The years the cycle looks back on: the `cycle_years` years ending with its own."""
        return range(self.year - self.rule_set.cycle_years + 1, self.year + 1)

    @property
    def deadlines(self):
        """The phases that end on a deadline (the self-evaluation's falls inside the first)."""
        return {CyclePhase.EVALUATION: self.evaluation_deadline, CyclePhase.EXPERT_REVIEW: self.expert_deadline}

    @property
    def current_deadline(self):
        return self.deadlines.get(self.phase)

    def has_panel(self):
        return self.panel_id is not None

    @transition(field=phase, source=CyclePhase.EVALUATION, target=CyclePhase.EXPERT_REVIEW, conditions=[has_panel])
    def start_expert_review(self):
        """初审推荐结束，市总工会组织成果展示暨专家评审（第十条）。"""

    @transition(field=phase, source=CyclePhase.EXPERT_REVIEW, target=CyclePhase.DECISION)
    def start_decision(self):
        """专家评审结束，集体研究（第十条）。"""

    @transition(field=phase, source=CyclePhase.DECISION, target=CyclePhase.CONCLUDED)
    def conclude(self):
        """集体研究确定等次并公布（第十一条）。"""


class CycleGrade(models.TextChoices):
    """第十一条: 周期考核结果分为优秀、合格和不合格三个等级."""

    EXCELLENT = "excellent", _("优秀")
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


class EvaluationStatus(models.TextChoices):
    SELF_PENDING = "self_pending", _("待工作室自评")
    SELF_SUBMITTED = "self_submitted", _("待推荐单位评价")
    EVALUATED = "evaluated", _("已评价，待初审推荐")
    RECOMMENDED = "recommended", _("已初审推荐")
    UNDER_REVIEW = "under_review", _("专家评审中")
    REVIEWED = "reviewed", _("专家评审完成")
    GRADED = "graded", _("已定等次")
    CLOSED = "closed", _("已终止")


# 第十条's focus: 规范化运作、创新创效情况、示范引领.
CYCLE_DIMENSIONS = [
    ("operation_rating", _("规范化运作")), ("innovation_rating", _("创新创效")), ("leadership_rating", _("示范引领")),
]


class CycleEvaluation(ConcurrentTransitionMixin, models.Model):
    """One studio in one cycle, from its self-evaluation to the grade (第十条, 第十一条)."""

    cycle = models.ForeignKey(AssessmentCycle, verbose_name=_("周期考核"), on_delete=models.PROTECT,
                              related_name="evaluations")
    studio = models.ForeignKey("studios.Studio", verbose_name=_("工作室"), on_delete=models.PROTECT,
                               related_name="cycle_evaluations")
    status = FSMField(_("状态"), max_length=16, choices=EvaluationStatus.choices,
                      default=EvaluationStatus.SELF_PENDING, protected=True, db_index=True)
    # 工作室自评 (the unit union files it for its studio)
    self_summary = models.TextField(_("自评报告"), blank=True,
                                    help_text=_("规范化运作、创新创效、示范引领等情况（第十条）"))
    self_grade = models.CharField(_("自评等次"), max_length=16, choices=CycleGrade.choices, blank=True)
    self_submitted_at = models.DateTimeField(_("自评提交时间"), null=True, blank=True)
    # 推荐单位评价
    operation_rating = models.CharField(_("规范化运作"), max_length=8, choices=Rating.choices, blank=True)
    innovation_rating = models.CharField(_("创新创效"), max_length=8, choices=Rating.choices, blank=True)
    leadership_rating = models.CharField(_("示范引领"), max_length=8, choices=Rating.choices, blank=True)
    evaluation_comment = models.TextField(_("推荐单位评价意见"), blank=True)
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("评价人"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    recommended_at = models.DateTimeField(_("初审推荐时间"), null=True, blank=True)
    # 集体研究 (第十一条)
    score = models.DecimalField(_("专家评审得分"), max_digits=4, decimal_places=1, null=True, blank=True)
    grade = models.CharField(_("考核等次"), max_length=16, choices=CycleGrade.choices, blank=True, db_index=True)
    decision_note = models.TextField(_("集体研究意见"), blank=True)

    scope_union_lookup = "studio__unit"

    class Meta:
        verbose_name = _("周期考核评价")
        verbose_name_plural = _("周期考核评价")
        ordering = ["cycle", "studio__name"]
        constraints = [models.UniqueConstraint(fields=["cycle", "studio"], name="one_evaluation_per_cycle_and_studio")]
        permissions = [("review_cycleevaluation", _("评审周期考核"))]

    def __str__(self):
        return f"{self.studio} {self.cycle.year} 周期考核"

    def get_absolute_url(self):
        return reverse("assessments:cycle_evaluation", args=[self.cycle_id, self.pk])

    @property
    def unit(self):
        # What reviews.panel_services.conflict_of and unions.recipients ask of the thing reviewed.
        return self.studio.unit

    @property
    def unit_id(self):
        return self.studio.unit_id

    @transition(field=status, source=EvaluationStatus.SELF_PENDING, target=EvaluationStatus.SELF_SUBMITTED)
    def submit_self(self):
        """工作室自评，由所在单位工会报推荐单位（第十条）。"""

    @transition(field=status, source=EvaluationStatus.SELF_SUBMITTED, target=EvaluationStatus.SELF_PENDING)
    def return_self(self):
        """推荐单位退回自评，要求补充。"""

    @transition(field=status, source=[EvaluationStatus.SELF_SUBMITTED, EvaluationStatus.EVALUATED],
                target=EvaluationStatus.EVALUATED)
    def evaluate(self):
        """推荐单位评价（第十条）；初审推荐前可以修改。"""

    @transition(field=status, source=EvaluationStatus.EVALUATED, target=EvaluationStatus.RECOMMENDED)
    def recommend(self):
        """县级总工会或市直基层工会初审推荐（第十条）。"""

    @transition(field=status, source=EvaluationStatus.RECOMMENDED, target=EvaluationStatus.UNDER_REVIEW)
    def start_review(self):
        """分配了评审专家。"""

    @transition(field=status, source=EvaluationStatus.UNDER_REVIEW, target=EvaluationStatus.REVIEWED)
    def finish_review(self):
        """所有未回避的专家都已评分。"""

    @transition(field=status, source=[s for s in EvaluationStatus.values
                                      if s not in (EvaluationStatus.GRADED, EvaluationStatus.CLOSED)],
                target=EvaluationStatus.GRADED)
    def confer_grade(self):
        """集体研究确定等次（第十一条）；未完成前序程序的，只能评为不合格。"""

    @transition(field=status, source=[s for s in EvaluationStatus.values
                                      if s not in (EvaluationStatus.GRADED, EvaluationStatus.CLOSED)],
                target=EvaluationStatus.CLOSED)
    def close(self):
        """考核期间工作室被取消或摘牌，不再考核（第八条）。"""


class CycleEvaluationUserObjectPermission(UserObjectPermissionBase):
    """guardian's per-object grants on cycle evaluations: an expert's assignment (第十条: 专家评审)."""

    content_object = models.ForeignKey(CycleEvaluation, on_delete=models.CASCADE)
    scope_union_lookup = "content_object__studio__unit"


class CycleEvaluationGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(CycleEvaluation, on_delete=models.CASCADE)
    scope_union_lookup = "content_object__studio__unit"


class CycleReview(models.Model):
    """One expert's review of one studio in the cycle: a mark out of 100 and an opinion, or a recusal."""

    evaluation = models.ForeignKey(CycleEvaluation, verbose_name=_("周期考核评价"), on_delete=models.CASCADE,
                                   related_name="reviews")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("评审专家"), on_delete=models.PROTECT,
                               related_name="cycle_reviews")
    status = models.CharField(_("状态"), max_length=16, choices=[
        ("assigned", _("待评分")), ("recused", _("已回避")), ("scored", _("已评分"))], default="assigned",
        db_index=True)
    total = models.DecimalField(_("得分"), max_digits=4, decimal_places=1, null=True, blank=True,
                                validators=[MinValueValidator(0), MaxValueValidator(100)])
    comment = models.TextField(_("评审意见"), blank=True)
    recusal_reason = models.TextField(_("回避原因"), blank=True)
    assigned_at = models.DateTimeField(_("分配时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    scope_union_lookup = "evaluation__studio__unit"

    class Meta:
        verbose_name = _("周期考核评审任务")
        verbose_name_plural = _("周期考核评审任务")
        ordering = ["evaluation", "expert"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "expert"], name="one_cycle_review_per_expert")]

    def __str__(self):
        return f"{self.expert} → {self.evaluation}"


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("整改中")
    REPORTED = "reported", _("已报整改情况，待复查")
    PASSED = "passed", _("复查合格")
    FAILED = "failed", _("复查不合格，拟摘牌")
    OVERDUE = "overdue", _("逾期未报整改情况，拟摘牌")
    DELISTED = "delisted", _("已摘牌")


# A rectification in these states proposes delisting under 第八条(四) for municipal staff to confirm.
DELISTING_PROPOSED = frozenset({RectificationStatus.FAILED, RectificationStatus.OVERDUE})


def rectification_path(instance, filename):
    return random_name("rectifications", os.path.splitext(filename)[1].lower())


class Rectification(ConcurrentTransitionMixin, models.Model):
    """限期整改 (第十一条): opened by a 不合格 grade; a failed re-check or a missed deadline leads to 摘牌."""

    evaluation = models.OneToOneField(CycleEvaluation, verbose_name=_("周期考核评价"), on_delete=models.PROTECT,
                                      related_name="rectification")
    studio = models.ForeignKey("studios.Studio", verbose_name=_("工作室"), on_delete=models.PROTECT,
                               related_name="rectifications")
    problems = models.TextField(_("存在问题和整改要求"))
    deadline = models.DateField(_("整改期限"))
    status = FSMField(_("状态"), max_length=16, choices=RectificationStatus.choices, default=RectificationStatus.OPEN,
                      protected=True, db_index=True)
    report = models.TextField(_("整改情况报告"), blank=True)
    report_file = models.FileField(_("整改证明材料"), upload_to=rectification_path, max_length=200, blank=True)
    report_file_name = models.CharField(_("证明材料文件名"), max_length=200, blank=True)
    reported_at = models.DateTimeField(_("报告时间"), null=True, blank=True)
    recheck_comment = models.TextField(_("复查意见"), blank=True)
    rechecked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("复查人"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    rechecked_at = models.DateTimeField(_("复查时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    scope_union_lookup = "studio__unit"

    class Meta:
        verbose_name = _("限期整改")
        verbose_name_plural = _("限期整改")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.studio} 限期整改"

    def get_absolute_url(self):
        return reverse("assessments:rectification_detail", args=[self.pk])

    @property
    def proposes_delisting(self):
        return self.status in DELISTING_PROPOSED

    @transition(field=status, source=RectificationStatus.OPEN, target=RectificationStatus.REPORTED)
    def submit_report(self):
        """所在单位工会报告整改情况。"""

    @transition(field=status, source=RectificationStatus.REPORTED, target=RectificationStatus.PASSED)
    def pass_recheck(self):
        """市总工会复查合格，恢复正常运行。"""

    @transition(field=status, source=RectificationStatus.REPORTED, target=RectificationStatus.FAILED)
    def fail_recheck(self):
        """复查不合格：整改不力，拟按第八条(四)摘牌。"""

    @transition(field=status, source=RectificationStatus.OPEN, target=RectificationStatus.OVERDUE)
    def mark_overdue(self):
        """整改期满未报告整改情况，拟按第八条(四)摘牌。"""

    @transition(field=status, source=list(DELISTING_PROPOSED), target=RectificationStatus.OPEN)
    def extend(self):
        """市总工会不予摘牌，给予新的整改期限。"""

    @transition(field=status, source=list(DELISTING_PROPOSED), target=RectificationStatus.DELISTED)
    def confirm_delisting(self):
        """市总工会确认摘牌（第八条(四)）。"""


class Honour(models.TextChoices):
    """第十四条: what the municipal union recommends studios, people and results for."""

    PROVINCIAL_STUDIO = "provincial_studio", _("省劳模和工匠人才创新工作室")
    PROVINCIAL_AWARD = "provincial_award", _("省五一劳动奖状")
    MUNICIPAL_AWARD = "municipal_award", _("市五一劳动奖状")
    PROVINCIAL_VANGUARD = "provincial_vanguard", _("省工人先锋号")
    MUNICIPAL_VANGUARD = "municipal_vanguard", _("市工人先锋号")
    PROVINCIAL_MEDAL = "provincial_medal", _("省五一劳动奖章")
    MUNICIPAL_MEDAL = "municipal_medal", _("市五一劳动奖章")
    NATIONAL_INNOVATION = "national_innovation", _("全国优秀职工技术创新成果奖")
    PROVINCIAL_INNOVATION = "provincial_innovation", _("省优秀职工技术创新成果奖")


# 第十四条: medals go to 领衔人及骨干成员; the innovation awards to 优秀创新成果; the rest to the studio.
PERSON_HONOURS = frozenset({Honour.PROVINCIAL_MEDAL, Honour.MUNICIPAL_MEDAL})
RESULT_HONOURS = frozenset({Honour.NATIONAL_INNOVATION, Honour.PROVINCIAL_INNOVATION})


class RecommendationStatus(models.TextChoices):
    PROPOSED = "proposed", _("拟推荐")
    SUBMITTED = "submitted", _("已推荐上报")
    AWARDED = "awarded", _("已获评")
    NOT_AWARDED = "not_awarded", _("未获评")
    WITHDRAWN = "withdrawn", _("已撤销")


class Recommendation(models.Model):
    """推荐评先 (第十四条): one studio, person or result put forward for one honour, with its grounds linked."""

    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(2022), MaxValueValidator(2100)])
    honour = models.CharField(_("推荐申报"), max_length=24, choices=Honour.choices)
    studio = models.ForeignKey("studios.Studio", verbose_name=_("工作室"), on_delete=models.PROTECT,
                               related_name="recommendations")
    nominee = models.CharField(_("推荐人选"), max_length=50, blank=True, help_text=_("奖章：领衔人或骨干成员的姓名"))
    result = models.ForeignKey("studios.StudioResult", verbose_name=_("推荐成果"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="recommendations")
    evaluation = models.ForeignKey(CycleEvaluation, verbose_name=_("依据：周期考核优秀"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="recommendations")
    grounds = models.TextField(_("推荐理由"))
    status = FSMField(_("状态"), max_length=16, choices=RecommendationStatus.choices,
                      default=RecommendationStatus.PROPOSED, protected=True, db_index=True)
    outcome_note = models.CharField(_("结果说明"), max_length=200, blank=True, help_text=_("如 授予文件文号"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    scope_union_lookup = "studio__unit"

    class Meta:
        verbose_name = _("推荐评先")
        verbose_name_plural = _("推荐评先")
        ordering = ["-year", "honour", "pk"]
        # Once per honour and year for a studio or a person, or for a result; a withdrawn one may be made again.
        constraints = [
            models.UniqueConstraint(fields=["year", "honour", "studio", "nominee"],
                                    condition=models.Q(result__isnull=True) & ~models.Q(status="withdrawn"),
                                    name="one_recommendation_per_honour_and_nominee"),
            models.UniqueConstraint(fields=["year", "honour", "result"],
                                    condition=models.Q(result__isnull=False) & ~models.Q(status="withdrawn"),
                                    name="one_recommendation_per_honour_and_result"),
        ]

    def __str__(self):
        return f"{self.year} {self.get_honour_display()}：{self.nominee or self.result or self.studio}"

    def get_absolute_url(self):
        return reverse("assessments:recommendation_list")

    @transition(field=status, source=RecommendationStatus.PROPOSED, target=RecommendationStatus.SUBMITTED)
    def submit(self):
        """报上级工会或评选机关。"""

    @transition(field=status, source=RecommendationStatus.SUBMITTED, target=RecommendationStatus.AWARDED)
    def award(self):
        """获评。"""

    @transition(field=status, source=RecommendationStatus.SUBMITTED, target=RecommendationStatus.NOT_AWARDED)
    def decline(self):
        """未获评。"""

    @transition(field=status, source=RecommendationStatus.PROPOSED, target=RecommendationStatus.WITHDRAWN)
    def withdraw(self):
        """上报前撤销。"""
