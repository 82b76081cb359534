"""Naming rounds: list, create, detail, advance, deadlines (第六条)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exports import xlsx_response
from core.lists import paginate
from documents.services import can_use_documents, has_documents
from rules.models import RuleSet

from .. import (
    exports,
    selectors,
    services,
)
from ..forms import (
    RoundAdvanceForm,
    RoundCreateForm,
    RoundDeadlinesForm,
)
from ..models import RoundPhase
from ..permissions import can_apply, can_manage_rounds
from .common import add_form_errors, manager_round

# The round page previews this many applications, then links to the full list.
PREVIEW_ROWS = 20


@login_required
def round_list(request):
    page = paginate(request, selectors.round_list(request.user))
    return render(request, "reviews/round_list.html", {"page": page, "can_manage": can_manage_rounds(request.user)})


@login_required
def round_create(request):
    if not can_manage_rounds(request.user):
        raise PermissionDenied
    rule_set = RuleSet.objects.current()
    form = RoundCreateForm(request.POST or None,
                           deadlines=services.default_deadlines(rule_set, timezone.localdate()) if rule_set else None)
    if request.method == "POST" and form.is_valid():
        try:
            naming_round = services.round_create(request.user, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("已创建“%(round)s”，当前为筹备阶段。") % {"round": naming_round})
            return redirect("reviews:round_detail", naming_round.pk)
    return render(request, "reviews/round_form.html", {"form": form, "rule_set": rule_set})


@login_required
def round_detail(request, pk):
    naming_round = selectors.round_detail(request.user, pk)
    can_manage = can_manage_rounds(request.user)
    return render(request, "reviews/round_detail.html", {
        "round": naming_round,
        "steps": selectors.phase_steps(naming_round),
        "history": selectors.round_history(request.user, naming_round),
        "can_manage": can_manage,
        "can_documents": can_use_documents(request.user) and has_documents(naming_round),
        "advance_form": RoundAdvanceForm(initial={"from_phase": naming_round.phase}) if can_manage else None,
        "next_transition": services.NEXT_TRANSITION.get(naming_round.phase),
        "can_apply": can_apply(request.user) and naming_round.phase == RoundPhase.APPLICATION,
        "applications": selectors.application_list(request.user).filter(naming_round=naming_round)[:PREVIEW_ROWS],
        "application_count": selectors.application_list(request.user).filter(naming_round=naming_round).count(),
    })


@require_POST
@login_required
def round_advance(request, pk):
    naming_round = selectors.round_detail(request.user, pk)
    if not can_manage_rounds(request.user):
        raise PermissionDenied
    form = RoundAdvanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("提交的内容不完整，请刷新页面后重试。"))
        return redirect("reviews:round_detail", pk)
    naming_round = services.round_advance(request.user, naming_round, **form.cleaned_data)
    messages.success(request, _("已进入“%(phase)s”阶段，相关人员已收到通知。") % {
        "phase": naming_round.get_phase_display()})
    return redirect("reviews:round_detail", pk)


@login_required
def round_deadlines(request, pk):
    naming_round = selectors.round_detail(request.user, pk)
    if not can_manage_rounds(request.user):
        raise PermissionDenied
    form = RoundDeadlinesForm(request.POST or None, instance=naming_round)
    if request.method == "POST" and form.is_valid():
        try:
            services.round_update_deadlines(request.user, naming_round, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("期限已更新。"))
            return redirect("reviews:round_detail", pk)
    return render(request, "reviews/round_deadlines.html", {"form": form, "round": naming_round})


@login_required
def round_export(request, pk):
    """The round's applications with their review stages and scores, for municipal staff."""
    naming_round = manager_round(request, pk)
    filename = _("%(year)d年度申报汇总.xlsx") % {"year": naming_round.year}
    return xlsx_response(filename, _("申报汇总"), exports.columns(),
                         exports.application_rows(naming_round, request.user), subject=naming_round)
