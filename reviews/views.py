from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.lists import paginate
from rules.models import RuleSet

from core.history import timeline

from . import application_services, decision_services, panel_services, scoring, selectors, services
from .forms import (
    ActionForm, ApplicationForm, AssignForm, AttachmentForm, DeliberationForm, NamingForm, ObjectionHandleForm,
    PanelForm, RecuseForm, ScoreForm, StaffObjectionForm, MemberFormSet, ResultFormSet, RoundAdvanceForm, RoundCreateForm, RoundDeadlinesForm,
    filled_rows,
)
from .models import ApplicationStatus, RoundPhase
from .permissions import can_apply, can_manage_rounds

# The round page previews this many applications, then links to the full list.
PREVIEW_ROWS = 20


def _add_errors(form, error):
    for field, errors in error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]:
        form.add_error(field if field in form.fields else None, errors)


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
            _add_errors(form, error)
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
        "history": selectors.round_history(naming_round),
        "can_manage": can_manage,
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
    try:
        naming_round = services.round_advance(request.user, naming_round, **form.cleaned_data)
    except services.StaleAction as error:
        messages.warning(request, str(error))
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
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
            _add_errors(form, error)
        else:
            messages.success(request, _("期限已更新。"))
            return redirect("reviews:round_detail", pk)
    return render(request, "reviews/round_deadlines.html", {"form": form, "round": naming_round})


# --- applications --------------------------------------------------------------------------

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
    queryset = selectors.application_list(request.user)
    status = request.GET.get("status", "")
    if status in ApplicationStatus.values:
        queryset = queryset.filter(status=status)
    round_id = request.GET.get("round", "")
    if round_id.isdigit():
        queryset = queryset.filter(naming_round_id=int(round_id))
    queryset = selectors.search_applications(queryset, request.GET.get("q", ""))
    page = paginate(request, queryset)
    return render(request, "reviews/application_list.html", {
        "page": page, "statuses": ApplicationStatus.choices, "rounds": selectors.round_list(request.user),
    })


@require_POST
@login_required
def application_new(request, round_pk):
    naming_round = selectors.round_detail(request.user, round_pk)
    try:
        application = application_services.application_create(request.user, naming_round)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect("reviews:round_detail", round_pk)
    messages.success(request, _("已新建申报草稿，请逐项填写第五条规定的条件。"))
    return redirect("reviews:application_edit", application.pk)


@login_required
def application_edit(request, pk):
    application = selectors.application_detail(request.user, pk)
    try:
        application_services.check_can_edit(request.user, application)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect("reviews:application_detail", pk)
    data = request.POST or None
    form = ApplicationForm(data, instance=application)
    members = MemberFormSet(data, prefix="members", initial=[
        {"name": m.name, "role": m.role, "job_title": m.job_title} for m in application.members.all()])
    results = ResultFormSet(data, prefix="results", initial=[
        {f: getattr(r, f) for f in ("year", "kind", "title", "patent_number", "level", "issuing_body")}
        for r in application.results.all()])
    if request.method == "POST" and form.is_valid() and members.is_valid() and results.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            application_services.application_save(request.user, application, fields, filled_rows(members),
                                                   filled_rows(results))
        except (ValidationError, services.StaleAction) as error:
            messages.error(request, "；".join(getattr(error, "messages", [str(error)])))
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
        "history": timeline(application),
        "actions": selectors.available_actions(request.user, application),
        "can_edit": _can_edit(request.user, application),
        "attachments": application.attachments.select_related("uploaded_by"),
        "attachment_form": AttachmentForm(),
    })


def _can_edit(user, application):
    try:
        application_services.check_can_edit(user, application)
    except (PermissionDenied, ValidationError):
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
    except services.StaleAction as error:
        messages.warning(request, str(error))
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
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("reviews:application_detail", pk)
    try:
        attachment = application_services.attachment_add(request.user, application, form.cleaned_data["kind"],
                                                         form.cleaned_data["file"])
    except (ValidationError, services.StaleAction) as error:
        for message in getattr(error, "messages", [str(error)]):
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
    except (ValidationError, services.StaleAction) as error:
        messages.error(request, "；".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("已删除“%(name)s”。") % {"name": attachment.original_name})
    return redirect("reviews:application_detail", attachment.application_id)


