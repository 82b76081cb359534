"""Studio alliances (第十七条: 引导有条件的创新工作室之间加强横向联合，推动创新工作室联盟工作向纵深发展).

The municipal union forms and keeps them. Only studios holding the title may lead or join; the lead is always a
member. Every change is logged on the alliance's history (shown on its page) and, when a studio joins, leaves or
takes the lead, on that studio's history too; the unit unions of the studios concerned are told.
"""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.conflicts import Conflict
from core.history import log_transition
from core.notifications import notify
from core.unique import refused_if_taken
from reviews.errors import StaleAction
from unions.models import Union
from unions.permissions import require_municipal_staff
from unions.recipients import unit_staff

from .models import TITLED_STATES, Alliance, AllianceMembership, JointProject, JointProjectStatus, Studio


def _require_municipal(actor):
    require_municipal_staff(actor, _("只有市总工会工作人员可以组建和管理工作室联盟（第十七条）。"))


def _url(alliance):
    return reverse("alliances:detail", args=[alliance.pk])


def _lock_alliance(alliance):
    # The row alone, then its lead: a lock taken through the join would find no alliance when a colleague's
    # change of lead commits while this one waits (PostgreSQL re-checks the join against the old lead).
    Alliance.objects.select_for_update().filter(pk=alliance.pk).values_list("pk", flat=True).get()
    return Alliance.objects.select_related("lead", "lead__unit").get(pk=alliance.pk)


def _titled(studio, field, role):
    """The studio, locked so that a delisting cannot slip in between; refused unless it holds the title."""
    studio = Studio.objects.select_for_update(of=("self",)).select_related("unit").get(pk=studio.pk)
    if studio.status not in TITLED_STATES:
        raise ValidationError({field: _("“%(s)s”%(state)s，不再持有市级创新工作室称号，不能%(role)s联盟（第十七条）。") % {
            "s": studio, "state": studio.get_status_display(), "role": role}})
    return studio


def _log(alliance, actor, transition, label, comment=""):
    # The municipal union keeps alliances, so their history belongs to the root of the union tree.
    log_transition(alliance, union=Union.objects.get(depth=1), transition=transition, label=label, source="",
                   target="", actor=actor, comment=comment)


def _log_studio(studio, actor, transition, label, alliance):
    log_transition(studio, union=studio.unit, transition=transition, label=label, source=studio.status,
                   target=studio.status, actor=actor, comment=alliance.name)


def _tell(studios, title, body, alliance):
    notify([user for studio in studios for user in unit_staff(studio)], title, body, _url(alliance))


def _name_taken(name):
    return ValidationError({"name": _("已有名为“%(n)s”的工作室联盟。") % {"n": name}})


def _check_fields(name, field, founded_on, exclude_pk=None):
    errors = {}
    name, field = (name or "").strip(), (field or "").strip()
    if not name:
        errors["name"] = _("请填写联盟名称。")
    elif Alliance.objects.filter(name=name).exclude(pk=exclude_pk).exists():
        errors.update(_name_taken(name).message_dict)
    if not field:
        errors["field"] = _("请填写联盟的专业领域（第十七条：横向联合）。")
    if founded_on is None or founded_on > timezone.localdate():
        errors["founded_on"] = _("请填写成立日期（不能晚于今天）。")
    return name, field, errors


@transaction.atomic
def alliance_create(actor, *, name, field, lead, founded_on, description=""):
    """Forms an alliance led by `lead`, which becomes its first member on the founding date."""
    _require_municipal(actor)
    name, field, errors = _check_fields(name, field, founded_on)
    try:
        lead = _titled(lead, "lead", _("领衔"))
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    with refused_if_taken(_name_taken(name)):  # a colleague forming one of the same name at the same moment
        alliance = Alliance.objects.create(name=name, field=field, lead=lead, founded_on=founded_on,
                                           description=(description or "").strip(), created_by=actor)
    AllianceMembership.objects.create(alliance=alliance, studio=lead, joined_on=founded_on)
    _log(alliance, actor, "create", _("成立工作室联盟"),
         _("领衔工作室：%(lead)s；专业领域：%(field)s。") % {"lead": lead, "field": field})
    _log_studio(lead, actor, "alliance_lead", _("领衔成立工作室联盟"), alliance)
    _tell([lead], _("工作室领衔成立了工作室联盟"), _("%(s)s领衔的“%(a)s”已成立（第十七条）。") % {
        "s": lead, "a": alliance}, alliance)
    return alliance


