"""第十一条's rectifications: the list, and one rectification with the report, the re-check and, when
delisting is proposed, its confirmation or a new deadline."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core import search
from core.conflicts import Conflict
from core.downloads import download
from core.history import timeline
from core.lists import paginate, render_paged
from reviews.views.common import submit_form
from unions.models import Role
from unions.permissions import is_municipal_staff, is_unit_staff_of

from . import rectification_services as services
from . import selectors
from .forms import ConfirmDelistingForm, ExtendForm, RecheckForm, RectificationReportForm
from .models import DELISTING_PROPOSED, RectificationStatus


@login_required
def rectification_list(request):
    if request.user.role == Role.EXPERT:
        raise PermissionDenied
    rectifications = selectors.rectification_list(request.user).order_by("status", "deadline", "pk")
    status, query = request.GET.get("status", ""), request.GET.get("q", "").strip()
    if status in RectificationStatus.values:
        rectifications = rectifications.filter(status=status)
    if query:
        rectifications = search.of_studios(rectifications, query)
    return render_paged(request, "assessments/rectification_list.html", "assessments/_rectifications.html", {
        "page": paginate(request, rectifications), "statuses": RectificationStatus.choices, "status": status,
        "q": query, "today": timezone.localdate()})


@login_required
def rectification_detail(request, pk):
    user = request.user
    rectification = selectors.rectification_detail(user, pk)
    forms = {}
    if is_unit_staff_of(user, rectification.studio) and rectification.status == RectificationStatus.OPEN:
        forms["report"] = RectificationReportForm(request.POST or None, request.FILES or None, prefix="report")
    if is_municipal_staff(user):
        if rectification.status == RectificationStatus.REPORTED:
            forms["recheck"] = RecheckForm(request.POST or None, prefix="recheck")
        if rectification.status in DELISTING_PROPOSED:
            forms["delist"] = ConfirmDelistingForm(request.POST or None, request.FILES or None, prefix="delist",
                                                   initial={"decided_on": timezone.localdate(),
                                                            "facts": _facts(rectification)})
            forms["extend"] = ExtendForm(request.POST or None, prefix="extend")
    if request.method == "POST":
        done = _post(request, rectification, forms)
        if done:
            return done
    return render(request, "assessments/rectification_detail.html", {
        "rectification": rectification, "studio": rectification.studio, "forms": forms,
        "today": timezone.localdate(),
        "history": [e for e in timeline(rectification.studio)
                    if e.transition.startswith("rectification") or e.transition == "cycle_grade"],
    })


def _facts(rectification):
    """第八条(四)'s facts, drafted from the record for the officer to check."""
    return _("%(y)d 年度周期考核不合格（%(problems)s），限期 %(d)s 前整改；%(outcome)s。") % {
        "y": rectification.evaluation.cycle.year, "problems": rectification.problems,
        "d": f"{rectification.deadline:%Y-%m-%d}",
        "outcome": (_("复查不合格：%(c)s") % {"c": rectification.recheck_comment.rstrip("。")}
                    if rectification.status == RectificationStatus.FAILED else _("逾期未报告整改情况"))}


def _post(request, rectification, forms):
    action, user = request.POST.get("action"), request.user
    calls = {
        "report": lambda d: services.rectification_report(user, rectification, report=d["report"],
                                                          evidence=d["evidence"]),
        "recheck": lambda d: services.rectification_recheck(user, rectification, passed=d["passed"],
                                                            comment=d["recheck_comment"]),
        "delist": lambda d: services.rectification_confirm_delisting(
            user, rectification, decision_number=d["decision_number"], decided_on=d["decided_on"], facts=d["facts"],
            evidence=d["evidence"]),
        "extend": lambda d: services.rectification_extend(user, rectification, deadline=d["deadline"],
                                                          comment=d["comment"]),
    }
    success = {"report": _("已报告整改情况，市总工会将进行复查。"), "recheck": _("已记录复查结论。"),
               "delist": _("已摘牌（第八条(四)），工作室不再列入名录。"), "extend": _("已给予新的整改期限。")}
    # 第十一条: the unit reports, the municipal union re-checks and decides. The wrong role is refused (403); the
    # right one with no form for the action now, for the rectification's state (409).
    may = is_unit_staff_of(user, rectification.studio) if action == "report" else is_municipal_staff(user)
    if action not in calls or not may:
        raise PermissionDenied
    if action not in forms:
        raise Conflict(_("该整改为“%(s)s”，现在不能进行这项操作。") % {"s": rectification.get_status_display()},
                       rectification)
    if not (forms[action].is_valid() and submit_form(request, forms[action], calls[action], success[action])):
        return None
    return redirect("assessments:rectification_detail", rectification.pk)


@login_required
def rectification_file(request, pk):
    rectification = selectors.rectification_detail(request.user, pk)
    if not rectification.report_file:
        raise Http404
    return download(rectification.report_file, rectification.report_file_name, subject=rectification)
