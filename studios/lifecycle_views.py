"""Pages of a studio's changes (第七条) and delisting (第八条); the services decide, these only translate."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.conflicts import Conflict
from core.downloads import download
from core.lists import paginate
from reviews.views.common import report_errors, submit_form
from unions.permissions import is_municipal_staff, is_unit_staff_of

from . import lifecycle_services as life
from . import selectors
from .forms import ChangeActionForm, ChangeRequestForm, DelistForm
from .models import OPEN_CHANGE_STATES, ChangeStatus


@login_required
def change_new(request, pk):
    studio = selectors.studio_detail(request.user, pk)
    if not is_unit_staff_of(request.user, studio):
        raise PermissionDenied
    if studio.changes.filter(status__in=OPEN_CHANGE_STATES).exists():
        raise Conflict(_("该工作室已有一份待审批的变更申请，请等待处理结果或先撤回。"), studio)
    form = ChangeRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        done = _submit(request, form, studio, life.change_request_create,
                       _("变更申请已提交，待推荐单位审核（第七条）。"))
        if done:
            return done
    return render(request, "studios/change_form.html", {"studio": studio, "form": form})


def _submit(request, form, studio, service, success):
    """Runs the form's service; back to the studio when it is done, None to show the form's errors."""
    if submit_form(request, form, lambda data: service(request.user, studio, **data), success):
        return redirect("studios:detail", studio.pk)
    return None


def _decide(user, change, data, action):
    common = {"from_status": data["from_status"], "comment": data["comment"]}
    if action == "withdraw":
        return life.change_withdraw(user, change, **common)
    if action in ("agree", "disagree"):
        return life.change_review(user, change, agree=action == "agree", **common)
    if action in ("approve", "reject"):
        return life.change_decide(user, change, approve=action == "approve",
                                  decision_number=data["decision_number"], **common)
    raise Http404(_("没有这项操作。"))


@require_POST
@login_required
def change_action(request, pk, action):
    change = selectors.change_detail(request.user, pk)
    form = ChangeActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("提交的内容不完整，请刷新页面后重试。"))
    else:
        try:
            change = _decide(request.user, change, form.cleaned_data, action)
        except ValidationError as error:
            report_errors(request, error)
        else:
            messages.success(request, _("已办理，变更申请现为“%(s)s”。") % {"s": change.get_status_display()})
    return redirect("studios:detail", change.studio_id)


@login_required
def delist(request, pk):
    studio = selectors.studio_detail(request.user, pk)
    if not is_municipal_staff(request.user):
        raise PermissionDenied
    form = DelistForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        done = _submit(request, form, studio, life.studio_delist, _("已摘牌，工作室不再列入名录（第八条）。"))
        if done:
            return done
    return render(request, "studios/delist_form.html", {"studio": studio, "form": form})


@login_required
def change_evidence(request, pk):
    change = selectors.change_detail(request.user, pk)
    return download(change.evidence.open("rb"), change.evidence_name, subject=change)


@login_required
def delisting_evidence(request, pk):
    delisting = selectors.delisting_detail(request.user, pk)
    return download(delisting.evidence.open("rb"), delisting.evidence_name, subject=delisting)


@login_required
def change_list(request):
    """The change requests in the user's scope, those waiting for the user first."""
    status = request.GET.get("status", "")
    changes = selectors.change_list(request.user)
    if status in ChangeStatus.values:
        changes = changes.filter(status=status)
    return render(request, "studios/change_list.html", {
        "page": paginate(request, changes), "statuses": ChangeStatus.choices, "status": status})
