"""第十条 in writes: the biennial cycle assessment, from opening it to the collective decision of 第十一条.

工作室自评 (unit union) → 推荐单位评价 and 初审推荐 (the county-level or municipal-direct union) →
成果展示暨专家评审 (experts of a naming round's panel) → 集体研究 (municipal union), which grades each
studio 优秀, 合格 or 不合格; 不合格 opens a rectification (rectification_services). Each write checks
permission, runs in a transaction, logs on the studio's (or the cycle's) history and tells the next actors.
"""
import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from core.conflicts import Conflict
from core.history import log_transition
from core.notifications import notify
from core.unique import refused_if_taken
from reviews.errors import StaleAction
from reviews.models import ExpertPanel
from reviews.panel_services import conflict_of
from reviews.scoring import combine
from rules.models import RuleSet
from studios.models import TITLED_STATES, Studio, StudioStatus
from unions.models import Role, Union, UnionKind, User
from unions.permissions import is_recommending_staff_of, is_unit_staff_of, require_municipal_staff
from unions.recipients import municipal_staff, recommending_staff, unit_staff

from .models import (
    CYCLE_DIMENSIONS, AssessmentCycle, CycleEvaluation, CycleGrade, CyclePhase, CycleReview, EvaluationStatus,
    Rating, Rectification,
)

REVIEW_PERMISSION = "assessments.review_cycleevaluation"
DEADLINE_FIELDS = ["self_deadline", "evaluation_deadline", "expert_deadline"]


def evaluation_url(evaluation):
    return reverse("assessments:cycle_evaluation", args=[evaluation.cycle_id, evaluation.pk])


def cycle_url(cycle):
    return reverse("assessments:cycle_detail", args=[cycle.pk])


def _require_municipal(actor, action):
    require_municipal_staff(actor, _("只有市总工会工作人员可以%(a)s（第十条）。") % {"a": action})


def _lock_cycle(cycle, from_phase=None):
    locked = AssessmentCycle.objects.select_for_update().get(pk=cycle.pk)
    if from_phase is not None and locked.phase != from_phase:
        raise StaleAction(_("周期考核已进入“%(p)s”阶段，可能已由他人操作，请刷新页面。") % {"p": locked.get_phase_display()},
                          locked)
    return locked


def _lock_evaluation(evaluation):
    return CycleEvaluation.objects.select_for_update(of=("self",)).select_related(
        "cycle", "cycle__rule_set", "studio", "studio__unit", "studio__unit__recommending_union").get(pk=evaluation.pk)


def _require_status(locked, status):
    if locked.status != status:
        raise StaleAction(_("该工作室的周期考核已变为“%(s)s”，可能已由他人处理，请刷新页面。") % {
            "s": locked.get_status_display()}, locked)


def _require_phase(cycle, phase, subject=None):
    if cycle.phase != phase:
        raise Conflict(_("周期考核处于“%(now)s”阶段，这项操作在“%(need)s”阶段进行（第十条）。") % {
            "now": cycle.get_phase_display(), "need": CyclePhase(phase).label}, subject or cycle)


def _log(evaluation, actor, transition, label, source, comment=""):
    """On the studio's history, so its page tells the whole story (DESIGN.md)."""
    log_transition(evaluation.studio, union=evaluation.studio.unit, transition=transition, label=label,
                   source=source, target=evaluation.status, actor=actor, comment=comment)


def _log_cycle(cycle, actor, transition, label, source, comment=""):
    log_transition(cycle, union=cycle.union, transition=transition, label=label, source=source, target=cycle.phase,
                   actor=actor, comment=comment)


def eligible_studios(year, rule_set):
    """第十条: active studios named at least one cycle (`cycle_years`) before `year`."""
    return Studio.objects.filter(status=StudioStatus.ACTIVE, named_year__lte=year - rule_set.cycle_years)


def default_deadlines(rule_set, start):
    """自评, 评价和初审推荐, 专家评审 one after the other, with the naming workflow's phase lengths."""
    self_deadline = start + datetime.timedelta(days=rule_set.application_days)
    evaluation_deadline = self_deadline + datetime.timedelta(days=rule_set.preliminary_review_days)
    return {"self_deadline": self_deadline, "evaluation_deadline": evaluation_deadline,
            "expert_deadline": evaluation_deadline + datetime.timedelta(days=rule_set.expert_review_days)}


