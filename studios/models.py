"""Leaders, studios and their members (第二条, 第五条, 第六条).

The naming workflow (reviews) creates studios; the lifecycle after naming
(第七条, 第八条, 第十一条) adds its transitions to Studio.status.
"""
import os

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from core.personal_fields import BlindIndexField, EncryptedIdNumberField, EncryptedMobileField
from core.uploads import random_name
from unions.models import Union, UnionKind

# 第六条: 命名规则：领衔人姓名+劳模和工匠人才创新工作室。
STUDIO_NAME_SUFFIX = "劳模和工匠人才创新工作室"


def studio_name_for(leader_name):
    """The name 第六条 gives a studio led by `leader_name`."""
    return f"{leader_name.strip()}{STUDIO_NAME_SUFFIX}"


class HonourKind(models.TextChoices):
    """The leader's standing under 第五条(一): a 市级以上劳模 or a 工匠人才."""

    NATIONAL_MODEL = "national_model", _("全国劳动模范")
    PROVINCIAL_MODEL = "provincial_model", _("省级劳动模范")
    MUNICIPAL_MODEL = "municipal_model", _("市级劳动模范")
    NATIONAL_CRAFTSMAN = "national_craftsman", _("全国技术能手 / 大国工匠")
    PROVINCIAL_CRAFTSMAN = "provincial_craftsman", _("南粤工匠 / 省级工匠")
    MUNICIPAL_CRAFTSMAN = "municipal_craftsman", _("揭阳工匠 / 市级工匠")


