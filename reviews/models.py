"""The yearly naming round (第六条) and its phases.

第六条: 自下而上、逐级推荐 — the unit union applies, the county-level or
municipal-direct union reviews and recommends, and the municipal union audits,
has experts review, decides collectively, publishes a public notice and names.
A round walks those phases in order; each phase gates what applications may do.
"""
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition


class RoundPhase(models.TextChoices):
    DRAFT = "draft", _("筹备中")
    APPLICATION = "application", _("申报")
    PRELIMINARY = "preliminary", _("初审推荐")
    AUDIT = "audit", _("市总审核")
    EXPERT_REVIEW = "expert_review", _("专家评审")
    DECISION = "decision", _("集体研究")
    PUBLICITY = "publicity", _("社会公示")
    CONCLUDED = "concluded", _("已命名")


# The phases in the order 第六条 gives them.
PHASE_ORDER = list(RoundPhase)


class RoundLevel(models.TextChoices):
    MUNICIPAL = "municipal", _("市级")


class NamingRound(ConcurrentTransitionMixin, models.Model):
    """年度命名批次: one per year and level."""

    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(2022), MaxValueValidator(2100)])
    level = models.CharField(_("级别"), max_length=16, choices=RoundLevel.choices, default=RoundLevel.MUNICIPAL)
    # The organising union (市总工会): transitions of the round are logged under it.
    union = models.ForeignKey("unions.Union", verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="+")
    # The rule set the round was opened with; published rule sets never change (rules app).
    rule_set = models.ForeignKey("rules.RuleSet", verbose_name=_("规则参数版本"), on_delete=models.PROTECT,
                                 related_name="rounds")
    phase = FSMField(_("阶段"), max_length=16, choices=RoundPhase.choices, default=RoundPhase.DRAFT, protected=True)
    application_deadline = models.DateField(_("申报截止日"))
    preliminary_deadline = models.DateField(_("初审推荐截止日"))
    audit_deadline = models.DateField(_("市总审核截止日"))
    expert_deadline = models.DateField(_("专家评审截止日"))
    decision_deadline = models.DateField(_("集体研究截止日"))
    notes = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    # Every signed-in role may see the rounds: units need to know when to apply.
    scope_union_lookup = None

    class Meta:
        verbose_name = _("命名批次")
        verbose_name_plural = _("命名批次")
        ordering = ["-year", "level"]
        constraints = [models.UniqueConstraint(fields=["year", "level"], name="one_round_per_year_and_level")]

    def __str__(self):
        return _("%(year)d 年度%(level)s劳模和工匠人才创新工作室命名") % {
            "year": self.year, "level": self.get_level_display()}

    @property
    def deadlines(self):
        """(phase, deadline) for the phases that have one, in order."""
        return [
            (RoundPhase.APPLICATION, self.application_deadline),
            (RoundPhase.PRELIMINARY, self.preliminary_deadline),
            (RoundPhase.AUDIT, self.audit_deadline),
            (RoundPhase.EXPERT_REVIEW, self.expert_deadline),
            (RoundPhase.DECISION, self.decision_deadline),
        ]

    @property
    def current_deadline(self):
        return dict(self.deadlines).get(self.phase)

    # Transitions: guards only; services.round_advance does the work.
    @transition(field=phase, source=RoundPhase.DRAFT, target=RoundPhase.APPLICATION)
    def open_applications(self):
        """申报开始：单位工会可以填写和提交申报（第六条）。"""

    @transition(field=phase, source=RoundPhase.APPLICATION, target=RoundPhase.PRELIMINARY)
    def start_preliminary_review(self):
        """申报截止，县级总工会或市直基层工会初审推荐（第六条）。"""

    @transition(field=phase, source=RoundPhase.PRELIMINARY, target=RoundPhase.AUDIT)
    def start_audit(self):
        """初审推荐结束，市总工会组织审核（第六条）。"""

    @transition(field=phase, source=RoundPhase.AUDIT, target=RoundPhase.EXPERT_REVIEW)
    def start_expert_review(self):
        """审核结束，专家评审（第六条）。"""

    @transition(field=phase, source=RoundPhase.EXPERT_REVIEW, target=RoundPhase.DECISION)
    def start_decision(self):
        """专家评审结束，集体研究（第六条）。"""

    @transition(field=phase, source=RoundPhase.DECISION, target=RoundPhase.PUBLICITY)
    def start_publicity(self):
        """集体研究确定名单，社会公示（第六条）。"""

    @transition(field=phase, source=RoundPhase.PUBLICITY, target=RoundPhase.CONCLUDED)
    def conclude(self):
        """公示结束，发布命名决定（第六条）。"""