def _check_deadlines(deadlines):
    today = timezone.localdate()
    previous = today
    for field in DEADLINE_FIELDS:
        day = deadlines.get(field)
        label = AssessmentCycle._meta.get_field(field).verbose_name
        if day is None:
            raise ValidationError({field: _("请填写%(f)s。") % {"f": label}})
        if day <= previous:
            raise ValidationError({field: _("%(f)s必须晚于今天和上一步的截止日（第十条规定的程序依次进行）。") % {"f": label}})
        previous = day


@transaction.atomic
def cycle_open(actor, *, year, notes="", **deadlines):
    """Opens the cycle of `year` for every eligible studio, with the current rule set (kept from now on)."""
    _require_municipal(actor, _("组织周期考核"))
    rule_set = RuleSet.objects.current()
    this_year = timezone.localdate().year
    if not 2022 <= year <= this_year:
        raise ValidationError({"year": _("考核年度应在 2022 年至今年之间。")})
    last = AssessmentCycle.objects.select_for_update().order_by("-year").first()
    opened = StaleAction(_("%(y)d 年度周期考核已开启。") % {"y": year}, last if last and last.year == year else None)
    if last and last.year == year:
        raise opened
    if last and year - last.year < rule_set.cycle_years:
        raise ValidationError({"year": _("第十条：每 %(n)d 年进行一次周期考核，上一次为 %(y)d 年度。") % {
            "n": rule_set.cycle_years, "y": last.year}})
    deadlines = {f: deadlines.get(f) for f in DEADLINE_FIELDS}
    if not any(deadlines.values()):
        deadlines = default_deadlines(rule_set, timezone.localdate())
    _check_deadlines(deadlines)
    studios = list(eligible_studios(year, rule_set).select_for_update(of=("self",)).select_related(
        "unit", "unit__recommending_union").order_by("name"))
    if not studios:
        raise ValidationError({"year": _("没有 %(y)d 年及以前命名、正常运行的工作室，无需周期考核（第十条）。") % {
            "y": year - rule_set.cycle_years}})
    # Before the first cycle there is no row to lock: a colleague opening it at the same moment meets the
    # unique year instead.
    with refused_if_taken(opened):
        cycle = AssessmentCycle.objects.create(year=year, union=Union.objects.get(kind=UnionKind.MUNICIPAL),
                                               rule_set=rule_set, notes=notes.strip(), created_by=actor, **deadlines)
    evaluations = CycleEvaluation.objects.bulk_create(CycleEvaluation(cycle=cycle, studio=s) for s in studios)
    for evaluation in evaluations:
        _log(evaluation, actor, "cycle_open", _("纳入 %(y)d 年度周期考核") % {"y": year}, evaluation.studio.status,
             _("请于 %(d)s 前完成工作室自评（第十条）。") % {"d": f"{cycle.self_deadline:%Y-%m-%d}"})
    _log_cycle(cycle, actor, "open", _("开启周期考核"), "", _("共 %(n)d 个工作室。") % {"n": len(studios)})
    unit_ids = {s.unit_id for s in studios}
    county_ids = {s.unit.recommending_union_id for s in studios}
    notify(User.objects.filter(is_active=True, role=Role.UNIT_STAFF, union_id__in=unit_ids),
           _("%(y)d 年度周期考核已开启，请完成工作室自评") % {"y": year},
           _("第十条：请于 %(d)s 前提交自评报告。") % {"d": f"{cycle.self_deadline:%Y-%m-%d}"}, cycle_url(cycle))
    notify(User.objects.filter(is_active=True, role=Role.RECOMMENDING_STAFF, union_id__in=county_ids),
           _("%(y)d 年度周期考核已开启") % {"y": year},
           _("第十条：请于 %(d)s 前完成辖区工作室的评价和初审推荐。") % {"d": f"{cycle.evaluation_deadline:%Y-%m-%d}"},
           cycle_url(cycle))
    return cycle