@transaction.atomic
def alliance_update(actor, alliance, *, name, field, lead, founded_on, description=""):
    """Edits the alliance. A new lead must already be a member holding the title (the lead is always a member)."""
    _require_municipal(actor)
    alliance = _lock_alliance(alliance)
    name, field, errors = _check_fields(name, field, founded_on, exclude_pk=alliance.pk)
    first_joined = alliance.memberships.order_by("joined_on").values_list("joined_on", flat=True).first()
    if founded_on and first_joined and founded_on > first_joined:
        errors["founded_on"] = _("成立日期不能晚于成员最早的加入日期（%(d)s）。") % {"d": f"{first_joined:%Y-%m-%d}"}
    old_lead = alliance.lead
    if lead.pk != old_lead.pk:
        if not alliance.memberships.filter(studio=lead).exists():
            errors["lead"] = _("“%(s)s”不是本联盟成员：请先将其加入联盟，再指定为领衔工作室（第十七条）。") % {"s": lead}
        else:
            try:
                lead = _titled(lead, "lead", _("领衔"))
            except ValidationError as error:
                errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    description = (description or "").strip()
    changed = [str(Alliance._meta.get_field(f).verbose_name) for f, new in
               (("name", name), ("field", field), ("founded_on", founded_on), ("description", description))
               if getattr(alliance, f) != new]
    alliance.name, alliance.field, alliance.founded_on, alliance.description = name, field, founded_on, description
    alliance.lead = lead
    with refused_if_taken(_name_taken(name)):
        alliance.save()
    if changed:
        _log(alliance, actor, "update", _("修改联盟信息"), _("修改了：%(f)s。") % {"f": "、".join(changed)})
    if lead.pk != old_lead.pk:
        _log(alliance, actor, "lead", _("更换领衔工作室"), f"{old_lead} → {lead}")
        _log_studio(lead, actor, "alliance_lead", _("担任工作室联盟领衔工作室"), alliance)
        _log_studio(old_lead, actor, "alliance_lead_handover", _("不再担任工作室联盟领衔工作室"), alliance)
        _tell([lead, old_lead], _("工作室联盟更换了领衔工作室"), _("“%(a)s”的领衔工作室由%(old)s改为%(new)s。") % {
            "a": alliance, "old": old_lead, "new": lead}, alliance)
    return alliance


@transaction.atomic
def alliance_member_add(actor, alliance, *, studio, joined_on):
    """A titled studio joins; a studio already in the alliance (a double submit) is refused."""
    _require_municipal(actor)
    alliance = _lock_alliance(alliance)
    studio = _titled(studio, "studio", _("加入"))
    if alliance.memberships.filter(studio=studio).exists():
        raise ValidationError({"studio": _("“%(s)s”已是“%(a)s”的成员。") % {"s": studio, "a": alliance}})
    if joined_on is None or joined_on > timezone.localdate() or joined_on < alliance.founded_on:
        raise ValidationError({"joined_on": _("加入日期须在联盟成立日期（%(d)s）和今天之间。") % {
            "d": f"{alliance.founded_on:%Y-%m-%d}"}})
    membership = AllianceMembership.objects.create(alliance=alliance, studio=studio, joined_on=joined_on)
    _log(alliance, actor, "member_add", _("成员工作室加入"), str(studio))
    _log_studio(studio, actor, "alliance_join", _("加入工作室联盟"), alliance)
    _tell([studio], _("工作室加入了工作室联盟"), _("%(s)s已加入“%(a)s”（第十七条）。") % {"s": studio, "a": alliance},
          alliance)
    return membership


