"""第十条's pages: the cycles, one cycle's progress and actions, one studio's evaluation, the experts' tasks,
and the collective decision of 第十一条."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import search
from core.conflicts import Conflict
from core.history import hide_reviewers, timeline
from core.lists import paginate, render_paged
from core.stepper import stepper
from reviews.views.common import add_form_errors, report_errors, submit_form
from rules.models import RuleSet
from unions.models import Role
from unions.permissions import is_municipal_staff, is_recommending_staff_of, is_unit_staff_of

from . import cycle_services as cycles
from . import selectors
from .forms import (
    AssignExpertForm, CycleEvaluationForm, CycleOpenForm, CycleReviewForm, DecisionForm, SelfEvaluationForm,
    StartExpertReviewForm,
)
from .models import CYCLE_DIMENSIONS, CycleGrade, CyclePhase, CycleReview, EvaluationStatus, Rating

def _run(request, call, success):
    """Runs a service call for a one-button action: its message on success, its refusal of the data otherwise."""
    try:
        result = call()
    except ValidationError as error:
        report_errors(request, error)
    else:
        messages.success(request, success)
        return result
    return None


@login_required
def cycle_list(request):
    user = request.user
    municipal = is_municipal_staff(user)
    if request.method == "POST" and not municipal:  # 第十条: the municipal union opens a cycle; no one else
        raise PermissionDenied
    if user.role == Role.EXPERT:
        return redirect("assessments:cycle_reviews")
    cycles_so_far = selectors.cycle_list()
    form = next_year = None
    if municipal:
        rule_set, today = RuleSet.objects.current(), timezone.localdate()
        last = cycles_so_far.first()
        next_year = last.year + rule_set.cycle_years if last else today.year  # 第十条: 每两年
        if request.method == "POST":
            form = CycleOpenForm(request.POST)
            if form.is_valid():
                try:
                    cycle = cycles.cycle_open(user, **form.cleaned_data)
                except ValidationError as error:
                    add_form_errors(form, error)
                else:
                    messages.success(request, _("已开启周期考核，已通知各单位工会和推荐单位。"))
                    return redirect("assessments:cycle_detail", cycle.pk)
        elif next_year <= today.year:
            form = CycleOpenForm(initial={"year": today.year, **cycles.default_deadlines(rule_set, today)})
        if form is not None:
            form.eligible = cycles.eligible_studios(today.year, rule_set).count()
            form.named_by = today.year - rule_set.cycle_years
    return render(request, "assessments/cycle_list.html", {"cycles": cycles_so_far, "form": form,
                                                           "next_year": next_year})


@login_required
def cycle_detail(request, pk):
    user = request.user
    if user.role == Role.EXPERT:
        raise PermissionDenied
    cycle = selectors.cycle_detail(user, pk)
    evaluations = selectors.cycle_evaluations(user, cycle)
    status, query = request.GET.get("status", ""), request.GET.get("q", "").strip()
    if status in EvaluationStatus.values:
        evaluations = evaluations.filter(status=status)
    if query:
        evaluations = search.of_studios(evaluations, query)
    municipal = is_municipal_staff(user)
    area = (cycles.area_evaluations(cycle, user.union) if user.role == Role.RECOMMENDING_STAFF and user.union_id
            else None)
    return render_paged(request, "assessments/cycle_detail.html", "assessments/_cycle_evaluations.html", {
        "cycle": cycle, "steps": stepper(list(CyclePhase), cycle.phase, cycle.deadlines), "page": paginate(request, evaluations),
        "statuses": EvaluationStatus.choices, "status": status, "q": query,
        "progress": selectors.cycle_progress(cycle) if municipal else None,
        "can_recommend": (area is not None and cycle.phase == CyclePhase.EVALUATION
                          and area.filter(status=EvaluationStatus.EVALUATED).exists()),
        "start_form": StartExpertReviewForm() if municipal and cycle.phase == CyclePhase.EVALUATION else None,
        "municipal": municipal,
        "history": timeline(cycle) if municipal else None,
    })


@require_POST
@login_required
def cycle_recommend(request, pk):
    cycle = selectors.cycle_detail(request.user, pk)
    count = _run(request, lambda: cycles.preliminary_recommend(request.user, cycle), _("已初审推荐至市总工会。"))
    if count:
        messages.info(request, _("共 %(n)d 个工作室。") % {"n": count})
    return redirect("assessments:cycle_detail", cycle.pk)


@require_POST
@login_required
def cycle_advance(request, pk):
    """The municipal union moves the cycle on: to the expert review (with a panel) or to the decision."""
    cycle = selectors.cycle_detail(request.user, pk)
    if not is_municipal_staff(request.user):
        raise PermissionDenied
    from_phase = request.POST.get("from_phase", "")
    if cycle.phase == CyclePhase.EVALUATION:
        form = StartExpertReviewForm(request.POST)
        panel = form.cleaned_data["panel"] if form.is_valid() else None
        _run(request, lambda: cycles.cycle_start_expert_review(request.user, cycle, from_phase=from_phase,
                                                                panel=panel), _("已开始成果展示暨专家评审，已通知评审专家。"))
    else:
        _run(request, lambda: cycles.cycle_start_decision(request.user, cycle, from_phase=from_phase),
             _("专家评审已结束，请组织集体研究确定等次。"))
    return redirect("assessments:cycle_detail", cycle.pk)


def _decision_rows(cycle, evaluations):
    rows = []
    for evaluation in evaluations:
        proposed = cycles.proposed_grade(evaluation, cycle.rule_set)
        reviewed = evaluation.status == EvaluationStatus.REVIEWED
        choices = CycleGrade.choices if reviewed else [(CycleGrade.FAIL.value, CycleGrade.FAIL.label)]
        rows.append({"evaluation": evaluation, "proposed": proposed, "choices": choices, "reviewed": reviewed,
                     "titled": evaluation.studio.holds_title})
    return rows


@login_required
def cycle_decision(request, pk):
    """集体研究 (第十条) and the grades of 第十一条, for every studio of the cycle at once."""
    cycle = selectors.cycle_detail(request.user, pk)
    if not is_municipal_staff(request.user):
        raise PermissionDenied
    if cycle.phase != CyclePhase.DECISION:
        raise Conflict(_("周期考核处于“%(p)s”阶段，不在集体研究阶段。") % {"p": cycle.get_phase_display()}, cycle)
    evaluations = list(cycle.evaluations.exclude(status=EvaluationStatus.CLOSED).select_related(
        "studio", "studio__unit", "studio__unit__recommending_union").order_by(
        "-score", "studio__name"))
    rows = _decision_rows(cycle, evaluations)
    form = DecisionForm(request.POST or None, rows=[r for r in rows if r["titled"]],
                        initial={"meeting_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            counts = cycles.cycle_decide(request.user, cycle, from_phase=request.POST.get("from_phase", ""),
                                         meeting_date=form.cleaned_data["meeting_date"],
                                         minutes_ref=form.cleaned_data["minutes_ref"], grades=form.grades())
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("已确定等次：优秀 %(e)d 个，合格 %(p)d 个，不合格 %(f)d 个；不合格的已通知限期整改。") % {
                "e": counts["excellent"], "p": counts["pass"], "f": counts["fail"]})
            return redirect("assessments:cycle_detail", cycle.pk)
    return render(request, "assessments/cycle_decision.html", {
        "cycle": cycle, "form": form, "rows": rows, "closed": [r for r in rows if not r["titled"]]})


@login_required
def cycle_evaluation(request, cycle_pk, pk):
    user = request.user
    cycle = selectors.cycle_detail(user, cycle_pk)
    evaluation = selectors.evaluation_for(user, cycle, pk)
    studio = evaluation.studio
    in_evaluation = cycle.phase == CyclePhase.EVALUATION
    forms = {}
    if is_unit_staff_of(user, studio) and in_evaluation and evaluation.status == EvaluationStatus.SELF_PENDING:
        forms["self"] = SelfEvaluationForm(
            request.POST or None, prefix="self",
            initial={"self_summary": evaluation.self_summary, "self_grade": evaluation.self_grade})
    is_county = is_recommending_staff_of(user, studio)
    if is_county and in_evaluation and evaluation.status in (EvaluationStatus.SELF_SUBMITTED,
                                                             EvaluationStatus.EVALUATED):
        initial = {f: getattr(evaluation, f) for f, _label in CYCLE_DIMENSIONS} | {
            "evaluation_comment": evaluation.evaluation_comment}
        forms["evaluate"] = CycleEvaluationForm(request.POST or None, prefix="evaluate", initial=initial)
    my_review = (CycleReview.objects.filter(evaluation=evaluation, expert=user).first()
                 if user.role == Role.EXPERT else None)
    if my_review and my_review.status == "assigned" and cycle.phase == CyclePhase.EXPERT_REVIEW:
        forms["review"] = CycleReviewForm(request.POST or None, prefix="review")
    municipal = is_municipal_staff(user)
    if municipal and cycle.phase == CyclePhase.EXPERT_REVIEW and evaluation.status == EvaluationStatus.UNDER_REVIEW:
        forms["assign"] = AssignExpertForm(request.POST or None, prefix="assign", panel=cycle.panel)
    if request.method == "POST":
        done = _evaluation_post(request, evaluation, forms, my_review)
        if done:
            return done
    return render(request, "assessments/cycle_evaluation.html", {
        "cycle": cycle, "evaluation": evaluation, "studio": studio, "forms": forms, "my_review": my_review,
        "showcase": selectors.showcase(evaluation),
        "ratings": [(label, Rating(getattr(evaluation, f)).label) for f, label in CYCLE_DIMENSIONS
                    if getattr(evaluation, f)],
        "can_return": is_county and in_evaluation and evaluation.status == EvaluationStatus.SELF_SUBMITTED,
        "reviews": evaluation.reviews.select_related("expert") if municipal else None,
        "proposed": (cycles.proposed_grade(evaluation, cycle.rule_set)
                     if evaluation.status == EvaluationStatus.REVIEWED else None),
        "rectification": getattr(evaluation, "rectification", None) if evaluation.grade == CycleGrade.FAIL else None,
        "history": None if user.role == Role.EXPERT else hide_reviewers(
            [e for e in timeline(studio) if e.transition.startswith("cycle")], show=municipal),
    })


# Who may post each action on a studio's evaluation (第十条); whether it is possible now is the state's to say.
ACTION_ROLES = {
    "self_save": lambda user, evaluation, review: is_unit_staff_of(user, evaluation.studio),
    "self_submit": lambda user, evaluation, review: is_unit_staff_of(user, evaluation.studio),
    "evaluate": lambda user, evaluation, review: is_recommending_staff_of(user, evaluation.studio),
    "return": lambda user, evaluation, review: is_recommending_staff_of(user, evaluation.studio),
    "review": lambda user, evaluation, review: review is not None,
    "recuse": lambda user, evaluation, review: review is not None,
    "assign": lambda user, evaluation, review: is_municipal_staff(user),
}


def _evaluation_post(request, evaluation, forms, my_review):
    """Runs the posted action; back to the page when done, None to show the form's errors. The wrong role is
    refused (403); the right one with no form for the action now is refused for the state (409)."""
    action, user = request.POST.get("action"), request.user
    may = ACTION_ROLES.get(action)
    if may is None or not may(user, evaluation, my_review):
        raise PermissionDenied
    calls = {
        "self_save": ("self", lambda d: cycles.self_evaluation_save(
            user, evaluation, summary=d["self_summary"], grade=d["self_grade"]), _("已保存自评草稿。")),
        "self_submit": ("self", lambda d: cycles.self_evaluation_save(
            user, evaluation, summary=d["self_summary"], grade=d["self_grade"], submit=True),
            _("已提交自评，推荐单位将进行评价（第十条）。")),
        "evaluate": ("evaluate", lambda d: cycles.evaluation_save(user, evaluation, d),
                     _("已保存评价。辖区工作室全部评价后，请在周期考核页初审推荐。")),
        "review": ("review", lambda d: cycles.cycle_review_submit(user, my_review, total=d["total"],
                                                                  comment=d["comment"]), _("已提交评分。")),
        "assign": ("assign", lambda d: cycles.cycle_assign(user, evaluation, d["expert"]), _("已分配评审专家。")),
    }
    if action == "return":
        _run(request, lambda: cycles.self_evaluation_return(user, evaluation, comment=request.POST.get("comment", "")),
             _("已退回单位工会补充。"))
    elif action == "recuse":
        _run(request, lambda: cycles.cycle_review_recuse(user, my_review, reason=request.POST.get("recusal_reason", "")),
             _("已回避，市总工会将另行分配专家。"))
        return redirect("assessments:cycle_reviews")
    else:
        key, call, message = calls[action]
        if key not in forms:
            raise Conflict(_("该工作室的周期考核为“%(s)s”（%(p)s），现在不能进行这项操作。") % {
                "s": evaluation.get_status_display(), "p": evaluation.cycle.get_phase_display()}, evaluation)
        if not (forms[key].is_valid() and submit_form(request, forms[key], call, message)):
            return None
    return redirect("assessments:cycle_evaluation", evaluation.cycle_id, evaluation.pk)


@login_required
def cycle_reviews(request):
    """An expert's cycle-assessment tasks."""
    if request.user.role != Role.EXPERT:
        raise PermissionDenied
    return render_paged(request, "assessments/cycle_reviews.html", "assessments/_cycle_reviews.html", {
        "page": paginate(request, selectors.expert_reviews(request.user))})

