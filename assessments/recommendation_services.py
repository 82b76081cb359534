"""第十四条: the municipal union's list of studios, people and results recommended for higher honours,
each with its grounds linked (a 优秀 cycle grade, a result), from proposal to the outcome."""
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed

from core.conflicts import Conflict
from core.history import log_transition
from core.notifications import notify
from reviews.errors import StaleAction
from studios.models import TITLED_STATES, MemberRole, Studio
from unions.permissions import require_municipal_staff
from unions.recipients import unit_staff

from .models import (
    PERSON_HONOURS, RESULT_HONOURS, CycleGrade, EvaluationStatus, Honour, Recommendation, RecommendationStatus,
)

# 第十四条: 对符合条件的领衔人及骨干成员，优先推荐申报省和市五一劳动奖章.
MEDAL_ROLES = (MemberRole.CORE, MemberRole.MENTOR)


def _require_municipal(actor):
    require_municipal_staff(actor, _("只有市总工会工作人员可以管理推荐评先名单（第十四条）。"))


def _check(studio, honour, nominee, result, evaluation):
    errors = {}
    if honour not in Honour.values:
        errors["honour"] = _("请选择推荐申报的荣誉（第十四条）。")
    if honour in PERSON_HONOURS:
        eligible = {studio.leader.name, *studio.members.filter(role__in=MEDAL_ROLES).values_list("name", flat=True)}
        if not nominee:
            errors["nominee"] = _("五一劳动奖章推荐到人：请填写领衔人或骨干成员的姓名（第十四条）。")
        elif nominee not in eligible:
            errors["nominee"] = _("“%(n)s”不是该工作室的领衔人或骨干成员（第十四条）。") % {"n": nominee}
    elif nominee:
        errors["nominee"] = _("只有五一劳动奖章推荐到人，其他荣誉不填推荐人选。")
    if result is not None and result.studio_id != studio.pk:
        errors["result"] = _("所选成果不属于该工作室。")
    elif honour in RESULT_HONOURS and result is None:
        errors["result"] = _("优秀职工技术创新成果奖推荐到成果：请选择该工作室的创新成果（第十四条）。")
    if evaluation is not None and (evaluation.studio_id != studio.pk or evaluation.status != EvaluationStatus.GRADED
                                   or evaluation.grade != CycleGrade.EXCELLENT):
        errors["evaluation"] = _("推荐依据须为该工作室周期考核“优秀”的结果（第十一条）。")
    if evaluation is None and result is None and "result" not in errors:
        errors["evaluation"] = _("请关联推荐依据：周期考核“优秀”的结果或一项创新成果（第十一条、第十四条）。")
    return errors


@transaction.atomic
def recommendation_create(actor, *, year, honour, studio, grounds, nominee="", result=None, evaluation=None):
    _require_municipal(actor)
    # Locked alone, then read with its leader: a lock through the leader's join finds no studio when a leader
    # change commits while this one waits (PostgreSQL re-checks the join against the old leader).
    Studio.objects.select_for_update().filter(pk=studio.pk).values_list("pk", flat=True).get()
    studio = Studio.objects.select_related("leader", "unit").get(pk=studio.pk)
    if studio.status not in TITLED_STATES:
        raise Conflict(_("“%(s)s”%(state)s，不能推荐。") % {"s": studio, "state": studio.get_status_display()}, studio)
    nominee = (nominee or "").strip()
    errors = _check(studio, honour, nominee, result, evaluation)
    if not 2022 <= (year or 0) <= timezone.localdate().year + 1:
        errors["year"] = _("年度应在 2022 年至明年之间。")
    if not (grounds or "").strip():
        errors["grounds"] = _("请填写推荐理由。")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            recommendation = Recommendation.objects.create(
                year=year, honour=honour, studio=studio, nominee=nominee, result=result, evaluation=evaluation,
                grounds=grounds.strip(), created_by=actor)
    except IntegrityError:
        raise ValidationError(_("%(y)d 年度已推荐过该%(what)s申报“%(h)s”。") % {
            "y": year, "what": _("成果") if result and honour in RESULT_HONOURS else _("对象"),
            "h": Honour(honour).label}) from None
    _log(recommendation, actor, "recommend_create", _("拟推荐申报%(h)s") % {"h": recommendation.get_honour_display()},
         "", recommendation.grounds)
    notify(unit_staff(studio), _("%(s)s拟被推荐申报%(h)s") % {"s": studio, "h": recommendation.get_honour_display()},
           recommendation.grounds, reverse("studios:detail", args=[studio.pk]))
    return recommendation


def _log(recommendation, actor, transition, label, source, comment=""):
    studio = recommendation.studio
    target = f" {recommendation.nominee or recommendation.result or ''}".rstrip()
    log_transition(studio, union=studio.unit, transition=transition, label=f"{label}{target}", source=source,
                   target=recommendation.status, actor=actor, comment=comment)


ACTIONS = {
    "submit": (_("推荐上报"), "submit"),
    "award": (_("获评"), "award"),
    "decline": (_("未获评"), "decline"),
    "withdraw": (_("撤销推荐"), "withdraw"),
}


@transaction.atomic
def recommendation_advance(actor, recommendation, *, action, from_status, note=""):
    """上报, 获评, 未获评 or 撤销; the outcome may carry a note such as the awarding document's number."""
    _require_municipal(actor)
    if action not in ACTIONS:
        raise ValidationError(_("未知的操作。"))
    locked = Recommendation.objects.select_for_update(of=("self",)).select_related("studio", "studio__unit",
                                                                                    "result").get(pk=recommendation.pk)
    if locked.status != from_status:
        raise StaleAction(_("该推荐已变为“%(s)s”，可能已由他人处理，请刷新页面。") % {"s": locked.get_status_display()},
                          locked)
    label, method = ACTIONS[action]
    source = locked.status
    try:
        getattr(locked, method)()
    except TransitionNotAllowed:
        raise Conflict(_("推荐为“%(s)s”，不能%(a)s。") % {"s": locked.get_status_display(), "a": label}, locked) from None
    if note.strip():
        locked.outcome_note = note.strip()[:200]
    locked.save()
    _log(locked, actor, f"recommend_{action}", f"{locked.get_honour_display()}：{label}", source, note.strip())
    if locked.status == RecommendationStatus.AWARDED:
        notify(unit_staff(locked.studio), _("%(s)s获评%(h)s") % {"s": locked.studio, "h": locked.get_honour_display()},
               locked.outcome_note, reverse("studios:detail", args=[locked.studio_id]))
    return locked
