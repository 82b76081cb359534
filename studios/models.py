"""Leaders, studios and their members (第二条, 第五条, 第六条).

The naming workflow (reviews) creates studios; the lifecycle after naming
(第七条, 第八条, 第十一条) adds its transitions to Studio.status.
"""
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

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
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    scope_union_lookup = "unit"

    class Meta:
        verbose_name = _("领衔人")
        verbose_name_plural = _("领衔人")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name


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
    # Transitions after naming (第七条, 第八条, 第十一条) are added with that workflow.
    status = FSMField(_("状态"), max_length=16, choices=StudioStatus.choices, default=StudioStatus.ACTIVE, db_index=True)
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

    def __str__(self):
        return self.name

    @property
    def holds_title(self):
        return self.status in TITLED_STATES


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
    joined_on = models.DateField(_("加入日期"), null=True, blank=True)

    scope_union_lookup = "studio__unit"

    class Meta:
        verbose_name = _("工作室成员")
        verbose_name_plural = _("工作室成员")
        ordering = ["studio", "role", "name", "pk"]

    def __str__(self):
        return self.name
