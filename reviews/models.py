"""The yearly naming round (第六条) and its phases.

第六条: 自下而上、逐级推荐 — the unit union applies, the county-level or
municipal-direct union reviews and recommends, and the municipal union audits,
has experts review, decides collectively, publishes a public notice and names.
A round walks those phases in order; each phase gates what applications may do.
"""
import os

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from core.personal_fields import (
    BlindIndexField, EncryptedContactField, EncryptedIdNumberField, EncryptedMobileField,
)
from core.uploads import random_name
from studios.models import HonourKind, ResultKind, ResultLevel, studio_name_for  # noqa: F401 (re-exported)


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
    # Set when the publicity starts: its length in working days comes from the rule set (第六条: 社会公示).
    publicity_start = models.DateField(_("公示开始日"), null=True, blank=True)
    publicity_end = models.DateField(_("公示结束日"), null=True, blank=True)
    # The naming decision (第六条: 择优命名).
    decision_number = models.CharField(_("命名决定文号"), max_length=50, blank=True)
    decision_date = models.DateField(_("命名决定日期"), null=True, blank=True)
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
        return str(_("%(year)d 年度%(level)s劳模和工匠人才创新工作室命名")) % {
            "year": self.year, "level": self.get_level_display()}

    def get_absolute_url(self):
        return reverse("reviews:round_detail", args=[self.pk])

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

    def has_deliberation(self):
        return Deliberation.objects.filter(naming_round=self).exists()

    @transition(field=phase, source=RoundPhase.DECISION, target=RoundPhase.PUBLICITY, conditions=[has_deliberation])
    def start_publicity(self):
        """集体研究确定名单，社会公示（第六条）。"""

    @transition(field=phase, source=RoundPhase.PUBLICITY, target=RoundPhase.CONCLUDED)
    def conclude(self):
        """公示结束，发布命名决定（第六条）。"""


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交，待初审")
    RETURNED = "returned", _("退回修改")
    RECOMMENDED = "recommended", _("已推荐，待市总审核")
    ACCEPTED = "accepted", _("审核通过")
    UNDER_REVIEW = "under_review", _("专家评审中")
    SCORED = "scored", _("评审完成")
    SHORTLISTED = "shortlisted", _("拟命名")
    NOT_SELECTED = "not_selected", _("未入选")
    IN_PUBLICITY = "in_publicity", _("公示中")
    APPROVED = "approved", _("公示通过")
    NAMED = "named", _("已命名")
    REJECTED = "rejected", _("未通过")
    WITHDRAWN = "withdrawn", _("已撤回")


# States in which the unit union may still edit the application.
EDITABLE_STATES = frozenset({ApplicationStatus.DRAFT, ApplicationStatus.RETURNED})
# States that end an application.
FINAL_STATES = frozenset({ApplicationStatus.NAMED, ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN,
                          ApplicationStatus.NOT_SELECTED})
# The unit may withdraw up to the collective decision (DESIGN.md).
WITHDRAWABLE_STATES = frozenset({ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.RETURNED,
                                 ApplicationStatus.RECOMMENDED, ApplicationStatus.ACCEPTED,
                                 ApplicationStatus.UNDER_REVIEW, ApplicationStatus.SCORED})


class LowerNaming(models.TextChoices):
    """第五条: 原则上从下列已命名的工作室中产生."""

    NONE = "", _("无")
    COUNTY_STUDIO = "county_studio", _("县（市、区）级劳模和工匠人才创新工作室")
    HIGH_SKILL = "high_skill", _("高技能人才工作室")
    WORKER_INNOVATION = "worker_innovation", _("职工创新工作室")
    WOMEN_INNOVATION = "women_innovation", _("女职工创新工作室")


class SystemKind(models.TextChoices):
    """第五条(四): the systems a studio must have in force."""

    ACTIVITY = "activity", _("活动开展")
    STUDY = "study", _("学习研究")
    TACKLING = "tackling", _("技术攻关")
    TRANSFER = "transfer", _("成果转化")
    REWARD = "reward", _("评估奖励")
    MANAGEMENT = "management", _("内部管理")