@transaction.atomic
def self_evaluation_save(actor, evaluation, *, summary, grade, submit=False):
    """工作室自评: the unit union keeps a draft until it submits it to its recommending union."""
    locked = _lock_evaluation(evaluation)
    if not is_unit_staff_of(actor, locked.studio):
        raise PermissionDenied(_("只有工作室所在单位工会可以填报自评（第十条）。"))
    _require_phase(locked.cycle, CyclePhase.EVALUATION, locked)
    if locked.status != EvaluationStatus.SELF_PENDING:
        raise StaleAction(_("自评已提交（%(s)s），如需修改，请推荐单位退回。") % {"s": locked.get_status_display()}, locked)
    summary = (summary or "").strip()
    if submit:
        errors = {}
        if not summary:
            errors["self_summary"] = _("请填写自评报告（第十条：规范化运作、创新创效、示范引领等情况）。")
        if grade not in CycleGrade.values:
            errors["self_grade"] = _("请选择自评等次（第十一条：优秀、合格、不合格）。")
        if errors:
            raise ValidationError(errors)
    locked.self_summary = summary
    locked.self_grade = grade if grade in CycleGrade.values else ""
    if not submit:
        locked.save()
        return locked
    source = locked.status
    locked.submit_self()
    locked.self_submitted_at = timezone.now()
    locked.save()
    _log(locked, actor, "cycle_self", _("提交 %(y)d 年度周期考核自评") % {"y": locked.cycle.year}, source,
         _("自评等次：%(g)s") % {"g": locked.get_self_grade_display()})
    notify(recommending_staff(locked.studio), _("%(s)s提交了周期考核自评，请评价") % {"s": locked.studio},
           _("第十条：请于 %(d)s 前完成评价和初审推荐。") % {"d": f"{locked.cycle.evaluation_deadline:%Y-%m-%d}"},
           evaluation_url(locked))
    return locked


@transaction.atomic
def self_evaluation_return(actor, evaluation, *, comment):
    locked = _lock_evaluation(evaluation)
    if not is_recommending_staff_of(actor, locked.studio):
        raise PermissionDenied(_("只有该工作室的推荐单位可以退回自评。"))
    _require_phase(locked.cycle, CyclePhase.EVALUATION, locked)
    _require_status(locked, EvaluationStatus.SELF_SUBMITTED)
    if not (comment or "").strip():
        raise ValidationError({"comment": _("请写明需要补充的内容。")})
    source = locked.status
    locked.return_self()
    locked.save()
    _log(locked, actor, "cycle_self_return", _("退回周期考核自评"), source, comment.strip())
    notify(unit_staff(locked.studio), _("周期考核自评被退回补充"), comment.strip(), evaluation_url(locked))
    return locked


@transaction.atomic
def evaluation_save(actor, evaluation, data):
    """推荐单位评价 on 第十条's three points; changeable until the preliminary recommendation."""
    locked = _lock_evaluation(evaluation)
    if not is_recommending_staff_of(actor, locked.studio):
        raise PermissionDenied(_("只有该工作室的推荐单位可以评价（第十条）。"))
    _require_phase(locked.cycle, CyclePhase.EVALUATION, locked)
    if locked.status == EvaluationStatus.SELF_PENDING:
        raise Conflict(_("工作室尚未提交自评，提交后才能评价（第十条：工作室自评、推荐单位评价）。"), locked)
    if locked.status != EvaluationStatus.SELF_SUBMITTED and locked.status != EvaluationStatus.EVALUATED:
        raise StaleAction(_("该工作室的周期考核为“%(s)s”，不能再评价。") % {"s": locked.get_status_display()}, locked)
    errors = {field: _("请评定“%(d)s”（第十条）。") % {"d": label}
              for field, label in CYCLE_DIMENSIONS if data.get(field) not in Rating.values}
    if not (data.get("evaluation_comment") or "").strip():
        errors["evaluation_comment"] = _("请填写推荐单位评价意见。")
    if errors:
        raise ValidationError(errors)
    source = locked.status
    for field, _label in CYCLE_DIMENSIONS:
        setattr(locked, field, data[field])
    locked.evaluation_comment, locked.evaluated_by = data["evaluation_comment"].strip(), actor
    locked.evaluate()
    locked.save()
    summary = "，".join(f"{label}{Rating(data[field]).label}" for field, label in CYCLE_DIMENSIONS)
    _log(locked, actor, "cycle_evaluate", _("推荐单位周期考核评价"), source, f"{summary}。{locked.evaluation_comment}")
    return locked


