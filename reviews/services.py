"""Writes in the naming workflow. Each checks permission, runs in a transaction, logs, and notifies after commit."""
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.conflicts import Conflict
from core.history import log_transition
from core.notifications import notify
from core.unique import refused_if_taken
from rules.models import RuleSet
from unions.models import Role, Union, User

from .decision_services import enter_publicity
from .errors import StaleAction
from .models import NamingRound, RoundLevel, RoundPhase
from .permissions import require_round_manager


# The transition that leaves each phase; the transitions themselves are written out on the model.
NEXT_TRANSITION = {
    RoundPhase.DRAFT: "open_applications",
    RoundPhase.APPLICATION: "start_preliminary_review",
    RoundPhase.PRELIMINARY: "start_audit",
    RoundPhase.AUDIT: "start_expert_review",
    RoundPhase.EXPERT_REVIEW: "start_decision",
    RoundPhase.DECISION: "start_publicity",
    # The publicity ends with the naming decision (decision_services.naming_issue), not with this button.
}

DEADLINE_FIELDS = ["application_deadline", "preliminary_deadline", "audit_deadline", "expert_deadline",
                   "decision_deadline"]


def default_deadlines(rule_set, start):
    """Each phase's deadline from the rule set's phase lengths, one after the other from `start`."""
    lengths = [rule_set.application_days, rule_set.preliminary_review_days, rule_set.audit_days,
               rule_set.expert_review_days, rule_set.decision_days]
    deadlines, day = {}, start
    for field, days in zip(DEADLINE_FIELDS, lengths):
        day = day + datetime.timedelta(days=days)
        deadlines[field] = day
    return deadlines


def _check_deadlines(deadlines):
    days = [deadlines[f] for f in DEADLINE_FIELDS]
    for (earlier, a), (later, b) in zip(zip(DEADLINE_FIELDS, days), zip(DEADLINE_FIELDS[1:], days[1:])):
        if b <= a:
            label = NamingRound._meta.get_field(later).verbose_name
            raise ValidationError({later: _("%(field)s必须晚于上一阶段的截止日（第六条规定的各阶段依次进行）。")
                                   % {"field": label}})


@transaction.atomic
def round_create(actor, *, year, notes="", **deadlines):
    """Opens a draft round for `year` with the current rule set, which the round keeps from now on."""
    require_round_manager(actor, _("管理命名批次"))
    rule_set = RuleSet.objects.current()
    if rule_set is None:
        raise ValidationError(_("没有已启用的规则参数，请先在系统管理中启用一个版本。"))
    taken = ValidationError({"year": _("%(year)d 年度已有市级命名批次（第六条：每年命名一批）。") % {"year": year}})
    if NamingRound.objects.filter(year=year, level=RoundLevel.MUNICIPAL).exists():
        raise taken
    deadlines = {**default_deadlines(rule_set, timezone.localdate()), **{k: v for k, v in deadlines.items() if v}}
    _check_deadlines(deadlines)
    naming_round = NamingRound(year=year, union=Union.objects.get(depth=1), rule_set=rule_set, notes=notes,
                               created_by=actor, **deadlines)
    naming_round.full_clean(exclude=["phase"])  # a protected FSM field cannot be re-assigned by cleaning
    with refused_if_taken(taken):  # a colleague creating the same year's round at the same moment
        naming_round.save()
    log_transition(naming_round, union=naming_round.union, transition="create", label=_("创建批次"),
                   source="", target=naming_round.phase, actor=actor,
                   comment=_("采用第 %(v)d 版规则参数。") % {"v": rule_set.version})
    return naming_round