class Application(ConcurrentTransitionMixin, models.Model):
    """申报书: one unit union's application for one studio in one round, covering every condition of 第五条."""

    naming_round = models.ForeignKey(NamingRound, verbose_name=_("命名批次"), on_delete=models.PROTECT,
                                     related_name="applications")
    unit = models.ForeignKey("unions.Union", verbose_name=_("申报单位工会"), on_delete=models.PROTECT,
                             related_name="applications")
    status = FSMField(_("状态"), max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT,
                      protected=True, db_index=True)

    # 第五条(一): the leader and the team
    leader_name = models.CharField(_("领衔人姓名"), max_length=50)
    leader_gender = models.CharField(_("性别"), max_length=8, choices=[("male", _("男")), ("female", _("女"))],
                                     blank=True)
    leader_job_title = models.CharField(_("领衔人职务/岗位"), max_length=100, blank=True)
    leader_honour = models.CharField(_("领衔人荣誉称号"), max_length=32, blank=True,
                                     choices=[("", _("无")), *HonourKind.choices])
    leader_honour_year = models.PositiveSmallIntegerField(_("获评年份"), null=True, blank=True,
                                                          validators=[MinValueValidator(1950), MaxValueValidator(2100)])
    leader_honour_body = models.CharField(_("授予机关"), max_length=100, blank=True)
    # Personal data, encrypted at rest (README "Personal data"); the index finds a second application for the
    # same person in a round and a leader who already leads a studio.
    leader_id_number = EncryptedIdNumberField(_("领衔人身份证号"))
    leader_id_number_index = BlindIndexField(source="leader_id_number", purpose="id_number", db_index=True)
    leader_mobile = EncryptedMobileField(_("领衔人手机号"))
    founded_on = models.DateField(_("团队组建日期"), null=True, blank=True,
                                  help_text=_("第五条(一)：有效运行两年以上"))
    organisation = models.TextField(_("组织机构与分工"), blank=True)
    # 第五条(二): the platform
    venue_address = models.CharField(_("活动场所地址"), max_length=200, blank=True)
    venue_area = models.DecimalField(_("场所面积（平方米）"), max_digits=8, decimal_places=1, null=True, blank=True,
                                     validators=[MinValueValidator(0)])
    equipment = models.TextField(_("设备设施"), blank=True)
    has_plaque = models.BooleanField(_("已挂工作室牌匾"), default=False)
    # 第五条(三)
    annual_plan = models.TextField(_("年度工作方案或项目推进计划"), blank=True)
    # 第五条(四)
    systems = models.JSONField(_("已建立的制度"), default=list, blank=True)
    systems_posted = models.BooleanField(_("制度已张贴上墙"), default=False)
    # 第五条(五)
    training = models.TextField(_("培训交流活动"), blank=True,
                                help_text=_("线上线下培训、对外技术交流协作、导师带徒、技能竞赛等"))
    # 第五条(六)
    funding = models.TextField(_("经费来源"), blank=True, help_text=_("如成立发展基金、所在企业提供资金支持"))
    # 第五条(八)
    demonstration = models.TextField(_("示范效应"), blank=True)
    # 第五条: 原则上从已命名的下级工作室中产生
    lower_naming = models.CharField(_("已获下级命名"), max_length=24, choices=LowerNaming.choices, blank=True)
    lower_naming_date = models.DateField(_("下级命名日期"), null=True, blank=True)
    lower_naming_body = models.CharField(_("下级命名机关"), max_length=100, blank=True)
    # 第五条(九)
    not_rnd_declaration = models.BooleanField(
        _("本工作室不是企事业单位原有建制的研发机构或班组"), default=False, help_text=_("第五条(九)"))

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("填报人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    scope_union_lookup = "unit"

    class Meta:
        verbose_name = _("申报书")
        verbose_name_plural = _("申报书")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["-created_at", "-id"], name="application_keyset_order")]  # core/lists.py
        # Granted per application to its assigned experts (django-guardian).
        permissions = [("review_application", _("评审申报"))]

    def __str__(self):
        return self.studio_name or str(_("（未填写领衔人的申报）"))

    def get_absolute_url(self):
        return reverse("reviews:application_detail", args=[self.pk])

    @property
    def studio_name(self):
        """The name 第六条 will give the studio: 领衔人姓名+劳模和工匠人才创新工作室."""
        return studio_name_for(self.leader_name) if self.leader_name else ""

    @property
    def is_editable(self):
        return self.status in EDITABLE_STATES

    # Transitions: guards only; reviews.services does the work and checks the role and the phase.
    @transition(field=status, source=[ApplicationStatus.DRAFT, ApplicationStatus.RETURNED],
                target=ApplicationStatus.SUBMITTED)
    def submit(self):
        """单位工会提交（或修改后重新提交）申报（第六条）。"""

    @transition(field=status, source=[ApplicationStatus.SUBMITTED, ApplicationStatus.RECOMMENDED],
                target=ApplicationStatus.RETURNED)
    def return_for_revision(self):
        """初审或审核：退回单位工会修改，修改后重新提交。"""

    @transition(field=status, source=ApplicationStatus.SUBMITTED, target=ApplicationStatus.RECOMMENDED)
    def recommend(self):
        """初审通过，向市总工会推荐（第六条）。"""

    @transition(field=status, source=[ApplicationStatus.SUBMITTED, ApplicationStatus.RECOMMENDED],
                target=ApplicationStatus.REJECTED)
    def reject(self):
        """初审不予推荐，或市总工会审核不予通过。"""

    @transition(field=status, source=ApplicationStatus.RECOMMENDED, target=ApplicationStatus.ACCEPTED)
    def accept(self):
        """市总工会审核通过，进入专家评审（第六条）。"""

    @transition(field=status, source=ApplicationStatus.ACCEPTED, target=ApplicationStatus.UNDER_REVIEW)
    def start_review(self):
        """分配了第一位评审专家。"""

    @transition(field=status, source=ApplicationStatus.UNDER_REVIEW, target=ApplicationStatus.SCORED)
    def finish_review(self):
        """所有未回避的专家都已提交评分。"""

    @transition(field=status, source=ApplicationStatus.SCORED, target=ApplicationStatus.SHORTLISTED)
    def shortlist(self):
        """集体研究确定为拟命名对象（第六条）。"""

    @transition(field=status, source=ApplicationStatus.SCORED, target=ApplicationStatus.NOT_SELECTED)
    def decline(self):
        """集体研究未入选。"""

    @transition(field=status, source=ApplicationStatus.SHORTLISTED, target=ApplicationStatus.IN_PUBLICITY)
    def publish(self):
        """进入社会公示（第六条）。"""

    @transition(field=status, source=ApplicationStatus.IN_PUBLICITY, target=ApplicationStatus.NOT_SELECTED)
    def remove_after_objection(self):
        """公示期间异议经核实成立，移出拟命名名单。"""

    @transition(field=status, source=ApplicationStatus.IN_PUBLICITY, target=ApplicationStatus.APPROVED)
    def approve(self):
        """公示期满无成立的异议。"""

    @transition(field=status, source=ApplicationStatus.APPROVED, target=ApplicationStatus.NAMED)
    def confer_title(self):
        """市总工会发布命名决定（第六条：择优命名）。"""

    @transition(field=status, source=list(WITHDRAWABLE_STATES), target=ApplicationStatus.WITHDRAWN)
    def withdraw(self):
        """单位工会在集体研究前撤回申报。"""


