"""第九条's pages: the yearly overview by recommending union, a studio's report and assessment, reporting up."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.conflicts import Conflict
from core.exports import Column, xlsx_response
from reviews.views.common import add_form_errors, report_errors
from studios import selectors as studio_selectors
from unions.models import Role
from unions.permissions import is_recommending_staff_of, is_unit_staff_of
from unions.scoping import sees_whole_tree

from . import annual_services, selectors
from .forms import AnnualAssessmentForm, AnnualReportForm
from .models import DIMENSIONS, AnnualAssessment, AnnualReport, AssessmentStatus, Rating, ReportStatus


def _year(request):
    value = request.GET.get("year", "")
    this_year = timezone.localdate().year
    return int(value) if value.isdigit() and 2022 <= int(value) <= this_year else this_year


@login_required
def annual(request):
    user = request.user
    if user.role == Role.EXPERT:
        raise PermissionDenied
    year = _year(request)
    union_id = request.GET.get("union", "")
    union_id = int(union_id) if union_id.isdigit() else None
    report_due, assessment_due = selectors.deadlines(year)
    context = {"year": year, "years": range(timezone.localdate().year, 2021, -1), "report_due": report_due,
               "assessment_due": assessment_due, "union_id": union_id}
    if sees_whole_tree(user) and union_id is None:
        context["overview"] = selectors.annual_overview(year)
    else:
        rows = selectors.annual_studios(user, year, union_id)
        context["rows"] = rows
        context["can_report_up"] = (user.role == Role.RECOMMENDING_STAFF and rows
                                    and any(a and a.status == AssessmentStatus.ASSESSED for _s, _r, a in rows))
    return render(request, "assessments/annual.html", context)


@login_required
def annual_export(request):
    """The year's reports and assessments of the studios the user sees, as Excel (第九条)."""
    if request.user.role == Role.EXPERT:
        raise PermissionDenied
    year = _year(request)
    columns = [Column(_("推荐单位"), 22), Column(_("工作室"), 34), Column(_("所在单位"), 32), Column(_("运行情况报告"), 12),
               Column(_("报告时间"), 17)] + [Column(str(label), 10) for _f, label in DIMENSIONS] + [
               Column(_("考核意见"), 40), Column(_("考核状态"), 16), Column(_("报送时间"), 17)]

    def rows():
        for studio, report, assessment in selectors.annual_studios(request.user, year):
            ratings = [Rating(getattr(assessment, f)).label if assessment else "" for f, _label in DIMENSIONS]
            yield [studio.unit.recommending_union.name if studio.unit.recommending_union else "", studio.name,
                   studio.unit.name, report.get_status_display() if report else _("未填报"),
                   report.submitted_at if report else None, *ratings, assessment.comment if assessment else "",
                   assessment.get_status_display() if assessment else _("未考核"),
                   assessment.reported_at if assessment else None]

    return xlsx_response(_("%(y)d年度考核结果.xlsx") % {"y": year}, _("年度考核"), columns, rows())


@login_required
def annual_studio(request, studio_pk, year):
    studio = studio_selectors.studio_detail(request.user, studio_pk)
    report = AnnualReport.objects.filter(studio=studio, year=year).first()
    assessment = AnnualAssessment.objects.filter(studio=studio, year=year).first()
    is_unit, is_county = is_unit_staff_of(request.user, studio), is_recommending_staff_of(request.user, studio)
    report_form = assessment_form = None
    if is_unit and (report is None or report.status != ReportStatus.SUBMITTED):
        report_form = AnnualReportForm(request.POST or None, instance=report, prefix="report")
    if is_county and (assessment is None or assessment.status == AssessmentStatus.ASSESSED):
        initial = {f: getattr(assessment, f) for f, _label in DIMENSIONS} | {"comment": assessment.comment} \
            if assessment else None
        assessment_form = AnnualAssessmentForm(request.POST or None, initial=initial, prefix="assess")
    if request.method == "POST":
        done = _post(request, studio, year, report_form, assessment_form)
        if done:
            return done
    report_due, assessment_due = selectors.deadlines(year)
    return render(request, "assessments/annual_studio.html", {
        "studio": studio, "year": year, "report": report, "assessment": assessment, "report_form": report_form,
        "assessment_form": assessment_form, "can_return": is_county and report and report.status == ReportStatus.SUBMITTED,
        "ratings": [(label, Rating(getattr(assessment, f)).label) for f, label in DIMENSIONS] if assessment else [],
        "report_due": report_due, "assessment_due": assessment_due,
    })


def _post(request, studio, year, report_form, assessment_form):
    """Runs the posted action; back to the page when done, None to show the form's errors. The right role with no
    form for the action (a report already submitted, an assessment already reported up) is refused for the state
    (409), the wrong role with 403."""
    action, user = request.POST.get("action"), request.user
    if action in ("save", "submit") and report_form is None and is_unit_staff_of(user, studio):
        raise Conflict(_("%(y)d 年度运行情况已报告；如需修改，请推荐单位退回。") % {"y": year}, studio)
    if action == "assess" and assessment_form is None and is_recommending_staff_of(user, studio):
        raise Conflict(_("%(y)d 年度考核情况已报送市总工会，不能再修改。") % {"y": year}, studio)
    if action in ("save", "submit") and report_form is not None:
        form, message = report_form, (_("已报告，推荐单位将进行考核（第九条）。") if action == "submit" else _("已保存草稿。"))
        call = lambda: annual_services.annual_report_save(  # noqa: E731
            user, studio, year, form.cleaned_data, submit=action == "submit")
    elif action == "assess" and assessment_form is not None:
        form, message = assessment_form, _("已保存考核结果。全部工作室考核后，请在年度考核页报送市总工会。")
        call = lambda: annual_services.annual_assess(user, studio, year, form.cleaned_data)  # noqa: E731
    elif action == "return":
        report = AnnualReport.objects.filter(studio=studio, year=year).first()
        if report is None:
            raise Http404
        form, message = None, _("已退回单位工会补充。")
        call = lambda: annual_services.annual_report_return(user, report, comment=request.POST.get("comment", ""))  # noqa: E731
    else:
        raise PermissionDenied
    if form is not None and not form.is_valid():
        return None
    try:
        call()
    except ValidationError as error:
        if form is None:
            report_errors(request, error)
        else:
            add_form_errors(form, error)
            return None
    else:
        messages.success(request, message)
    return redirect("assessments:annual_studio", studio.pk, year)


@require_POST
@login_required
def annual_report_up(request, year):
    try:
        count = annual_services.annual_assessments_report(request.user, year)
    except ValidationError as error:
        report_errors(request, error)
    else:
        messages.success(request, _("已将 %(n)d 个工作室的 %(y)d 年度考核情况报送市总工会。") % {"n": count, "y": year})
    return redirect(f"{reverse('assessments:annual')}?year={year}")
