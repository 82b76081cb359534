"""Expert panels (第六条: 专家评审): composing the panel, assigning applications, recusal and scoring.

An expert's access to an application is a django-guardian object permission
granted with the assignment and taken back on recusal.
"""
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from core.conflicts import Conflict
from core.history import log_transition
from core.numbers import plain
from core.notifications import notify
from unions.models import Role, User

from .models import (
    Application, ApplicationStatus, Assignment, AssignmentStatus, ExpertPanel, NamingRound, RoundPhase, ScoreItem,
)
from .permissions import require_round_manager
from unions.recipients import municipal_staff
from .services import StaleAction

REVIEW_PERMISSION = "reviews.review_application"
ASSIGNABLE_STATES = (ApplicationStatus.ACCEPTED, ApplicationStatus.UNDER_REVIEW)
PANEL_PHASES = (RoundPhase.AUDIT, RoundPhase.EXPERT_REVIEW)


def _require_panel_phase(naming_round):
    """第六条: the panel is formed and assigned between the audit and the end of the expert review."""
    if naming_round.phase not in PANEL_PHASES:
        raise Conflict(_("当前处于“%(phase)s”阶段，专家评审组在审核或专家评审阶段组建和分配。")
                       % {"phase": naming_round.get_phase_display()}, naming_round)


def conflict_of(expert, application):
    """Why the system flags `expert` for `application` (回避), or "" when it sees no conflict."""
    if expert.union_id == application.unit_id:
        return _("专家与申报单位同属“%(u)s”。") % {"u": application.unit.name}
    if expert.union_id and expert.union_id == application.unit.recommending_union_id:
        return _("专家所在的“%(u)s”是该申报的推荐单位。") % {"u": application.unit.recommending_union.name}
    return ""


@transaction.atomic
def panel_save(actor, naming_round, experts):
    """Creates the round's panel or changes its experts; an expert with tasks cannot be removed."""
    require_round_manager(actor, _("组织专家评审"))
    # Locked, so two officers changing the experts at once take turns instead of adding the same one twice.
    naming_round = NamingRound.objects.select_for_update().get(pk=naming_round.pk)
    _require_panel_phase(naming_round)
    experts = list(experts)
    not_experts = [e.display_name for e in experts if e.role != Role.EXPERT or not e.is_active]
    if not_experts:
        raise ValidationError(_("%(names)s 不是有效的评审专家账号。") % {"names": "、".join(not_experts)})
    panel, created = ExpertPanel.objects.get_or_create(naming_round=naming_round, defaults={"created_by": actor})
    busy = set(panel.assignments.values_list("expert_id", flat=True))
    dropped = [e for e in panel.experts.all() if e.pk in busy and e not in experts]
    if dropped:
        raise ValidationError(_("%(names)s 已有评审任务，不能移出评审组。") % {
            "names": "、".join(e.display_name for e in dropped)})
    panel.experts.set(experts)
    log_transition(naming_round, union=naming_round.union, transition="panel", label=_("组建专家评审组") if created
                   else _("调整专家评审组"), source=naming_round.phase, target=naming_round.phase, actor=actor,
                   comment="、".join(e.display_name for e in experts))
    return panel


def _assign(actor, panel, application, expert):
    if expert not in panel.experts.all():
        raise ValidationError(_("%(e)s 不在本批次的专家评审组中。") % {"e": expert.display_name})
    if application.status not in ASSIGNABLE_STATES:
        raise ValidationError(_("“%(a)s”为“%(s)s”，审核通过后才能分配专家。") % {
            "a": application, "s": application.get_status_display()})
    conflict = conflict_of(expert, application)
    if conflict:
        raise ValidationError(_("%(e)s 需回避“%(a)s”：%(why)s") % {"e": expert.display_name, "a": application,
                                                                 "why": conflict})
    if Assignment.objects.filter(application=application, expert=expert).exists():
        raise ValidationError(_("%(e)s 已分配过“%(a)s”。") % {"e": expert.display_name, "a": application})
    assignment = Assignment.objects.create(panel=panel, application=application, expert=expert)
    assign_perm(REVIEW_PERMISSION, expert, application)
    source = application.status
    if source == ApplicationStatus.ACCEPTED:
        application.start_review()
        application.save()
    log_transition(application, union=application.unit, transition="assign", label=_("分配评审专家"),
                   source=source, target=application.status, actor=actor,
                   comment=expert.display_name)
    return assignment


