"""第九条 in writes: the unit's yearly operation report, the recommending union's assessment of every named
studio in its area, and its report to the municipal union. Checked, in a transaction, logged, told."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from core.conflicts import Conflict
from core.history import log_transition
from core.notifications import notify
from reviews.errors import StaleAction
from rules.models import RuleSet
from studios.models import TITLED_STATES, Studio
from unions.permissions import is_recommending_staff_of, is_unit_staff_of
from unions.models import Role
from unions.recipients import municipal_staff, recommending_staff, unit_staff

from .models import DIMENSIONS, AnnualAssessment, AnnualReport, AssessmentStatus, Rating, ReportStatus

REPORT_FIELDS = ["operation", "results", "training", "funding", "plan"]


def _url(studio, year):
    return reverse("assessments:annual_studio", args=[studio.pk, year])


def _check_year(year):
    if not 2022 <= year <= timezone.localdate().year:
        raise ValidationError({"year": _("年度应在 2022 年至今年之间。")})


def _check_titled(studio, year):
    # 第八条: a cancelled or delisted studio is no longer assessed.
    if studio.status not in TITLED_STATES:
        raise Conflict(_("“%(s)s”%(state)s，不再报告和考核。") % {"s": studio, "state": studio.get_status_display()},
                       studio)
    if studio.named_year >= year:
        raise Conflict(_("“%(s)s”于 %(n)d 年度命名，从下一年度起报告和考核。") % {"s": studio, "n": studio.named_year},
                       studio)


def _log(studio, actor, transition, label, comment=""):
    log_transition(studio, union=studio.unit, transition=transition, label=label, source=studio.status,
                   target=studio.status, actor=actor, comment=comment)


@transaction.atomic
def annual_report_save(actor, studio, year, fields, *, submit=False):
    """Saves the unit's report of `year` (a draft until submitted); submitting tells the recommending union."""
    studio = Studio.objects.select_for_update(of=("self",)).select_related("unit").get(pk=studio.pk)
    if not is_unit_staff_of(actor, studio):
        raise PermissionDenied(_("只有工作室所在单位工会可以报告运行情况（第九条）。"))
    _check_year(year)
    _check_titled(studio, year)
    report = AnnualReport.objects.filter(studio=studio, year=year).first()
    if report and report.status == ReportStatus.SUBMITTED:
        raise StaleAction(_("%(y)d 年度运行情况已报告；如需修改，请推荐单位退回。") % {"y": year}, studio)
    report = report or AnnualReport(studio=studio, year=year)
    errors = {name: _("请填写“%(f)s”。") % {"f": AnnualReport._meta.get_field(name).verbose_name}
              for name in REPORT_FIELDS if name != "plan" and not (fields.get(name) or "").strip()}
    if errors and submit:
        raise ValidationError(errors)
    for name in REPORT_FIELDS:
        setattr(report, name, (fields.get(name) or "").strip())
    report.updated_by = actor
    if submit:
        report.submit()
        report.submitted_at = timezone.now()
    report.save()
    if submit:
        _log(studio, actor, "annual_report", _("报告 %(y)d 年度运行情况") % {"y": year})
        notify(recommending_staff(studio), _("%(s)s报告了年度运行情况，请考核") % {"s": studio},
               _("第九条：请在 %(d)s 前完成考核并报送市总工会。") % {
                   "d": f"{RuleSet.objects.current().annual_deadlines(year)[1]:%Y-%m-%d}"}, _url(studio, year))
    return report


@transaction.atomic
def annual_report_return(actor, report, *, comment):
    report = AnnualReport.objects.select_for_update(of=("self",)).select_related("studio__unit").get(pk=report.pk)
    if not is_recommending_staff_of(actor, report.studio):
        raise PermissionDenied(_("只有该工作室的推荐单位可以退回运行情况报告。"))
    if not can_proceed(report.return_for_revision):
        raise StaleAction(_("该报告为“%(s)s”，不能退回。") % {"s": report.get_status_display()}, report.studio)
    if not comment.strip():
        raise ValidationError({"comment": _("请写明需要补充的内容。")})
    report.return_for_revision()
    report.save()
    _log(report.studio, actor, "annual_report_return", _("退回 %(y)d 年度运行情况报告") % {"y": report.year}, comment)
    notify(unit_staff(report.studio), _("年度运行情况报告被退回补充"), comment, _url(report.studio, report.year))
    return report