def area_evaluations(cycle, union):
    """The evaluations a recommending union answers for in `cycle` (谁推荐谁考核)."""
    return cycle.evaluations.filter(studio__unit__recommending_union=union).exclude(status=EvaluationStatus.CLOSED)


@transaction.atomic
def preliminary_recommend(actor, cycle):
    """县级总工会或市直基层工会初审推荐: every studio of the area evaluated, then all sent up at once."""
    if not (actor.is_active and actor.role == Role.RECOMMENDING_STAFF and actor.union_id):
        raise PermissionDenied(_("只有县级总工会或市直基层工会可以初审推荐（第十条）。"))
    cycle = _lock_cycle(cycle)
    _require_phase(cycle, CyclePhase.EVALUATION)
    evaluations = list(area_evaluations(cycle, actor.union).select_for_update(of=("self",)).select_related(
        "studio", "studio__unit"))
    missing = [e.studio.name for e in evaluations if e.status in (EvaluationStatus.SELF_PENDING,
                                                                   EvaluationStatus.SELF_SUBMITTED)]
    if missing:
        raise Conflict(_("还有 %(n)d 个工作室未完成自评或评价：%(names)s。") % {
            "n": len(missing), "names": "、".join(missing)}, cycle)
    waiting = [e for e in evaluations if e.status == EvaluationStatus.EVALUATED]
    if not waiting:
        raise StaleAction(_("辖区工作室已初审推荐。"), cycle)
    now = timezone.now()
    for evaluation in waiting:
        evaluation.recommend()
        evaluation.recommended_at = now
        evaluation.save()
        _log(evaluation, actor, "cycle_recommend", _("初审推荐至市总工会"), EvaluationStatus.EVALUATED)
    notify(municipal_staff(), _("%(u)s完成了周期考核初审推荐") % {"u": actor.union.name},
           _("%(y)d 年度周期考核，共 %(n)d 个工作室（第十条）。") % {"y": cycle.year, "n": len(waiting)}, cycle_url(cycle))
    return len(waiting)


def _assign(actor, evaluation, expert):
    conflict = conflict_of(expert, evaluation)
    if conflict:
        raise ValidationError(_("%(e)s 需回避“%(s)s”：%(why)s") % {"e": expert.display_name, "s": evaluation.studio,
                                                                 "why": conflict})
    if CycleReview.objects.filter(evaluation=evaluation, expert=expert).exists():
        raise ValidationError(_("%(e)s 已分配过“%(s)s”。") % {"e": expert.display_name, "s": evaluation.studio})
    review = CycleReview.objects.create(evaluation=evaluation, expert=expert)
    assign_perm(REVIEW_PERMISSION, expert, evaluation)
    source = evaluation.status
    if source == EvaluationStatus.RECOMMENDED:
        evaluation.start_review()
        evaluation.save()
    _log(evaluation, actor, "cycle_assign", _("分配周期考核评审专家"), source, expert.display_name)
    return review


def _notify_experts(cycle, counts):
    for expert, count in counts.items():
        notify([expert], _("您有 %(n)d 个工作室的周期考核评审任务") % {"n": count},
               _("第十条：成果展示暨专家评审，请于 %(d)s 前完成评分。") % {"d": f"{cycle.expert_deadline:%Y-%m-%d}"},
               reverse("assessments:cycle_reviews"))