class ApplicationResult(models.Model):
    """第五条(七): an innovation result, counted per year."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="results",
                                     verbose_name=_("申报书"))
    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    kind = models.CharField(_("类别"), max_length=16, choices=ResultKind.choices)
    title = models.CharField(_("成果名称"), max_length=200)
    patent_number = models.CharField(_("专利号"), max_length=50, blank=True)
    level = models.CharField(_("认可级别"), max_length=16, choices=ResultLevel.choices, blank=True)
    issuing_body = models.CharField(_("认可或授予机关"), max_length=100, blank=True)

    scope_union_lookup = "application__unit"

    class Meta:
        verbose_name = _("创新成果")
        verbose_name_plural = _("创新成果")
        ordering = ["year", "pk"]

    def __str__(self):
        return self.title


class ApplicationMember(models.Model):
    """第五条(一): a member of the team named in the application."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="members",
                                     verbose_name=_("申报书"))
    name = models.CharField(_("姓名"), max_length=50)
    role = models.CharField(_("团队分工"), max_length=50, blank=True)
    job_title = models.CharField(_("职务/岗位"), max_length=100, blank=True)
    mobile = EncryptedMobileField(_("手机号"))

    scope_union_lookup = "application__unit"

    class Meta:
        verbose_name = _("团队成员")
        verbose_name_plural = _("团队成员")
        ordering = ["pk"]

    def __str__(self):
        return self.name


