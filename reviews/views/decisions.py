"""Collective decision, publicity and objections, the naming decision (第六条)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import (
    decision_services,
    scoring,
    selectors,
)
from ..forms import (
    DeliberationForm,
    NamingForm,
    ObjectionHandleForm,
    StaffObjectionForm,
)
from ..models import ApplicationStatus, RoundPhase
from ..permissions import can_manage_rounds
from .common import add_form_errors, manager_round, report_errors


@login_required
def decision(request, round_pk):
    naming_round = manager_round(request, round_pk)
    if request.method == "POST":  # the state before the data: the candidates depend on it
        decision_services.check_can_deliberate(naming_round)
    rows = scoring.ranking(selectors.panel_rows(naming_round), naming_round.rule_set)
    candidates = selectors.application_list(request.user).filter(naming_round=naming_round,
                                                                 status=ApplicationStatus.SCORED)
    ranked = [r["application"].pk for r in rows if r["rank"]][:naming_round.rule_set.quota_max]
    form = DeliberationForm(request.POST or None, candidates=candidates,
                            initial={"shortlisted": ranked, "meeting_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            decision_services.deliberation_record(request.user, naming_round, **form.cleaned_data)
        except ValidationError as error:
            report_errors(request, error)
        else:
            messages.success(request, _("已记录集体研究结果。下一步：开始社会公示。"))
            return redirect("reviews:round_detail", round_pk)
    return render(request, "reviews/decision.html", {"round": naming_round, "form": form, "rows": rows,
                                                     "deliberation": getattr(naming_round, "deliberation", None)})


@login_required
def objections(request, round_pk):
    naming_round = manager_round(request, round_pk)
    if request.method == "POST":  # the state before the data: the applications offered depend on it
        decision_services.check_publicity_open(naming_round)
    in_publicity = selectors.application_list(request.user).filter(naming_round=naming_round,
                                                                   status=ApplicationStatus.IN_PUBLICITY)
    form = StaffObjectionForm(request.POST or None, request.FILES or None, applications=in_publicity)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            decision_services.objection_submit(data.pop("application"), recorded_by=request.user, **data)
        except ValidationError as error:
            report_errors(request, error)
        else:
            messages.success(request, _("已登记异议。"))
            return redirect("reviews:objections", round_pk)
    return render(request, "reviews/objections.html", {
        "round": naming_round, "form": form, "handle_form": ObjectionHandleForm(),
        "objections": selectors.round_objections(request.user, naming_round),
        "can_approve": naming_round.phase == RoundPhase.PUBLICITY and naming_round.publicity_end is not None
        and timezone.localdate() > naming_round.publicity_end,
    })


@require_POST
@login_required
def objection_handle(request, pk):
    objection = selectors.objection_detail(request.user, pk)
    if not can_manage_rounds(request.user):
        raise PermissionDenied
    form = ObjectionHandleForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("请选择核实结果并填写处理意见。"))
        decision_services.objection_handle(request.user, objection, **form.cleaned_data)
    except ValidationError as error:
        report_errors(request, error)
    else:
        messages.success(request, _("已记录核实结果。"))
    return redirect("reviews:objections", objection.application.naming_round_id)


@require_POST
@login_required
def publicity_approve(request, round_pk):
    naming_round = manager_round(request, round_pk)
    approved, waiting = decision_services.approve_after_publicity(naming_round, request.user)
    text = _("公示期满，%(n)d 家公示通过。") % {"n": approved}
    if waiting:
        text += _("另有 %(w)d 家的异议尚待核实。") % {"w": waiting}
    messages.success(request, text)
    return redirect("reviews:objections", round_pk)


@login_required
def naming(request, round_pk):
    naming_round = manager_round(request, round_pk)
    form = NamingForm(request.POST or None, initial={"decision_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            count = decision_services.naming_issue(request.user, naming_round, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("命名决定已发布，%(n)d 家工作室已列入名录。") % {"n": count})
            return redirect("reviews:round_detail", round_pk)
    approved = selectors.application_list(request.user).filter(naming_round=naming_round,
                                                               status=ApplicationStatus.APPROVED)
    return render(request, "reviews/naming.html", {"round": naming_round, "form": form, "approved": approved})