@transaction.atomic
def cycle_start_expert_review(actor, cycle, *, from_phase, panel):
    """成果展示暨专家评审: the experts of a naming round's panel get the rule set's number of studios each,
    balanced and free of conflicts. All or nothing; studios not recommended in time wait for the decision."""
    _require_municipal(actor, _("组织专家评审"))
    cycle = _lock_cycle(cycle, from_phase)
    _require_phase(cycle, CyclePhase.EVALUATION)
    if not isinstance(panel, ExpertPanel):
        raise ValidationError({"panel": _("请选择专家评审组。")})
    experts = list(panel.experts.filter(is_active=True, role=Role.EXPERT).order_by("pk"))
    evaluations = list(cycle.evaluations.select_for_update(of=("self",)).filter(
        status=EvaluationStatus.RECOMMENDED).select_related("studio", "studio__unit",
                                                            "studio__unit__recommending_union").order_by("pk"))
    if not evaluations:
        raise Conflict(_("还没有经初审推荐的工作室，不能开始专家评审。"), cycle)
    need = cycle.rule_set.experts_per_application
    load = {e.pk: 0 for e in experts}
    plan, short = [], []
    for evaluation in evaluations:
        free = sorted((e for e in experts if not conflict_of(e, evaluation)), key=lambda e: (load[e.pk], e.pk))
        if len(free) < need:
            short.append(str(evaluation.studio))
            continue
        for expert in free[:need]:
            load[expert.pk] += 1
            plan.append((evaluation, expert))
    if short:
        raise ValidationError({"panel": _("评审组中无需回避的专家不足 %(n)d 人：%(names)s。请先调整专家评审组。") % {
            "n": need, "names": "、".join(short)}})
    cycle.panel = panel
    source = cycle.phase
    cycle.start_expert_review()
    cycle.save()
    counts = {}
    for evaluation, expert in plan:
        _assign(actor, evaluation, expert)
        counts[expert] = counts.get(expert, 0) + 1
    _log_cycle(cycle, actor, "start_expert_review", _("开始成果展示暨专家评审"), source,
               _("%(panel)s；%(n)d 个工作室，每个 %(k)d 位专家。") % {"panel": panel, "n": len(evaluations), "k": need})
    _notify_experts(cycle, counts)
    return cycle


@transaction.atomic
def cycle_assign(actor, evaluation, expert):
    """Adds an expert by hand, after a recusal for instance."""
    _require_municipal(actor, _("分配评审专家"))
    locked = _lock_evaluation(evaluation)
    _require_phase(locked.cycle, CyclePhase.EXPERT_REVIEW, locked)
    if locked.status not in (EvaluationStatus.UNDER_REVIEW, EvaluationStatus.RECOMMENDED):
        raise StaleAction(_("该工作室的周期考核为“%(s)s”，不能再分配专家。") % {"s": locked.get_status_display()}, locked)
    if not locked.cycle.panel.experts.filter(pk=expert.pk, is_active=True).exists():
        raise ValidationError({"expert": _("%(e)s 不在本次考核的专家评审组中。") % {"e": expert.display_name}})
    review = _assign(actor, locked, expert)
    _notify_experts(locked.cycle, {expert: 1})
    return review


def _lock_review(actor, review):
    locked = CycleReview.objects.select_for_update(of=("self",)).get(pk=review.pk)
    if locked.expert_id != actor.pk:
        raise PermissionDenied(_("这不是您的评审任务。"))
    # Before the permission: a recusal in another tab has taken it back, and the expert should hear why.
    if locked.status != "assigned":
        raise StaleAction(_("该评审任务已%(s)s。") % {"s": locked.get_status_display()}, locked.evaluation)
    if not actor.has_perm(REVIEW_PERMISSION, locked.evaluation):
        raise PermissionDenied(_("这不是您的评审任务。"))
    evaluation = _lock_evaluation(locked.evaluation)
    _require_phase(evaluation.cycle, CyclePhase.EXPERT_REVIEW, evaluation)
    return locked, evaluation


def _finish_if_complete(actor, evaluation):
    """Once every expert not recused has scored, the studio's score is combined as the rule set says."""
    reviews = list(evaluation.reviews.all())
    if any(r.status == "assigned" for r in reviews):
        return
    totals = [r.total for r in reviews if r.status == "scored"]
    if not totals:
        return  # everyone recused: the municipal union assigns another expert
    source = evaluation.status
    evaluation.score = combine(totals, evaluation.cycle.rule_set.score_aggregation)
    evaluation.finish_review()
    evaluation.save()
    _log(evaluation, None, "cycle_reviewed", _("专家评审完成"), source, _("得分 %(s)s") % {"s": evaluation.score})


