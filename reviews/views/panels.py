"""Expert panels and the experts' own tasks (第六条: 专家评审)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.conflicts import Conflict
from core.lists import paginate

from .. import (
    application_services,
    panel_services,
    scoring,
    selectors,
)
from ..forms import (
    AssignForm,
    PanelForm,
    RecuseForm,
    ScoreForm,
)
from .common import manager_round


@login_required
def panel(request, round_pk):
    naming_round = manager_round(request, round_pk)
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


def _existing_panel(naming_round):
    expert_panel = selectors.panel_for(naming_round)
    if expert_panel is None:
        raise Conflict(_("请先组建专家评审组。"), naming_round)
    return expert_panel


def _panel_action(request, round_pk, action):
    naming_round = manager_round(request, round_pk)
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
        expert_panel = _existing_panel(naming_round)
        count = panel_services.auto_assign(request.user, expert_panel)
        return _("已自动分配 %(n)d 个评审任务，专家已收到通知。") % {"n": count}
    return _panel_action(request, round_pk, auto)


@require_POST
@login_required
def panel_assign(request, round_pk):
    def assign(naming_round):
        expert_panel = _existing_panel(naming_round)
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
    assignment = selectors.my_task(request.user, pk)
    form = ScoreForm(request.POST, criteria=assignment.application.naming_round.rule_set.criteria.all())
    if form.is_valid():
        try:
            panel_services.submit_scores(request.user, assignment, form.points(), form.cleaned_data["comment"])
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
    assignment = selectors.my_task(request.user, pk)
    form = RecuseForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("请说明回避原因。"))
        panel_services.recuse(request.user, assignment, form.cleaned_data["reason"])
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("已声明回避，市总工会将另行分配专家。"))
        return redirect("reviews:assignment_list")
    return redirect("reviews:assignment_detail", pk)