@transaction.atomic
def alliance_member_remove(actor, alliance, *, studio):
    """A member leaves. The lead cannot: another member must be named lead first. Its projects keep it."""
    _require_municipal(actor)
    alliance = _lock_alliance(alliance)
    membership = (AllianceMembership.objects.select_for_update(of=("self",)).select_related("studio", "studio__unit")
                  .filter(alliance=alliance, studio=studio).first())
    if membership is None:
        raise StaleAction(_("“%(s)s”已不是本联盟成员，可能已由他人移出，请刷新页面。") % {"s": studio}, alliance)
    if studio.pk == alliance.lead_id:
        raise Conflict(_("“%(s)s”是联盟的领衔工作室，不能移出；请先在“编辑联盟”中指定其他成员为领衔工作室（第十七条）。") % {
            "s": studio}, alliance)
    membership.delete()
    studio = membership.studio
    _log(alliance, actor, "member_remove", _("成员工作室退出"), str(studio))
    _log_studio(studio, actor, "alliance_leave", _("退出工作室联盟"), alliance)
    _tell([studio], _("工作室退出了工作室联盟"), _("%(s)s已退出“%(a)s”。") % {"s": studio, "a": alliance}, alliance)


@transaction.atomic
def joint_project_add(actor, alliance, *, title, year, participants, description="",
                      status=JointProjectStatus.ONGOING, outcome=""):
    """联合攻关: at least two titled members of the alliance working on one project."""
    _require_municipal(actor)
    alliance = _lock_alliance(alliance)
    title, outcome = (title or "").strip(), (outcome or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("请填写项目名称。")
    elif alliance.projects.filter(title=title).exists():
        errors["title"] = _("“%(a)s”已登记名为“%(t)s”的联合攻关项目。") % {"a": alliance, "t": title}
    if not year or year > timezone.localdate().year or year < alliance.founded_on.year:
        errors["year"] = _("立项年度须在联盟成立年度（%(y)d）和今年之间。") % {"y": alliance.founded_on.year}
    if status not in JointProjectStatus.values:
        errors["status"] = _("请选择项目进展。")
    elif status == JointProjectStatus.COMPLETED and not outcome:
        errors["outcome"] = _("已完成的项目请填写取得的成果。")
    studios = list(Studio.objects.filter(pk__in=[s.pk for s in participants]).select_related("unit"))
    members = set(alliance.memberships.values_list("studio_id", flat=True))
    outsiders = [s.name for s in studios if s.pk not in members]
    untitled = [s.name for s in studios if s.pk in members and s.status not in TITLED_STATES]
    if outsiders:
        errors["participants"] = _("%(s)s不是本联盟成员，不能参加联盟的联合攻关项目（第十七条）。") % {"s": "、".join(outsiders)}
    elif untitled:
        errors["participants"] = _("%(s)s已不再持有市级创新工作室称号，不能参加新的联合攻关项目。") % {"s": "、".join(untitled)}
    elif len(studios) < 2:
        errors["participants"] = _("联合攻关项目须有至少两个成员工作室参加（第十七条：横向联合）。")
    if errors:
        raise ValidationError(errors)
    project = JointProject.objects.create(alliance=alliance, title=title, year=year, status=status, outcome=outcome,
                                          description=(description or "").strip(), created_by=actor)
    project.participants.set(studios)
    _log(alliance, actor, "project_add", _("登记联合攻关项目"), _("%(y)d 年：%(t)s（%(st)s；参加：%(s)s）") % {
        "y": year, "t": title, "st": project.get_status_display(), "s": "、".join(s.name for s in studios)})
    _tell(studios, _("工作室参加了联合攻关项目"), _("“%(a)s”登记了联合攻关项目“%(t)s”。") % {"a": alliance, "t": title},
          alliance)
    return project