@login_required
def attachment_download(request, pk):
    """Only someone who may see the application gets its files, always as a download."""
    attachment = selectors.attachment_detail(request.user, pk)
    response = FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name,
                            content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- expert panels ------------------------------------------------------------------------


def _manager_round(request, round_pk):
    naming_round = selectors.round_detail(request.user, round_pk)
    if not can_manage_rounds(request.user):
        raise PermissionDenied
    return naming_round


@login_required
def panel(request, round_pk):
    naming_round = _manager_round(request, round_pk)
    expert_panel = selectors.panel_for(naming_round)
    experts = expert_panel.experts.all() if expert_panel else []
    rows = scoring.ranking(selectors.panel_rows(naming_round), naming_round.rule_set)
    return render(request, "reviews/panel.html", {
        "round": naming_round,
        "panel": expert_panel,
        "panel_form": PanelForm(candidates=selectors.expert_candidates(),
                                initial={"experts": [e.pk for e in experts]}),
        "assign_form": AssignForm(
            applications=selectors.application_list(request.user).filter(
                naming_round=naming_round, status__in=panel_services.ASSIGNABLE_STATES),
            experts=expert_panel.experts.all() if expert_panel else selectors.expert_candidates().none()),
        "rows": rows,
        "waiting": sorted({a.expert for row in rows for a in row["waiting"]}, key=lambda e: e.display_name),
    })


def _panel_action(request, round_pk, action):
    naming_round = _manager_round(request, round_pk)
    try:
        message = action(naming_round)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, message)
    return redirect("reviews:panel", round_pk)


@require_POST
@login_required
def panel_save(request, round_pk):
    def save(naming_round):
        form = PanelForm(request.POST, candidates=selectors.expert_candidates())
        if not form.is_valid():
            raise ValidationError(_("所选专家无效，请刷新页面后重试。"))
        saved = panel_services.panel_save(request.user, naming_round, form.cleaned_data["experts"])
        return _("专家评审组已保存，共 %(n)d 位专家。") % {"n": saved.experts.count()}
    return _panel_action(request, round_pk, save)


@require_POST
@login_required
def panel_auto_assign(request, round_pk):
    def auto(naming_round):
        expert_panel = selectors.panel_for(naming_round)
        if expert_panel is None:
            raise ValidationError(_("请先组建专家评审组。"))
        count = panel_services.auto_assign(request.user, expert_panel)
        return _("已自动分配 %(n)d 个评审任务，专家已收到通知。") % {"n": count}
    return _panel_action(request, round_pk, auto)


@require_POST
@login_required
def panel_assign(request, round_pk):
    def assign(naming_round):
        expert_panel = selectors.panel_for(naming_round)
        if expert_panel is None:
            raise ValidationError(_("请先组建专家评审组。"))
        form = AssignForm(request.POST, applications=selectors.application_list(request.user).filter(
            naming_round=naming_round), experts=expert_panel.experts.all())
        if not form.is_valid():
            raise ValidationError(_("请选择申报和专家。"))
        assignment = panel_services.assign(request.user, expert_panel, form.cleaned_data["application"],
                                           form.cleaned_data["expert"])
        return _("已将“%(a)s”分配给 %(e)s。") % {"a": assignment.application, "e": assignment.expert.display_name}
    return _panel_action(request, round_pk, assign)


@login_required
def assignment_list(request):
    return render(request, "reviews/assignment_list.html",
                  {"page": paginate(request, selectors.my_assignments(request.user))})


@login_required
def assignment_detail(request, pk):
    assignment = selectors.my_assignment(request.user, pk)
    application = assignment.application
    criteria = application.naming_round.rule_set.criteria.all()
    return render(request, "reviews/assignment_detail.html", {
        "assignment": assignment,
        "application": application,
        "checks": application_services.eligibility(application),
        "members": application.members.all(),
        "results": application.results.all(),
        "attachments": application.attachments.all(),
        "score_form": ScoreForm(criteria=criteria),
        "recuse_form": RecuseForm(),
        "conflict": panel_services.conflict_of(request.user, application),
    })