def _notify_expert(expert, count, panel):
    notify([expert], _("您有 %(n)d 份新的评审任务") % {"n": count},
           _("请在 %(d)s 前完成评分（第六条：专家评审）。") % {"d": f"{panel.naming_round.expert_deadline:%Y-%m-%d}"},
           reverse("reviews:assignment_list"))


@transaction.atomic
def assign(actor, panel, application, expert):
    """Assigns one expert by hand; a conflict the system sees is refused with its reason."""
    require_round_manager(actor, _("组织专家评审"))
    _require_panel_phase(panel.naming_round)
    application = Application.objects.select_for_update(of=("self",)).select_related("unit__recommending_union").get(
        pk=application.pk)
    assignment = _assign(actor, panel, application, expert)
    _notify_expert(expert, 1, panel)
    return assignment


@transaction.atomic
def auto_assign(actor, panel):
    """Gives every accepted application the rule set's number of experts, balancing loads and avoiding conflicts.

    All or nothing: if some application cannot get enough experts, nothing is assigned and the
    message lists which and why.
    """
    require_round_manager(actor, _("组织专家评审"))
    _require_panel_phase(panel.naming_round)
    need_per_application = panel.naming_round.rule_set.experts_per_application
    experts = list(panel.experts.filter(is_active=True).annotate(
        load=Count("assignments", filter=Q(assignments__panel=panel) & ~Q(assignments__status=AssignmentStatus.RECUSED))))
    applications = list(Application.objects.select_for_update(of=("self",)).filter(
        naming_round=panel.naming_round, status__in=ASSIGNABLE_STATES).select_related("unit__recommending_union")
        .order_by("pk"))
    taken = {(a, e) for a, e in Assignment.objects.filter(panel=panel).values_list("application_id", "expert_id")}
    active = dict(Assignment.objects.filter(panel=panel).exclude(status=AssignmentStatus.RECUSED)
                  .values("application_id").annotate(n=Count("pk")).values_list("application_id", "n"))
    plan, short = [], []
    for application in applications:
        need = need_per_application - active.get(application.pk, 0)
        candidates = sorted((e for e in experts if (application.pk, e.pk) not in taken
                             and not conflict_of(e, application)), key=lambda e: (e.load, e.username))
        if len(candidates) < need:
            short.append(_("“%(a)s”还需 %(n)d 位专家，只有 %(c)d 位可用。") % {"a": application, "n": need,
                                                                        "c": len(candidates)})
            continue
        for expert in candidates[:max(need, 0)]:
            expert.load += 1
            plan.append((application, expert))
    if short:  # the panel must change first, whatever is posted
        raise Conflict("".join([_("专家人数不够，未作分配：")] + short), panel.naming_round)
    counts = {}
    for application, expert in plan:
        _assign(actor, panel, application, expert)
        counts[expert] = counts.get(expert, 0) + 1
    for expert, count in counts.items():
        _notify_expert(expert, count, panel)
    return len(plan)


def _lock_own(expert, assignment):
    locked = Assignment.objects.select_for_update(of=("self",)).select_related(
        "application__naming_round__rule_set", "application__unit").get(pk=assignment.pk)
    if locked.expert_id != expert.pk:
        raise PermissionDenied(_("这不是您的评审任务。"))
    if locked.status != AssignmentStatus.ASSIGNED:  # scored or recused: a closed task (a double submit)
        raise StaleAction(_("该评审任务已是“%(s)s”，评分提交后不能修改。") % {"s": locked.get_status_display()}, locked)
    if not expert.has_perm(REVIEW_PERMISSION, locked.application):
        raise PermissionDenied(_("这不是您的评审任务。"))
    return locked


