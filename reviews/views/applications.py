"""Applications: list, draft form, detail with the eligibility panel, actions, attachments."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import search
from core.conflicts import Conflict
from core.downloads import download
from core.lists import paginate

from .. import application_services, decision_services, selectors
from ..forms import (
    ActionForm,
    ApplicationForm,
    AttachmentForm,
    MemberFormSet,
    ResultFormSet,
    SiteVisitForm,
    filled_rows,
)
from ..models import ApplicationStatus
from ..permissions import can_manage_rounds, is_applicant
from .common import report_errors

ACTIONS = {
    "submit": application_services.application_submit,
    "withdraw": application_services.application_withdraw,
    "recommend": application_services.application_recommend,
    "return": application_services.application_return,
    "reject": application_services.application_reject,
    "accept": application_services.application_accept,
    "audit-return": application_services.application_audit_return,
    "audit-reject": application_services.application_audit_reject,
}


@login_required
def application_list(request):
    queryset = selectors.application_rows(request.user)
    status = request.GET.get("status", "")
    if status in ApplicationStatus.values:
        queryset = queryset.filter(status=status)
    round_id = request.GET.get("round", "")
    if round_id.isdigit():
        queryset = queryset.filter(naming_round_id=int(round_id))
    queryset = search.applications(queryset, request.GET.get("q", ""))
    page = paginate(request, queryset)
    return render(request, "reviews/application_list.html", {
        "page": page, "statuses": ApplicationStatus.choices, "rounds": selectors.round_list(request.user),
    })


@require_POST
@login_required
def application_new(request, round_pk):
    naming_round = selectors.round_detail(request.user, round_pk)
    application = application_services.application_create(request.user, naming_round)
    messages.success(request, _("已新建申报草稿，请逐项填写第五条规定的条件。"))
    return redirect("reviews:application_edit", application.pk)


@login_required
def application_edit(request, pk):
    application = selectors.application_detail(request.user, pk)
    application_services.check_can_edit(request.user, application)  # 403 for another role, 409 past editing
    data = request.POST or None
    form = ApplicationForm(data, instance=application)
    members = MemberFormSet(data, prefix="members", initial=[
        {"name": m.name, "role": m.role, "job_title": m.job_title, "mobile": m.mobile}
        for m in application.members.all()])
    results = ResultFormSet(data, prefix="results", initial=[
        {f: getattr(r, f) for f in ("year", "kind", "title", "patent_number", "level", "issuing_body")}
        for r in application.results.all()])
    if request.method == "POST" and form.is_valid() and members.is_valid() and results.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            application_services.application_save(request.user, application, fields, filled_rows(members),
                                                   filled_rows(results))
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, _("已保存草稿。提交前请查看申报条件核对结果。"))
            return redirect("reviews:application_detail", pk)
    return render(request, "reviews/application_form.html", {
        "application": application, "form": form, "members": members, "results": results,
    })


@login_required
def application_detail(request, pk):
    application = selectors.application_detail(request.user, pk)
    checks = application_services.eligibility(application)
    return render(request, "reviews/application_detail.html", {
        "application": application,
        "checks": checks,
        "blocked": any(c.blocks for c in checks),
        "members": application.members.all(),
        "results": application.results.all(),
        "history": selectors.application_history(request.user, application),
        "actions": selectors.available_actions(request.user, application),
        "can_edit": _can_edit(request.user, application),
        "attachments": application.attachments.select_related("uploaded_by"),
        "attachment_form": AttachmentForm(),
        "site_visits": application.site_visits.select_related("recorded_by"),
        "site_visit_form": SiteVisitForm(initial={"visited_on": timezone.localdate()})
        if can_manage_rounds(request.user) else None,
    })


@require_POST
@login_required
def site_visit(request, pk):
    application = selectors.application_detail(request.user, pk)
    if not can_manage_rounds(request.user):
        raise PermissionDenied
    form = SiteVisitForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("请填写考察日期、人员和情况。"))
        decision_services.site_visit_record(request.user, application, **form.cleaned_data)
    except ValidationError as error:
        report_errors(request, error)
    else:
        messages.success(request, _("已记录现场考察情况。"))
    return redirect("reviews:application_detail", pk)


def _can_edit(user, application):
    try:
        application_services.check_can_edit(user, application)
    except (PermissionDenied, Conflict):
        return False
    return True


@require_POST
@login_required
def application_action(request, pk, action):
    application = selectors.application_detail(request.user, pk)
    service = ACTIONS.get(action)
    form = ActionForm(request.POST)
    if service is None or not form.is_valid():
        messages.error(request, _("提交的内容不完整，请刷新页面后重试。"))
        return redirect("reviews:application_detail", pk)
    try:
        service(request.user, application, **form.cleaned_data)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        application.refresh_from_db()
        messages.success(request, _("操作成功，申报现为“%(status)s”。") % {"status": application.get_status_display()})
    return redirect("reviews:application_detail", pk)


@require_POST
@login_required
def attachment_upload(request, pk):
    application = selectors.application_detail(request.user, pk)
    if not is_applicant(request.user, application):  # the role first: 403 whatever was posted
        raise PermissionDenied
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("reviews:application_detail", pk)
    try:
        attachment = application_services.attachment_add(request.user, application, form.cleaned_data["kind"],
                                                         form.cleaned_data["file"])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已上传“%(name)s”。") % {"name": attachment.original_name})
    return redirect("reviews:application_detail", pk)


@require_POST
@login_required
def attachment_delete(request, pk):
    attachment = selectors.attachment_detail(request.user, pk)
    try:
        application_services.attachment_delete(request.user, attachment)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, _("已删除“%(name)s”。") % {"name": attachment.original_name})
    return redirect("reviews:application_detail", attachment.application_id)


@login_required
def attachment_download(request, pk):
    """Only someone who may see the application gets its files, always as a download."""
    attachment = selectors.attachment_detail(request.user, pk)
    return download(attachment.file.open("rb"), attachment.original_name, attachment.content_type,
                    subject=attachment)