@require_POST
@login_required
def assignment_score(request, pk):
    assignment = selectors.my_assignment(request.user, pk)
    form = ScoreForm(request.POST, criteria=assignment.application.naming_round.rule_set.criteria.all())
    if form.is_valid():
        try:
            panel_services.submit_scores(request.user, assignment, form.points(), form.cleaned_data["comment"])
        except services.StaleAction as error:
            messages.warning(request, str(error))
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(request, _("评分已提交。提交后不能修改。"))
            return redirect("reviews:assignment_list")
    else:
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
    return redirect("reviews:assignment_detail", pk)


@require_POST
@login_required
def assignment_recuse(request, pk):
    assignment = selectors.my_assignment(request.user, pk)
    form = RecuseForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("请说明回避原因。"))
        panel_services.recuse(request.user, assignment, form.cleaned_data["reason"])
    except services.StaleAction as error:
        messages.warning(request, str(error))
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("已声明回避，市总工会将另行分配专家。"))
        return redirect("reviews:assignment_list")
    return redirect("reviews:assignment_detail", pk)


# --- collective decision, publicity, naming (第六条) -------------------------------------------


def _report(request, error):
    for text in getattr(error, "messages", [str(error)]):
        messages.error(request, text)


@login_required
def decision(request, round_pk):
    naming_round = _manager_round(request, round_pk)
    rows = scoring.ranking(selectors.panel_rows(naming_round), naming_round.rule_set)
    candidates = selectors.application_list(request.user).filter(naming_round=naming_round,
                                                                 status=ApplicationStatus.SCORED)
    ranked = [r["application"].pk for r in rows if r["rank"]][:naming_round.rule_set.quota_max]
    form = DeliberationForm(request.POST or None, candidates=candidates,
                            initial={"shortlisted": ranked, "meeting_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            decision_services.deliberation_record(request.user, naming_round, **form.cleaned_data)
        except (ValidationError, services.StaleAction) as error:
            _report(request, error)
        else:
            messages.success(request, _("已记录集体研究结果。下一步：开始社会公示。"))
            return redirect("reviews:round_detail", round_pk)
    return render(request, "reviews/decision.html", {"round": naming_round, "form": form, "rows": rows,
                                                     "deliberation": getattr(naming_round, "deliberation", None)})


@login_required
def objections(request, round_pk):
    naming_round = _manager_round(request, round_pk)
    in_publicity = selectors.application_list(request.user).filter(naming_round=naming_round,
                                                                   status=ApplicationStatus.IN_PUBLICITY)
    form = StaffObjectionForm(request.POST or None, request.FILES or None, applications=in_publicity)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            decision_services.objection_submit(data.pop("application"), recorded_by=request.user, **data)
        except ValidationError as error:
            _report(request, error)
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
    except (ValidationError, services.StaleAction) as error:
        _report(request, error)
    else:
        messages.success(request, _("已记录核实结果。"))
    return redirect("reviews:objections", objection.application.naming_round_id)


@require_POST
@login_required
def publicity_approve(request, round_pk):
    naming_round = _manager_round(request, round_pk)
    try:
        approved, waiting = decision_services.approve_after_publicity(naming_round, request.user)
    except ValidationError as error:
        _report(request, error)
    else:
        text = _("公示期满，%(n)d 家公示通过。") % {"n": approved}
        if waiting:
            text += _("另有 %(w)d 家的异议尚待核实。") % {"w": waiting}
        messages.success(request, text)
    return redirect("reviews:objections", round_pk)


@login_required
def naming(request, round_pk):
    naming_round = _manager_round(request, round_pk)
    form = NamingForm(request.POST or None, initial={"decision_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            count = decision_services.naming_issue(request.user, naming_round, **form.cleaned_data)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                _add_errors(form, error)
            else:
                _report(request, error)
        else:
            messages.success(request, _("命名决定已发布，%(n)d 家工作室已列入名录。") % {"n": count})
            return redirect("reviews:round_detail", round_pk)
    approved = selectors.application_list(request.user).filter(naming_round=naming_round,
                                                               status=ApplicationStatus.APPROVED)
    return render(request, "reviews/naming.html", {"round": naming_round, "form": form, "approved": approved})