@transaction.atomic
def recuse(expert, assignment, reason):
    """The expert declares a conflict of interest (回避); municipal staff are told so they can reassign."""
    locked = _lock_own(expert, assignment)
    if not reason.strip():
        raise ValidationError({"reason": _("请说明回避原因。")})
    locked.status = AssignmentStatus.RECUSED
    locked.recusal_reason = reason
    locked.finished_at = timezone.now()
    locked.save(update_fields=["status", "recusal_reason", "finished_at"])
    remove_perm(REVIEW_PERMISSION, expert, locked.application)
    application = Application.objects.select_for_update().get(pk=locked.application_id)
    log_transition(application, union=application.unit, transition="recuse", label=_("专家回避"),
                   source=application.status, target=application.status, actor=expert, comment=reason)
    _finish_if_complete(application)
    notify(municipal_staff(), _("有专家声明回避，请重新分配"),
           _("%(e)s 回避“%(a)s”：%(r)s") % {"e": expert.display_name, "a": application, "r": reason},
           reverse("reviews:panel", args=[application.naming_round_id]))
    return locked


@transaction.atomic
def submit_scores(expert, assignment, points, comment):
    """Records the expert's points for every criterion; final once submitted (第六条: 专家评审)."""
    locked = _lock_own(expert, assignment)
    naming_round = locked.application.naming_round
    if naming_round.phase != RoundPhase.EXPERT_REVIEW:
        raise Conflict(_("当前处于“%(phase)s”阶段，专家评审阶段才能评分。") % {
            "phase": naming_round.get_phase_display()}, locked)
    criteria = list(naming_round.rule_set.criteria.all())
    errors, items = {}, []
    for criterion in criteria:
        raw = points.get(criterion.pk)
        try:
            value = Decimal(str(raw)).quantize(Decimal("0.1"))
        except (InvalidOperation, TypeError, ValueError):
            errors[f"c{criterion.pk}"] = _("请为“%(c)s”打分。") % {"c": criterion.name}
            continue
        if not Decimal(0) <= value <= criterion.max_score:
            errors[f"c{criterion.pk}"] = _("“%(c)s”的得分应在 0 到 %(m)s 之间。") % {
                "c": criterion.name, "m": plain(criterion.max_score)}
            continue
        items.append(ScoreItem(assignment=locked, criterion=criterion, points=value))
    if not comment.strip():
        errors["comment"] = _("请填写评审意见。")
    if errors:
        raise ValidationError(errors)
    ScoreItem.objects.bulk_create(items)
    locked.total = sum(i.points for i in items)
    locked.comment = comment
    locked.status = AssignmentStatus.SCORED
    locked.finished_at = timezone.now()
    locked.save(update_fields=["total", "comment", "status", "finished_at"])
    application = Application.objects.select_for_update().get(pk=locked.application_id)
    log_transition(application, union=application.unit, transition="score", label=_("专家提交评分"),
                   source=application.status, target=application.status, actor=expert)
    _finish_if_complete(application)
    return locked


def _finish_if_complete(application):
    """When every expert not recused has scored, the application is scored."""
    if application.status != ApplicationStatus.UNDER_REVIEW:
        return
    statuses = set(application.assignments.values_list("status", flat=True))
    if AssignmentStatus.SCORED in statuses and AssignmentStatus.ASSIGNED not in statuses:
        application.finish_review()
        application.save()
        log_transition(application, union=application.unit, transition="finish_review", label=_("评审完成"),
                       source=ApplicationStatus.UNDER_REVIEW, target=application.status, actor=None)


@transaction.atomic
def remind_unscored(naming_round, days_left):
    """Tells each expert with tasks still to score how many and by when; returns how many were told.

    Once per expert for each reminder day (the key names the round, its deadline and the days left), and all or
    none, so a retried job never reminds anyone twice.
    """
    waiting = (Assignment.objects.filter(application__naming_round=naming_round, status=AssignmentStatus.ASSIGNED)
               .values("expert").annotate(n=Count("pk")))
    counts = {row["expert"]: row["n"] for row in waiting}
    key = f"expert-reminder:{naming_round.pk}:{naming_round.expert_deadline:%Y-%m-%d}:{days_left}"
    told = 0
    for expert in User.objects.filter(pk__in=counts, is_active=True):
        when = _("今天") if days_left == 0 else _("%(n)d 天后") % {"n": days_left}
        told += notify([expert], _("评分提醒：还有 %(n)d 份申报待评分") % {"n": counts[expert.pk]},
                       _("专家评审截止日为 %(d)s（%(when)s），请及时完成评分。") % {
                           "d": f"{naming_round.expert_deadline:%Y-%m-%d}", "when": when},
                       reverse("reviews:assignment_list"), key=key)
    return told