def _ratings(data):
    errors = {field: _("请评定“%(d)s”（第九条）。") % {"d": label}
              for field, label in DIMENSIONS if data.get(field) not in Rating.values}
    if not (data.get("comment") or "").strip():
        errors["comment"] = _("请填写考核意见。")
    if errors:
        raise ValidationError(errors)
    return {field: data[field] for field, _label in DIMENSIONS}


@transaction.atomic
def annual_assess(actor, studio, year, data):
    """谁推荐谁考核谁负责: the recommending union rates the five points of 第九条; editable until reported."""
    studio = Studio.objects.select_for_update(of=("self",)).select_related("unit").get(pk=studio.pk)
    if not is_recommending_staff_of(actor, studio):
        raise PermissionDenied(_("只有该工作室的推荐单位可以考核（第九条：谁推荐谁考核谁负责）。"))
    _check_year(year)
    _check_titled(studio, year)
    assessment = AnnualAssessment.objects.filter(studio=studio, year=year).first()
    if assessment and assessment.status == AssessmentStatus.REPORTED:
        raise StaleAction(_("%(y)d 年度考核情况已报送市总工会，不能再修改。") % {"y": year}, studio)
    ratings = _ratings(data)
    assessment = assessment or AnnualAssessment(studio=studio, year=year)
    for field, value in ratings.items():
        setattr(assessment, field, value)
    assessment.comment, assessment.assessed_by = data["comment"].strip(), actor
    assessment.save()
    summary = "，".join(f"{label}{Rating(ratings[field]).label}" for field, label in DIMENSIONS)
    _log(studio, actor, "annual_assess", _("%(y)d 年度考核") % {"y": year}, f"{summary}。{assessment.comment}")
    return assessment


def area_studios(union, year):
    """The named studios a recommending union answers for in `year` (第九条: 谁推荐谁考核): those named before it."""
    return Studio.objects.filter(unit__recommending_union=union, status__in=TITLED_STATES, named_year__lt=year)


@transaction.atomic
def annual_assessments_report(actor, year):
    """考核情况年底前报市总工会: every named studio of the area assessed, then all reported at once."""
    if not (actor.is_active and actor.role == Role.RECOMMENDING_STAFF and actor.union_id):
        raise PermissionDenied(_("只有县级总工会或市直基层工会可以报送年度考核情况（第九条）。"))
    _check_year(year)
    studios = {s.pk: s for s in area_studios(actor.union, year).select_related("unit").order_by("name")}
    assessments = {a.studio_id: a for a in AnnualAssessment.objects.select_for_update().filter(
        studio__in=list(studios), year=year)}
    missing = [s.name for pk, s in studios.items() if pk not in assessments]
    if missing:
        raise Conflict(_("还有 %(n)d 个工作室未考核：%(names)s。") % {"n": len(missing), "names": "、".join(missing)})
    waiting = [a for a in assessments.values() if a.status == AssessmentStatus.ASSESSED]
    if not waiting:
        raise StaleAction(_("%(y)d 年度考核情况已报送。") % {"y": year})
    now = timezone.now()
    for assessment in waiting:
        assessment.report()
        assessment.reported_at = now
        assessment.save()
        _log(studios[assessment.studio_id], actor, "annual_report_to_city",
             _("%(y)d 年度考核情况报送市总工会") % {"y": year})
    notify(municipal_staff(), _("%(u)s报送了 %(y)d 年度考核情况") % {"u": actor.union.name, "y": year},
           _("共 %(n)d 个工作室（第九条）。") % {"n": len(waiting)}, reverse("assessments:annual") + f"?year={year}")
    return len(waiting)