@transaction.atomic
def cycle_review_submit(actor, review, *, total, comment):
    locked, evaluation = _lock_review(actor, review)
    errors = {}
    try:
        total = Decimal(str(total)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        total = None
    if total is None or not Decimal(0) <= total <= Decimal(100):
        errors["total"] = _("请填写 0 至 100 之间的得分。")
    if not (comment or "").strip():
        errors["comment"] = _("请填写评审意见。")
    if errors:
        raise ValidationError(errors)
    locked.total, locked.comment, locked.status, locked.finished_at = total, comment.strip(), "scored", timezone.now()
    locked.save()
    _finish_if_complete(actor, evaluation)
    return locked


@transaction.atomic
def cycle_review_recuse(actor, review, *, reason):
    locked, evaluation = _lock_review(actor, review)
    if not (reason or "").strip():
        raise ValidationError({"recusal_reason": _("请说明回避原因。")})
    locked.status, locked.recusal_reason, locked.finished_at = "recused", reason.strip(), timezone.now()
    locked.save()
    remove_perm(REVIEW_PERMISSION, actor, evaluation)
    _log(evaluation, actor, "cycle_recuse", _("评审专家回避"), evaluation.status, reason.strip())
    notify(municipal_staff(), _("周期考核评审专家申请回避"), _("%(s)s：请另行分配专家。") % {"s": evaluation.studio},
           evaluation_url(evaluation))
    _finish_if_complete(actor, evaluation)
    return locked


@transaction.atomic
def cycle_start_decision(actor, cycle, *, from_phase):
    _require_municipal(actor, _("组织集体研究"))
    cycle = _lock_cycle(cycle, from_phase)
    _require_phase(cycle, CyclePhase.EXPERT_REVIEW)
    pending = list(cycle.evaluations.filter(status=EvaluationStatus.UNDER_REVIEW).values_list("studio__name", flat=True))
    if pending:
        raise Conflict(_("还有 %(n)d 个工作室的专家评审未完成：%(names)s。") % {
            "n": len(pending), "names": "、".join(pending)}, cycle)
    source = cycle.phase
    cycle.start_decision()
    cycle.save()
    _log_cycle(cycle, actor, "start_decision", _("专家评审结束，进入集体研究"), source)
    return cycle


def proposed_grade(evaluation, rule_set):
    """What the experts' score proposes (第十一条); a studio that never reached the experts can only fail."""
    if evaluation.status != EvaluationStatus.REVIEWED:
        return CycleGrade.FAIL
    return CycleGrade(rule_set.cycle_grade_for(evaluation.score))


def _check_grades(evaluations, grades, rule_set):
    errors = []
    for evaluation in evaluations:
        if evaluation.studio.status not in TITLED_STATES:
            continue
        given = grades.get(evaluation.pk) or {}
        grade, note = given.get("grade"), (given.get("note") or "").strip()
        name = evaluation.studio.name
        if grade not in CycleGrade.values:
            errors.append(_("请为“%(s)s”确定考核等次。") % {"s": name})
        elif evaluation.status != EvaluationStatus.REVIEWED and grade != CycleGrade.FAIL:
            errors.append(_("“%(s)s”未完成自评、评价、初审推荐或专家评审（第十条），只能评为不合格。") % {"s": name})
        elif grade == CycleGrade.FAIL and not note:
            errors.append(_("“%(s)s”评为不合格，请写明存在的问题和整改要求（第十一条：限期整改）。") % {"s": name})
        elif grade != proposed_grade(evaluation, rule_set) and not note:
            errors.append(_("“%(s)s”的等次与专家评审得分建议的“%(p)s”不同，请写明集体研究的理由。") % {
                "s": name, "p": proposed_grade(evaluation, rule_set).label})
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def cycle_decide(actor, cycle, *, from_phase, meeting_date, minutes_ref, grades):
    """集体研究 (第十条) and its consequences (第十一条), for every studio at once:
    优秀 — priority for the recommendations of 第十四条; 合格 — the title stays;
    不合格 — a rectification with the rule set's deadline. Studios cancelled or delisted meanwhile are closed."""
    _require_municipal(actor, _("集体研究确定周期考核等次"))
    cycle = _lock_cycle(cycle, from_phase)
    _require_phase(cycle, CyclePhase.DECISION)
    errors = {}
    if meeting_date is None or meeting_date > timezone.localdate():
        errors["meeting_date"] = _("请填写集体研究的会议日期（不能晚于今天）。")
    if not (minutes_ref or "").strip():
        errors["minutes_ref"] = _("请填写会议纪要编号。")
    if errors:
        raise ValidationError(errors)
    # The studios are locked with their evaluations: a cancellation or delisting cannot slip in meanwhile.
    evaluations = list(cycle.evaluations.select_for_update(of=("self", "studio")).exclude(
        status=EvaluationStatus.CLOSED).select_related("studio", "studio__unit", "studio__unit__recommending_union"))
    _check_grades(evaluations, grades, cycle.rule_set)
    today = timezone.localdate()
    deadline = today + datetime.timedelta(days=cycle.rule_set.rectification_days)
    counts = {g: 0 for g in CycleGrade.values}
    for evaluation in evaluations:
        source, studio = evaluation.status, evaluation.studio
        if studio.status not in TITLED_STATES:
            evaluation.close()
            evaluation.save()
            _log(evaluation, actor, "cycle_close", _("周期考核终止"), source,
                 _("工作室已%(s)s。") % {"s": studio.get_status_display()})
            continue
        given = grades[evaluation.pk]
        evaluation.grade, evaluation.decision_note = given["grade"], (given.get("note") or "").strip()
        evaluation.confer_grade()
        evaluation.save()
        counts[evaluation.grade] += 1
        _apply_grade(actor, evaluation, source, deadline)
    cycle.meeting_date, cycle.minutes_ref = meeting_date, minutes_ref.strip()
    source = cycle.phase
    cycle.conclude()
    cycle.save()
    _log_cycle(cycle, actor, "conclude", _("集体研究确定周期考核等次"), source, _(
        "%(ref)s：优秀 %(e)d 个，合格 %(p)d 个，不合格 %(f)d 个。") % {
        "ref": cycle.minutes_ref, "e": counts[CycleGrade.EXCELLENT], "p": counts[CycleGrade.PASS],
        "f": counts[CycleGrade.FAIL]})
    return counts


def _apply_grade(actor, evaluation, source, deadline):
    studio, grade = evaluation.studio, CycleGrade(evaluation.grade)
    consequence = {
        CycleGrade.EXCELLENT: _("优先推荐申报上一级创新工作室或评先奖优（第十一条、第十四条）。"),
        CycleGrade.PASS: _("继续保留市级创新工作室称号（第十一条）。"),
        CycleGrade.FAIL: _("限期整改，整改期限至 %(d)s（第十一条）。") % {"d": f"{deadline:%Y-%m-%d}"},
    }[grade]
    studio_source = studio.status
    if grade == CycleGrade.FAIL:
        studio.start_rectification()
        studio.save()
        rectification = Rectification.objects.create(evaluation=evaluation, studio=studio,
                                                      problems=evaluation.decision_note, deadline=deadline)
    log_transition(studio, union=studio.unit, transition="cycle_grade",
                   label=_("%(y)d 年度周期考核：%(g)s") % {"y": evaluation.cycle.year, "g": grade.label},
                   source=studio_source, target=studio.status, actor=actor,
                   comment="".join(t for t in (consequence, evaluation.decision_note) if t))
    url = (reverse("assessments:rectification_detail", args=[rectification.pk]) if grade == CycleGrade.FAIL
           else evaluation_url(evaluation))
    notify([*unit_staff(studio), *recommending_staff(studio)],
           _("%(s)s %(y)d 年度周期考核结果：%(g)s") % {"s": studio, "y": evaluation.cycle.year, "g": grade.label},
           consequence, url)

