"""The results and talent database of 第五条(七): a named studio's team, innovation results and training,
kept up to date by its own unit union. Each change is logged on the studio's history."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.conflicts import Conflict
from core.history import log_transition
from unions.permissions import is_unit_staff_of

from .models import TITLED_STATES, Member, MemberRole, ResultKind, Studio, StudioResult, TrainingRecord


def _own_studio(actor, studio):
    studio = Studio.objects.select_for_update(of=("self",)).select_related("unit").get(pk=studio.pk)
    if not is_unit_staff_of(actor, studio):
        raise PermissionDenied(_("只有工作室所在单位工会可以维护工作室的团队、成果和培训记录。"))
    if studio.status not in TITLED_STATES:
        raise Conflict(_("“%(s)s”%(state)s，记录不再更新。") % {"s": studio, "state": studio.get_status_display()},
                       studio)
    return studio


def _log(studio, actor, transition, label, comment):
    log_transition(studio, union=studio.unit, transition=transition, label=label, source=studio.status,
                   target=studio.status, actor=actor, comment=comment)


def _clean(record):
    try:
        record.full_clean(exclude=["studio", "created_by"])
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None


@transaction.atomic
def result_add(actor, studio, *, year, kind, title, patent_number="", level="", issuing_body="", published=True):
    studio = _own_studio(actor, studio)
    result = StudioResult(studio=studio, year=year, kind=kind, title=(title or "").strip(),
                          patent_number=(patent_number or "").strip(), level=level or "",
                          issuing_body=(issuing_body or "").strip(), published=published, created_by=actor)
    _clean(result)
    errors = {}
    if year and year > timezone.localdate().year:
        errors["year"] = _("年度不能晚于今年。")
    if kind == ResultKind.PATENT and not result.patent_number:
        errors["patent_number"] = _("国家专利须填写专利号（第五条(七)）。")
    if kind == ResultKind.RECOGNITION and not (result.level and result.issuing_body):
        errors["issuing_body"] = _("县级以上部门认可须填写认可级别和认可机关（第五条(七)）。")
    if errors:
        raise ValidationError(errors)
    result.save()
    _log(studio, actor, "result_add", _("登记创新成果"), f"{year} 年 {result.get_kind_display()}：{result.title}")
    return result


@transaction.atomic
def training_add(actor, studio, *, held_on, kind, title, participants):
    studio = _own_studio(actor, studio)
    record = TrainingRecord(studio=studio, held_on=held_on, kind=kind, title=(title or "").strip(),
                            participants=participants, created_by=actor)
    _clean(record)
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("请在活动举办后登记（日期不能晚于今天）。")})
    record.save()
    _log(studio, actor, "training_add", _("登记培训交流"),
         f"{held_on:%Y-%m-%d} {record.get_kind_display()}：{record.title}（{participants} 人次）")
    return record


@transaction.atomic
def member_add(actor, studio, *, name, role, job_title="", mobile="", joined_on=None):
    studio = _own_studio(actor, studio)
    member = Member(studio=studio, name=(name or "").strip(), role=role or MemberRole.MEMBER,
                    job_title=(job_title or "").strip(), mobile=mobile or "", joined_on=joined_on)
    _clean(member)
    if joined_on and joined_on > timezone.localdate():
        raise ValidationError({"joined_on": _("加入日期不能晚于今天。")})
    member.save()
    _log(studio, actor, "member_add", _("增加团队成员"), f"{member.name}（{member.get_role_display()}）")
    return member


# What each kind of record is called in the history, and its model.
RECORDS = {"result": (StudioResult, _("删除创新成果")), "training": (TrainingRecord, _("删除培训交流记录")),
           "member": (Member, _("团队成员退出"))}


@transaction.atomic
def record_remove(actor, what, record):
    """Removes a result, a training record or a member (who leaves the team); the history keeps what it was."""
    model, label = RECORDS[what]
    studio = _own_studio(actor, record.studio)
    locked = model.objects.select_for_update().filter(pk=record.pk, studio=studio).first()
    if locked is None:
        raise Conflict(_("该记录已删除，请刷新页面。"), studio)
    if what == "member" and studio.members.count() <= 3:
        raise Conflict(_("工作室团队至少 3 人（第五条(一)：有稳定的工作团队），请先增加成员。"), studio)
    locked.delete()
    _log(studio, actor, f"{what}_remove", str(label), str(locked))