class AttachmentKind(models.TextChoices):
    HONOUR = "honour", _("领衔人荣誉证书")
    PATENT = "patent", _("专利证书")
    RECOGNITION = "recognition", _("成果认可文件")
    SYSTEMS = "systems", _("工作制度")
    PLAN = "plan", _("工作方案或计划")
    PHOTO = "photo", _("场所与牌匾照片")
    LOWER_NAMING = "lower_naming", _("下级命名文件")
    OTHER = "other", _("其他")


def attachment_path(instance, filename):
    """Random stored names; the original name is kept in the row."""
    return random_name("applications", os.path.splitext(filename)[1].lower())


class ApplicationAttachment(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments",
                                    verbose_name=_("申报书"))
    kind = models.CharField(_("材料类别"), max_length=16, choices=AttachmentKind.choices)
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("类型"), max_length=100)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    scope_union_lookup = "application__unit"

    class Meta:
        verbose_name = _("申报附件")
        verbose_name_plural = _("申报附件")
        ordering = ["kind", "uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


class ApplicationUserObjectPermission(UserObjectPermissionBase):
    """guardian's per-object grants on applications, with a real foreign key (an expert's assignment)."""

    content_object = models.ForeignKey(Application, on_delete=models.CASCADE)
    scope_union_lookup = "content_object__unit"


class ApplicationGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Application, on_delete=models.CASCADE)
    scope_union_lookup = "content_object__unit"


class ExpertPanel(models.Model):
    """专家评审组: one per round; municipal staff choose its experts (第六条: 专家评审)."""

    naming_round = models.OneToOneField(NamingRound, verbose_name=_("命名批次"), on_delete=models.PROTECT,
                                        related_name="panel")
    experts = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("评审专家"), related_name="panels",
                                     blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    # The municipal union owns the panel: only whole-tree roles see it through scoping.
    scope_union_lookup = "naming_round__union"

    class Meta:
        verbose_name = _("专家评审组")
        verbose_name_plural = _("专家评审组")

    def __str__(self):
        return str(_("%(round)s专家评审组")) % {"round": self.naming_round}


class AssignmentStatus(models.TextChoices):
    ASSIGNED = "assigned", _("待评分")
    RECUSED = "recused", _("已回避")
    SCORED = "scored", _("已评分")