class Gender(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class Leader(models.Model):
    """领衔人: a model worker or craftsman who leads a studio (第五条(一))."""

    name = models.CharField(_("姓名"), max_length=50, db_index=True)
    gender = models.CharField(_("性别"), max_length=8, choices=Gender.choices, blank=True)
    unit = models.ForeignKey(
        Union,
        verbose_name=_("所在单位工会"),
        on_delete=models.PROTECT,
        related_name="leaders",
        limit_choices_to={"kind": UnionKind.UNIT},
    )
    job_title = models.CharField(_("职务/岗位"), max_length=100, blank=True)
    honour = models.CharField(_("荣誉称号"), max_length=32, choices=HonourKind.choices)
    honour_year = models.PositiveSmallIntegerField(
        _("获评年份"), validators=[MinValueValidator(1950), MaxValueValidator(2100)]
    )
    # Personal data (README "Personal data"): encrypted at rest, masked except for sees_personal_data. The
    # identity number tells one person from another of the same name (第六条 names a studio after its leader)
    # and lets the municipal union check the 劳模 or 工匠 title (第五条(一)); one row per person, found by the
    # blind index, never by the number.
    id_number = EncryptedIdNumberField(_("身份证号"))
    id_number_index = BlindIndexField(source="id_number", purpose="id_number")
    mobile = EncryptedMobileField(_("手机号"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    scope_union_lookup = "unit"

    class Meta:
        verbose_name = _("领衔人")
        verbose_name_plural = _("领衔人")
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["id_number_index"], condition=~models.Q(id_number_index=""),
                                               name="one_leader_per_id_number")]

    def __str__(self):
        return self.name


class ResultLevel(models.TextChoices):
    COUNTY = "county", _("县级")
    MUNICIPAL = "municipal", _("市级")
    PROVINCIAL = "provincial", _("省级")
    NATIONAL = "national", _("国家级")


class ResultKind(models.TextChoices):
    """第五条(七): 创新成果 — 国家专利, 县级以上有关部门认可, and the operating methods a studio promotes."""

    PATENT = "patent", _("国家专利")
    RECOGNITION = "recognition", _("县级以上部门认可")
    METHOD = "method", _("先进操作（工作）法")


class StudioStatus(models.TextChoices):
    ACTIVE = "active", _("正常运行")
    RECTIFYING = "rectifying", _("限期整改")
    CANCELLED = "cancelled", _("已取消")
    DELISTED = "delisted", _("已摘牌")


# States in which a studio holds the municipal title and appears in the public registry.
TITLED_STATES = frozenset({StudioStatus.ACTIVE, StudioStatus.RECTIFYING})


class Studio(models.Model):
    """A named municipal studio (市级创新工作室)."""

    name = models.CharField(_("工作室名称"), max_length=100, unique=True)
    unit = models.ForeignKey(
        Union,
        verbose_name=_("所在单位工会"),
        on_delete=models.PROTECT,
        related_name="studios",
        limit_choices_to={"kind": UnionKind.UNIT},
    )
    leader = models.ForeignKey(Leader, verbose_name=_("领衔人"), on_delete=models.PROTECT, related_name="studios")
    # Changed only by the transitions below, through studios.lifecycle_services (第七条, 第八条, 第十一条).
    status = FSMField(_("状态"), max_length=16, choices=StudioStatus.choices, default=StudioStatus.ACTIVE, db_index=True)
    # When and why the studio left the registry (cancelled or delisted).
    ended_on = models.DateField(_("取消或摘牌日期"), null=True, blank=True)
    named_year = models.PositiveSmallIntegerField(
        _("命名年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)], db_index=True
    )
    decision_number = models.CharField(_("命名文号"), max_length=50, blank=True)
    field = models.CharField(_("专业领域"), max_length=100, blank=True)
    founded_on = models.DateField(_("组建日期"), null=True, blank=True)
    address = models.CharField(_("活动场所"), max_length=200, blank=True)
    description = models.TextField(_("简介"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope_union_lookup = "unit"

    class Meta:
        verbose_name = _("创新工作室")
        verbose_name_plural = _("创新工作室")
        ordering = ["-named_year", "name"]
        # The lists' keyset order (core/lists.py): the studio list and the public registry.
        indexes = [models.Index(fields=["-named_year", "name", "id"], name="studio_keyset_order")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("studios:detail", args=[self.pk])

    @property
    def holds_title(self):
        return self.status in TITLED_STATES

    @transition(field=status, source=list(TITLED_STATES), target=StudioStatus.CANCELLED)
    def cancel(self):
        """第七条: 取消 — approved on the unit union's request, reviewed by its recommending union."""

    @transition(field=status, source=list(TITLED_STATES), target=StudioStatus.DELISTED)
    def delist(self):
        """第八条: 摘牌 for one of its five reasons, by the municipal union's decision."""

    @transition(field=status, source=StudioStatus.ACTIVE, target=StudioStatus.RECTIFYING)
    def start_rectification(self):
        """第十一条: 周期考核不合格，限期整改."""

    @transition(field=status, source=StudioStatus.RECTIFYING, target=StudioStatus.ACTIVE)
    def finish_rectification(self):
        """第十一条: 整改复查合格."""


class FormerName(models.Model):
    """A name the studio had before a leader change or a rename (第七条): kept, shown and searchable."""

    studio = models.ForeignKey(Studio, verbose_name=_("工作室"), on_delete=models.CASCADE, related_name="former_names")
    name = models.CharField(_("原名称"), max_length=100, db_index=True)
    leader_name = models.CharField(_("原领衔人"), max_length=50)
    until = models.DateField(_("使用至"))

    scope_union_lookup = "studio__unit"

    class Meta:
        verbose_name = _("曾用名")
        verbose_name_plural = _("曾用名")
        ordering = ["studio", "-until", "-pk"]

    def __str__(self):
        return self.name


def change_evidence_path(instance, filename):
    """Random stored names; the original name is kept in the row."""
    return random_name("changes", os.path.splitext(filename)[1].lower())


def delisting_evidence_path(instance, filename):
    return random_name("delistings", os.path.splitext(filename)[1].lower())


class ChangeKind(models.TextChoices):
    """第七条: 更改名称、更换领衔人或取消; and 第八条(五): 所在单位申请摘牌."""

    CHANGE_LEADER = "change_leader", _("更换领衔人")
    RENAME = "rename", _("更改名称")
    CANCEL = "cancel", _("取消")
    DELIST = "delist", _("申请摘牌（第八条(五)）")


class ChangeReason(models.TextChoices):
    """第七条: 因领衔人离职、退休、已故等原因."""

    LEFT = "left", _("领衔人离职")
    RETIRED = "retired", _("领衔人退休")
    DECEASED = "deceased", _("领衔人已故")
    OTHER = "other", _("其他")


class ChangeStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待推荐单位审核")
    RECOMMENDED = "recommended", _("待市总工会审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")
    WITHDRAWN = "withdrawn", _("已撤回")


# A studio has at most one request in these states at a time.
OPEN_CHANGE_STATES = frozenset({ChangeStatus.SUBMITTED, ChangeStatus.RECOMMENDED})


class ChangeRequest(models.Model):
    """变更申请 (第七条): 由原申报单位工会逐级上报，县级总工会或市直基层工会审核后报市总工会审批."""

    studio = models.ForeignKey(Studio, verbose_name=_("工作室"), on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField(_("变更事项"), max_length=16, choices=ChangeKind.choices)
    reason = models.CharField(_("原因"), max_length=16, choices=ChangeReason.choices)
    explanation = models.TextField(_("情况说明"))
    # A new leader (更换领衔人), or the leader's new name (更改名称: the name follows the leader, 第六条).
    new_leader_name = models.CharField(_("新领衔人姓名"), max_length=50, blank=True)
    new_leader_gender = models.CharField(_("性别"), max_length=8, choices=Gender.choices, blank=True)
    new_leader_job_title = models.CharField(_("职务/岗位"), max_length=100, blank=True)
    new_leader_honour = models.CharField(_("荣誉称号"), max_length=32, choices=HonourKind.choices, blank=True)
    new_leader_honour_year = models.PositiveSmallIntegerField(
        _("获评年份"), null=True, blank=True, validators=[MinValueValidator(1950), MaxValueValidator(2100)])
    new_leader_id_number = EncryptedIdNumberField(_("新领衔人身份证号"))
    new_leader_mobile = EncryptedMobileField(_("新领衔人手机号"))
    evidence = models.FileField(_("证明材料"), upload_to=change_evidence_path, max_length=200, blank=True)
    evidence_name = models.CharField(_("证明材料文件名"), max_length=200, blank=True)
    status = FSMField(_("状态"), max_length=16, choices=ChangeStatus.choices, default=ChangeStatus.SUBMITTED,
                      protected=True)
    # The document of a municipal decision to delist on the unit's request (第八条(五)).
    decision_number = models.CharField(_("决定文号"), max_length=50, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT,
                                     related_name="+")
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)

    scope_union_lookup = "studio__unit"

    class Meta:
        verbose_name = _("变更申请")
        verbose_name_plural = _("变更申请")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["-requested_at", "-id"], name="change_keyset_order")]  # core/lists.py
        constraints = [models.UniqueConstraint(
            fields=["studio"], condition=models.Q(status__in=["submitted", "recommended"]),
            name="one_open_change_per_studio")]

    def __str__(self):
        return f"{self.studio}：{self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("studios:detail", args=[self.studio_id])

    @property
    def new_name(self):
        return studio_name_for(self.new_leader_name) if self.new_leader_name else ""

    @transition(field=status, source=ChangeStatus.SUBMITTED, target=ChangeStatus.RECOMMENDED)
    def recommend(self):
        """县级总工会或市直基层工会审核同意，报市总工会审批."""

    @transition(field=status, source=[ChangeStatus.SUBMITTED, ChangeStatus.RECOMMENDED], target=ChangeStatus.REJECTED)
    def reject(self):
        """推荐单位审核不同意，或市总工会不予批准."""

    @transition(field=status, source=ChangeStatus.RECOMMENDED, target=ChangeStatus.APPROVED)
    def approve(self):
        """市总工会审批同意."""

    @transition(field=status, source=ChangeStatus.SUBMITTED, target=ChangeStatus.WITHDRAWN)
    def withdraw(self):
        """单位工会在推荐单位审核前撤回."""


class DelistReason(models.TextChoices):
    """第八条: 有下列情形之一的，不再保留其市级创新工作室称号，予以摘牌."""

    MISCONDUCT = "1", _("（一）领衔人有违法违纪行为，未及时更换或进行更名的")
    ACCIDENT = "2", _("（二）发生重大安全生产事故或严重职业危害的")
    FRAUD = "3", _("（三）创新工作室及其成员弄虚作假，骗取荣誉的")
    FAILED = "4", _("（四）相关检查考核等不合格，不能正常开展活动，经整改仍不能运转的")
    UNIT_REQUEST = "5", _("（五）所在单位申请摘牌，或其他不再保留称号的情形")


class Delisting(models.Model):
    """摘牌决定 (第八条): the reason, the evidence and the decision's document number."""

    studio = models.OneToOneField(Studio, verbose_name=_("工作室"), on_delete=models.PROTECT, related_name="delisting")
    reason = models.CharField(_("摘牌情形"), max_length=1, choices=DelistReason.choices)
    facts = models.TextField(_("事实和依据"))
    evidence = models.FileField(_("证明材料"), upload_to=delisting_evidence_path, max_length=200, blank=True)
    evidence_name = models.CharField(_("证明材料文件名"), max_length=200, blank=True)
    decision_number = models.CharField(_("决定文号"), max_length=50)
    decided_on = models.DateField(_("决定日期"))
    change_request = models.OneToOneField(ChangeRequest, verbose_name=_("单位申请"), null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="delisting")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    scope_union_lookup = "studio__unit"

    class Meta:
        verbose_name = _("摘牌记录")
        verbose_name_plural = _("摘牌记录")
        ordering = ["-decided_on", "-pk"]

    def __str__(self):
        return f"{self.studio}：{self.decision_number}"


class MemberRole(models.TextChoices):
    CORE = "core", _("骨干成员")
    MENTOR = "mentor", _("导师")
    MEMBER = "member", _("成员")


class Member(models.Model):
    """工作室成员: the stable team of 第五条(一)."""

    studio = models.ForeignKey(Studio, verbose_name=_("工作室"), on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("姓名"), max_length=50)
    role = models.CharField(_("团队分工"), max_length=16, choices=MemberRole.choices, default=MemberRole.MEMBER)
    job_title = models.CharField(_("职务/岗位"), max_length=100, blank=True)
    mobile = EncryptedMobileField(_("手机号"))
    joined_on = models.DateField(_("加入日期"), null=True, blank=True)

    scope_union_lookup = "studio__unit"

    class Meta:
        verbose_name = _("工作室成员")
        verbose_name_plural = _("工作室成员")
        ordering = ["studio", "role", "name", "pk"]

    def __str__(self):
        return self.name


class StudioResult(models.Model):
    """成果库 (第五条(七), 第十九条): a named studio's innovation results, kept up to date by its unit union."""

    studio = models.ForeignKey(Studio, verbose_name=_("工作室"), on_delete=models.CASCADE, related_name="results")
    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    kind = models.CharField(_("类别"), max_length=16, choices=ResultKind.choices)
    title = models.CharField(_("成果名称"), max_length=200)
    patent_number = models.CharField(_("专利号"), max_length=50, blank=True)
    level = models.CharField(_("认可级别"), max_length=16, choices=ResultLevel.choices, blank=True)
    issuing_body = models.CharField(_("认可或授予机关"), max_length=100, blank=True)
    published = models.BooleanField(_("在名录中展示"), default=True, help_text=_("第十九条：宣传创新成果"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    scope_union_lookup = "studio__unit"

    class Meta:
        verbose_name = _("创新成果")
        verbose_name_plural = _("创新成果")
        ordering = ["studio", "-year", "pk"]

    def __str__(self):
        return self.title


class TrainingKind(models.TextChoices):
    TRAINING = "training", _("技能培训")
    MENTORING = "mentoring", _("师带徒")
    EXCHANGE = "exchange", _("交流研讨")
    COMPETITION = "competition", _("技能竞赛")


class TrainingRecord(models.Model):
    """培训和交流 (第五条(五)): the studio's training, mentoring and exchange activities."""

    studio = models.ForeignKey(Studio, verbose_name=_("工作室"), on_delete=models.CASCADE, related_name="trainings")
    held_on = models.DateField(_("日期"))
    kind = models.CharField(_("形式"), max_length=16, choices=TrainingKind.choices)
    title = models.CharField(_("主题"), max_length=200)
    participants = models.PositiveIntegerField(_("参加人次"), validators=[MinValueValidator(1)])
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    scope_union_lookup = "studio__unit"

    class Meta:
        verbose_name = _("培训交流记录")
        verbose_name_plural = _("培训交流记录")
        ordering = ["studio", "-held_on", "pk"]

    def __str__(self):
        return self.title


class Alliance(models.Model):
    """工作室联盟 (第十七条: 引导有条件的创新工作室之间加强横向联合): titled studios of any unions under a lead studio.

    Formed and kept by the municipal union through studios.alliance_services; shown on its members' pages and,
    with its titled members only, in the public registry (第十九条).
    """

    name = models.CharField(_("联盟名称"), max_length=100, unique=True)
    field = models.CharField(_("专业领域"), max_length=100)
    lead = models.ForeignKey(Studio, verbose_name=_("领衔工作室"), on_delete=models.PROTECT,
                             related_name="led_alliances")
    description = models.TextField(_("联盟简介和目标"), blank=True)
    founded_on = models.DateField(_("成立日期"))
    members = models.ManyToManyField(Studio, through="AllianceMembership", verbose_name=_("成员工作室"),
                                     related_name="alliances")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    # An alliance spans unions: a union's staff see it when one of their studios is a member.
    # The lookup crosses a many-to-many, so lists read it through studios.selectors (one row per alliance).
    scope_union_lookup = "members__unit"

    class Meta:
        verbose_name = _("工作室联盟")
        verbose_name_plural = _("工作室联盟")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("alliances:detail", args=[self.pk])


class AllianceMembership(models.Model):
    """A studio in an alliance since `joined_on`; the lead studio always has one."""

    alliance = models.ForeignKey(Alliance, verbose_name=_("联盟"), on_delete=models.CASCADE, related_name="memberships")
    studio = models.ForeignKey(Studio, verbose_name=_("工作室"), on_delete=models.PROTECT,
                               related_name="alliance_memberships")
    joined_on = models.DateField(_("加入日期"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    scope_union_lookup = "studio__unit"

    class Meta:
        verbose_name = _("联盟成员")
        verbose_name_plural = _("联盟成员")
        ordering = ["alliance", "joined_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["alliance", "studio"], name="one_membership_per_studio")]

    def __str__(self):
        return f"{self.alliance}：{self.studio}"


class JointProjectStatus(models.TextChoices):
    ONGOING = "ongoing", _("攻关中")
    COMPLETED = "completed", _("已完成")


class JointProject(models.Model):
    """联合攻关项目: member studios of an alliance tackling one problem together (第十七条: 集聚创新效应)."""

    alliance = models.ForeignKey(Alliance, verbose_name=_("联盟"), on_delete=models.CASCADE, related_name="projects")
    title = models.CharField(_("项目名称"), max_length=200)
    year = models.PositiveSmallIntegerField(_("立项年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    # Members when the project was recorded; a studio that later leaves the alliance stays on its projects.
    participants = models.ManyToManyField(Studio, verbose_name=_("参与工作室"), related_name="joint_projects")
    description = models.TextField(_("攻关内容"), blank=True)
    status = models.CharField(_("进展"), max_length=16, choices=JointProjectStatus.choices,
                              default=JointProjectStatus.ONGOING)
    outcome = models.TextField(_("取得成果"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    scope_union_lookup = "alliance__members__unit"

    class Meta:
        verbose_name = _("联合攻关项目")
        verbose_name_plural = _("联合攻关项目")
        ordering = ["alliance", "-year", "title", "pk"]
        constraints = [models.UniqueConstraint(fields=["alliance", "title"], name="one_project_title_per_alliance")]

    def __str__(self):
        return self.title