@transaction.atomic
def round_update_deadlines(actor, naming_round, **deadlines):
    """Moves the deadlines of a round that has not concluded; the change is logged."""
    require_round_manager(actor, _("管理命名批次"))
    locked = NamingRound.objects.select_for_update().get(pk=naming_round.pk)
    if locked.phase == RoundPhase.CONCLUDED:
        raise Conflict(_("已命名的批次不能再修改期限。"), locked)
    before = {f: getattr(locked, f) for f in DEADLINE_FIELDS}
    after = {**before, **deadlines}
    _check_deadlines(after)
    changed = [f for f in DEADLINE_FIELDS if before[f] != after[f]]
    if not changed:
        return locked
    NamingRound.objects.filter(pk=locked.pk).update(**{f: after[f] for f in changed})
    text = "；".join(f"{NamingRound._meta.get_field(f).verbose_name}：{before[f]:%Y-%m-%d} → {after[f]:%Y-%m-%d}"
                     for f in changed)
    log_transition(locked, union=locked.union, transition="deadlines", label=_("调整期限"),
                   source=locked.phase, target=locked.phase, actor=actor, comment=text)
    return NamingRound.objects.get(pk=locked.pk)


@transaction.atomic
def round_advance(actor, naming_round, *, from_phase, comment=""):
    """Moves the round to its next phase (第六条 order). `from_phase` is the phase the actor saw.

    Raises StaleAction when the round has moved on meanwhile, so a double submit or a
    colleague acting at the same moment never advances it twice.
    """
    require_round_manager(actor, _("管理命名批次"))
    locked = NamingRound.objects.select_for_update().get(pk=naming_round.pk)
    if locked.phase != from_phase:
        raise StaleAction(_("该批次已处于“%(phase)s”阶段，可能已由他人推进，请刷新页面后再操作。")
                          % {"phase": locked.get_phase_display()}, locked)
    if locked.phase == RoundPhase.PUBLICITY:
        raise Conflict(_("公示结束后请发布命名决定，批次随之结束（第六条）。"), locked)
    if locked.phase not in NEXT_TRANSITION:
        raise Conflict(_("该批次已命名结束，不能再推进。"), locked)
    source = locked.phase
    transition_method = getattr(locked, NEXT_TRANSITION[source])
    if source == RoundPhase.DECISION and not locked.has_deliberation():
        raise Conflict(_("请先记录集体研究结果（拟命名名单），再开始社会公示（第六条）。"), locked)
    transition_method()
    locked.save()
    if locked.phase == RoundPhase.PUBLICITY:
        enter_publicity(locked)
    log_transition(locked, union=locked.union, transition=NEXT_TRANSITION[source],
                   label=_("进入“%(phase)s”阶段") % {"phase": locked.get_phase_display()},
                   source=source, target=locked.phase, actor=actor, comment=comment)
    _notify_phase(locked)
    return locked


# Who acts in each phase and is told when it begins.
PHASE_AUDIENCE = {
    RoundPhase.APPLICATION: [Role.UNIT_STAFF, Role.RECOMMENDING_STAFF],
    RoundPhase.PRELIMINARY: [Role.RECOMMENDING_STAFF],
    RoundPhase.AUDIT: [Role.MUNICIPAL_STAFF],
    RoundPhase.EXPERT_REVIEW: [Role.EXPERT, Role.MUNICIPAL_STAFF],
    RoundPhase.DECISION: [Role.MUNICIPAL_STAFF],
    RoundPhase.PUBLICITY: [Role.MUNICIPAL_STAFF, Role.RECOMMENDING_STAFF],
    RoundPhase.CONCLUDED: [Role.UNIT_STAFF, Role.RECOMMENDING_STAFF, Role.MUNICIPAL_STAFF],
}


def _notify_phase(naming_round):
    deadline = naming_round.current_deadline
    body = _("%(round)s 已进入“%(phase)s”阶段。") % {"round": naming_round, "phase": naming_round.get_phase_display()}
    if deadline:
        body += _("本阶段截止日：%(date)s。") % {"date": f"{deadline:%Y年%-m月%-d日}"}
    recipients = User.objects.filter(is_active=True, role__in=PHASE_AUDIENCE.get(naming_round.phase, []))
    notify(recipients, _("命名批次进入“%(phase)s”阶段") % {"phase": naming_round.get_phase_display()}, body,
           reverse("reviews:round_detail", args=[naming_round.pk]))