class Assignment(models.Model):
    """评审任务: one expert, one application."""

    panel = models.ForeignKey(ExpertPanel, verbose_name=_("专家评审组"), on_delete=models.CASCADE,
                              related_name="assignments")
    application = models.ForeignKey(Application, verbose_name=_("申报书"), on_delete=models.CASCADE,
                                    related_name="assignments")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("评审专家"), on_delete=models.PROTECT,
                               related_name="assignments")
    status = models.CharField(_("状态"), max_length=16, choices=AssignmentStatus.choices,
                              default=AssignmentStatus.ASSIGNED, db_index=True)
    recusal_reason = models.TextField(_("回避原因"), blank=True)
    total = models.DecimalField(_("总分"), max_digits=5, decimal_places=1, null=True, blank=True)
    comment = models.TextField(_("评审意见"), blank=True)
    assigned_at = models.DateTimeField(_("分配时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    scope_union_lookup = "application__unit"

    class Meta:
        verbose_name = _("评审任务")
        verbose_name_plural = _("评审任务")
        ordering = ["application", "expert"]
        constraints = [models.UniqueConstraint(fields=["application", "expert"], name="one_assignment_per_expert")]

    def __str__(self):
        return f"{self.expert} → {self.application}"

    def get_absolute_url(self):
        """The task's page while it is open; once scored or recused, the expert's list of tasks."""
        if self.status == AssignmentStatus.ASSIGNED:
            return reverse("reviews:assignment_detail", args=[self.pk])
        return reverse("reviews:assignment_list")


class ScoreItem(models.Model):
    """One criterion's points in a submitted score; never changed afterwards."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="items")
    criterion = models.ForeignKey("rules.ScoringCriterion", on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("得分"), max_digits=5, decimal_places=1)

    scope_union_lookup = "assignment__application__unit"

    class Meta:
        verbose_name = _("评分项得分")
        verbose_name_plural = _("评分项得分")
        constraints = [models.UniqueConstraint(fields=["assignment", "criterion"], name="one_score_per_criterion")]


class Deliberation(models.Model):
    """集体研究: the meeting that chose the shortlist from the ranking (第六条)."""

    naming_round = models.OneToOneField(NamingRound, verbose_name=_("命名批次"), on_delete=models.PROTECT,
                                        related_name="deliberation")
    meeting_date = models.DateField(_("会议日期"))
    minutes_ref = models.CharField(_("会议纪要编号"), max_length=100)
    notes = models.TextField(_("说明"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    scope_union_lookup = "naming_round__union"

    class Meta:
        verbose_name = _("集体研究")
        verbose_name_plural = _("集体研究")

    def __str__(self):
        return f"{self.naming_round} {self.minutes_ref}"


class ObjectionChannel(models.TextChoices):
    ONLINE = "online", _("网上提交")
    LETTER = "letter", _("来信")
    PHONE = "phone", _("来电")
    VISIT = "visit", _("来访")
    EMAIL = "email", _("电子邮件")


class ObjectorKind(models.TextChoices):
    PERSON = "person", _("个人（实名）")
    UNIT = "unit", _("单位（加盖公章）")


class ObjectionStatus(models.TextChoices):
    RECEIVED = "received", _("待核实")
    UPHELD = "upheld", _("异议成立")
    DISMISSED = "dismissed", _("异议不成立")


def objection_path(instance, filename):
    return random_name("objections", os.path.splitext(filename)[1].lower())


class Objection(models.Model):
    """异议: raised against a shortlisted studio during the publicity (第六条: 社会公示)."""

    application = models.ForeignKey(Application, verbose_name=_("公示对象"), on_delete=models.PROTECT,
                                    related_name="objections")
    channel = models.CharField(_("渠道"), max_length=16, choices=ObjectionChannel.choices)
    objector_kind = models.CharField(_("异议人类别"), max_length=16, choices=ObjectorKind.choices)
    objector_name = models.CharField(_("姓名或单位名称"), max_length=100)
    # The objector's telephone or e-mail, encrypted at rest; municipal staff, who verify objections, read it.
    contact = EncryptedContactField(_("联系方式"), blank=False, help_text=_("电话或电子邮箱"))
    facts = models.TextField(_("异议事实"))
    letter = models.FileField(_("单位盖章函或证明材料"), upload_to=objection_path, max_length=200, blank=True)
    letter_name = models.CharField(_("文件名"), max_length=200, blank=True)
    received_at = models.DateTimeField(_("收到时间"), auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+", help_text=_("网上提交的为空"))
    status = models.CharField(_("核实结果"), max_length=16, choices=ObjectionStatus.choices,
                              default=ObjectionStatus.RECEIVED, db_index=True)
    handling = models.TextField(_("核实处理意见"), blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("处理人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    scope_union_lookup = "application__unit"

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ["-received_at", "-pk"]

    def __str__(self):
        return f"{self.objector_name} → {self.application}"

    def get_absolute_url(self):
        return reverse("reviews:objections", args=[self.application.naming_round_id])


class SiteVisit(models.Model):
    """现场考察: an optional visit between the audit and the expert review, with its findings."""

    application = models.ForeignKey(Application, verbose_name=_("申报书"), on_delete=models.CASCADE,
                                    related_name="site_visits")
    visited_on = models.DateField(_("考察日期"))
    visitors = models.CharField(_("考察人员"), max_length=200)
    findings = models.TextField(_("考察情况"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    scope_union_lookup = "application__unit"

    class Meta:
        verbose_name = _("现场考察")
        verbose_name_plural = _("现场考察")
        ordering = ["visited_on", "pk"]

    def __str__(self):
        return f"{self.application} {self.visited_on:%Y-%m-%d}"
