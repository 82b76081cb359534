"""A named studio's life (第七条 changes, 第八条 delisting). Each write checks permission, runs in a
transaction, logs on the studio's history and tells the next actor after commit."""
import os

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from core.conflicts import Conflict
from core.history import log_transition
from core.notifications import notify
from core.numbers import check_document_number
from core.personal_data import IdNumberValidator, MobileValidator, normalize_id_number, normalize_mobile
from core.personal_fields import index_of
from core.stored_files import atomic_with_files, store
from core.unique import refused_if_taken
from core.uploads import check_upload
from reviews.errors import StaleAction
from unions.permissions import is_municipal_staff, is_recommending_staff_of, is_unit_staff_of
from unions.recipients import municipal_staff, recommending_staff, unit_staff

from .leaders import leader_record
from .models import (
    OPEN_CHANGE_STATES, TITLED_STATES, ChangeKind, ChangeReason, ChangeRequest, ChangeStatus, Delisting,
    DelistReason, FormerName, HonourKind, Leader, Studio, studio_name_for,
)


def _url(studio):
    return reverse("studios:detail", args=[studio.pk])


def _lock_studio(studio):
    """The studio, row-locked, then read with its unit and leader. The lock takes the row alone: locked through
    a join, PostgreSQL re-checks the join against the leader it first read, so when a colleague's approved leader
    change commits meanwhile, the waiting query finds no studio at all."""
    Studio.objects.select_for_update().filter(pk=studio.pk).values_list("pk", flat=True).get()
    return Studio.objects.select_related("unit", "leader").get(pk=studio.pk)


def _lock_change(change):
    return ChangeRequest.objects.select_for_update(of=("self",)).select_related(
        "studio", "studio__unit", "studio__leader").get(pk=change.pk)


def _seen(locked, from_status):
    """`from_status` is the state the actor saw: anything else means someone acted meanwhile, or a double submit."""
    if locked.status != from_status:
        raise StaleAction(_("该变更申请已变为“%(s)s”，可能已由他人处理，请刷新页面后再操作。") % {
            "s": locked.get_status_display()}, locked)


def _log(studio, actor, transition, label, source, comment=""):
    log_transition(studio, union=studio.unit, transition=transition, label=label, source=source,
                   target=studio.status, actor=actor, comment=comment)


def _checked_name(upload):
    """The upload's original name once its content is checked (core.uploads); it is stored under a random one."""
    check_upload(upload)
    return os.path.basename(upload.name)[:200]


def _check_new_leader(studio, kind, data):
    errors = {}
    name = (data.get("new_leader_name") or "").strip()
    if not name:
        errors["new_leader_name"] = (_("请填写新领衔人的姓名。") if kind == ChangeKind.CHANGE_LEADER
                                     else _("请填写领衔人变更后的姓名（工作室名称随之变更，第六条）。"))
    elif studio_name_for(name) == studio.name:
        errors["new_leader_name"] = _("变更后的名称与现名称相同。")
    elif Studio.objects.filter(name=studio_name_for(name)).exclude(pk=studio.pk).exists():
        errors["new_leader_name"] = _("已有名为“%(n)s”的工作室。") % {"n": studio_name_for(name)}
    if kind == ChangeKind.CHANGE_LEADER:
        if data.get("new_leader_honour") not in HonourKind.values:
            errors["new_leader_honour"] = _("请选择新领衔人的荣誉称号：领衔人须为市级以上劳模或工匠人才（第五条(一)）。")
        if not data.get("new_leader_honour_year"):
            errors["new_leader_honour_year"] = _("请填写获评年份。")
        errors.update(_check_new_leader_identity(studio, data))
    if errors:
        raise ValidationError(errors)
    return name


def _check_new_leader_identity(studio, data):
    """The new leader's 身份证号 and mobile (the municipal union checks the title by the number, 第五条(一)); the
    person must not be the present leader or lead another titled studio (第六条: named after the leader)."""
    errors = {}
    for field, label, validator in (
            ("new_leader_id_number", _("新领衔人身份证号"), IdNumberValidator),
            ("new_leader_mobile", _("新领衔人手机号"), MobileValidator)):
        value = data.get(field) or ""
        if not value:
            errors[field] = _("更换领衔人时请填写%(field)s。") % {"field": label}
            continue
        try:
            validator(label)(value)
        except ValidationError as error:
            errors[field] = error.messages
    if "new_leader_id_number" not in errors:
        index = index_of(Leader, "id_number_index", data["new_leader_id_number"])
        if studio.leader.id_number_index == index:
            errors["new_leader_id_number"] = _("新领衔人与现领衔人的身份证号相同。")
        elif Studio.objects.filter(leader__id_number_index=index, status__in=TITLED_STATES).exists():
            errors["new_leader_id_number"] = _("该身份证号的持有人已领衔另一家市级创新工作室（第六条）。")
    return errors


LEADER_FIELDS = ["new_leader_name", "new_leader_gender", "new_leader_job_title", "new_leader_honour",
                 "new_leader_honour_year"]


@atomic_with_files()
def change_request_create(actor, studio, *, kind, reason, explanation, evidence, **leader):
    """第七条: the unit union asks to change the leader, rename or cancel (or, 第八条(五), to be delisted)."""
    studio = _lock_studio(studio)
    if not is_unit_staff_of(actor, studio):
        raise PermissionDenied(_("只有工作室所在单位工会可以提出变更申请（第七条：由原申报单位工会逐级上报）。"))
    if studio.status not in TITLED_STATES:
        raise Conflict(_("“%(s)s”%(state)s，不能再申请变更。") % {"s": studio, "state": studio.get_status_display()},
                       studio)
    if ChangeRequest.objects.filter(studio=studio, status__in=OPEN_CHANGE_STATES).exists():
        raise StaleAction(_("“%(s)s”已有一份待审批的变更申请，请等待处理结果或先撤回。") % {"s": studio}, studio)
    errors = {}
    if kind not in ChangeKind.values:
        errors["kind"] = _("请选择变更事项。")
    if reason not in ChangeReason.values:
        errors["reason"] = _("请选择变更原因（第七条：离职、退休、已故等）。")
    if not (explanation or "").strip():
        errors["explanation"] = _("请说明变更的情况。")
    if evidence is None:
        errors["evidence"] = _("请上传证明材料（如离职、退休证明或单位工会的申请函）。")
    if errors:
        raise ValidationError(errors)
    fields = {}
    if kind in (ChangeKind.CHANGE_LEADER, ChangeKind.RENAME):
        fields["new_leader_name"] = _check_new_leader(studio, kind, leader)
        if kind == ChangeKind.CHANGE_LEADER:
            fields.update({f: leader.get(f) or "" for f in LEADER_FIELDS[1:4]})
            fields["new_leader_honour_year"] = leader.get("new_leader_honour_year")
            fields["new_leader_id_number"] = normalize_id_number(leader["new_leader_id_number"])
            fields["new_leader_mobile"] = normalize_mobile(leader["new_leader_mobile"])
    original = _checked_name(evidence)
    change = ChangeRequest(studio=studio, kind=kind, reason=reason, explanation=explanation.strip(),
                           requested_by=actor, evidence_name=original, **fields)
    store(change.evidence, original, evidence)
    change.save()
    _log(studio, actor, "change_request", _("提出变更申请：%(k)s") % {"k": change.get_kind_display()}, studio.status,
         f"{change.get_reason_display()}。{change.explanation}" + (f"（新名称：{change.new_name}）" if change.new_name else ""))
    notify(recommending_staff(studio), _("%(u)s提出了工作室变更申请，请审核") % {"u": studio.unit.name},
           _("%(s)s：%(k)s（第七条）。") % {"s": studio, "k": change.get_kind_display()}, _url(studio))
    return change


def _apply(change, transition_name):
    if not can_proceed(getattr(change, transition_name)):
        raise Conflict(_("变更申请为“%(s)s”，不能进行这项操作。") % {"s": change.get_status_display()}, change)
    getattr(change, transition_name)()


@transaction.atomic
def change_review(actor, change, *, from_status, agree, comment=""):
    """县级总工会或市直基层工会审核: agree sends it to the municipal union; disagree ends it, with the reason."""
    locked = _lock_change(change)
    studio = locked.studio
    if not is_recommending_staff_of(actor, studio):
        raise PermissionDenied(_("只有该工作室的推荐单位可以审核变更申请（第七条）。"))
    _seen(locked, from_status)
    if locked.status != ChangeStatus.SUBMITTED:
        raise Conflict(_("只有待推荐单位审核的申请可以审核。"), locked)
    if not agree and not comment.strip():
        raise ValidationError({"comment": _("请填写不同意的理由，单位工会将据此了解原因。")})
    _apply(locked, "recommend" if agree else "reject")
    if not agree:
        locked.decided_at = timezone.now()
    locked.save()
    label = (_("推荐单位审核同意变更：%(k)s") if agree else _("推荐单位不同意变更：%(k)s")) % {"k": locked.get_kind_display()}
    _log(studio, actor, "change_review", label, studio.status, comment)
    if agree:
        notify(municipal_staff(), _("工作室变更申请待审批"), _("%(s)s：%(k)s，%(u)s已审核同意。") % {
            "s": studio, "k": locked.get_kind_display(), "u": studio.unit.recommending_union.name}, _url(studio))
    else:
        notify(unit_staff(studio), _("变更申请未获推荐单位同意"), comment, _url(studio))
    return locked


@transaction.atomic
def change_decide(actor, change, *, from_status, approve, comment="", decision_number="", decided_on=None):
    """市总工会审批. An approved change takes effect at once: the leader and name change (the old name is kept),
    the studio is cancelled, or — on the unit's own request — delisted under 第八条(五)."""
    if not is_municipal_staff(actor):
        raise PermissionDenied(_("只有市总工会工作人员可以审批变更申请（第七条）。"))
    # The studio before the request, the order studio_delist takes them in: an approval and a delisting at the
    # same moment wait for each other instead of deadlocking.
    studio = _lock_studio(Studio(pk=change.studio_id))
    locked = _lock_change(change)
    _seen(locked, from_status)
    if locked.status != ChangeStatus.RECOMMENDED:
        raise Conflict(_("只有推荐单位已审核同意的申请可以审批。"), locked)
    if not approve:
        if not comment.strip():
            raise ValidationError({"comment": _("请填写不予批准的理由。")})
        _apply(locked, "reject")
        locked.decided_at = timezone.now()
        locked.save()
        _log(studio, actor, "change_reject", _("市总工会不予批准变更：%(k)s") % {"k": locked.get_kind_display()},
             studio.status, comment)
        notify([*unit_staff(studio), *recommending_staff(studio)], _("变更申请未获批准"), comment, _url(studio))
        return locked
    if studio.status not in TITLED_STATES:
        raise Conflict(_("“%(s)s”%(state)s，不能再变更。") % {"s": studio, "state": studio.get_status_display()}, locked)
    if locked.kind == ChangeKind.DELIST:
        decision_number = check_document_number(decision_number)
    source = studio.status
    _apply(locked, "approve")
    locked.decision_number = decision_number if locked.kind == ChangeKind.DELIST else ""
    locked.decided_at = timezone.now()
    locked.save()
    today = timezone.localdate()
    if locked.kind in (ChangeKind.CHANGE_LEADER, ChangeKind.RENAME):
        text = _rename(studio, locked, today)
    elif locked.kind == ChangeKind.CANCEL:
        studio.cancel()
        studio.ended_on = today
        studio.save()
        text = _("工作室自 %(d)s 起取消，不再列入名录。") % {"d": f"{today:%Y-%m-%d}"}
    else:
        _record_delisting(actor, studio, reason=DelistReason.UNIT_REQUEST, facts=locked.explanation,
                          decision_number=decision_number, decided_on=decided_on or today, change_request=locked)
        text = _("依所在单位申请摘牌（第八条(五)），%(n)s。") % {"n": decision_number}
    _log(studio, actor, "change_approve", _("市总工会批准变更：%(k)s") % {"k": locked.get_kind_display()}, source,
         "；".join(t for t in (text, comment.strip()) if t))
    notify([*unit_staff(studio), *recommending_staff(studio)], _("变更申请已批准"), f"{studio}：{text}", _url(studio))
    return locked


def _rename(studio, change, today):
    """第六条: the name is always 领衔人姓名+劳模和工匠人才创新工作室; the old one stays in the history."""
    old_name, old_leader = studio.name, studio.leader.name
    new_name = studio_name_for(change.new_leader_name)
    # Checked when the unit asked, and again now: another studio may have taken the name since.
    taken = ValidationError(_("已有名为“%(n)s”的工作室，不能批准这项变更（第六条命名规则）。") % {"n": new_name})
    if Studio.objects.filter(name=new_name).exclude(pk=studio.pk).exists():
        raise taken
    FormerName.objects.create(studio=studio, name=old_name, leader_name=old_leader, until=today)
    if change.kind == ChangeKind.CHANGE_LEADER:
        studio.leader = leader_record(
            unit=studio.unit, name=change.new_leader_name, gender=change.new_leader_gender,
            job_title=change.new_leader_job_title, honour=change.new_leader_honour,
            honour_year=change.new_leader_honour_year, id_number=change.new_leader_id_number,
            mobile=change.new_leader_mobile)
    else:  # the same person under a new name
        Leader.objects.filter(pk=studio.leader_id).update(name=change.new_leader_name)
    studio.name = new_name
    with refused_if_taken(taken):
        studio.save()
    return _("名称由“%(old)s”变更为“%(new)s”。") % {"old": old_name, "new": studio.name}


@transaction.atomic
def change_withdraw(actor, change, *, from_status, comment=""):
    locked = _lock_change(change)
    if not is_unit_staff_of(actor, locked.studio):
        raise PermissionDenied(_("只有提出申请的单位工会可以撤回。"))
    _seen(locked, from_status)
    if locked.status != ChangeStatus.SUBMITTED:
        raise Conflict(_("推荐单位审核后不能再撤回。"), locked)
    _apply(locked, "withdraw")
    locked.decided_at = timezone.now()
    locked.save()
    _log(locked.studio, actor, "change_withdraw", _("撤回变更申请：%(k)s") % {"k": locked.get_kind_display()},
         locked.studio.status, comment)
    return locked


def _record_delisting(actor, studio, *, reason, facts, decision_number, decided_on, change_request=None,
                      evidence=None):
    delisting = Delisting(studio=studio, reason=reason, facts=facts, decision_number=decision_number,
                          decided_on=decided_on, decided_by=actor, change_request=change_request)
    if evidence is not None:
        delisting.evidence_name = _checked_name(evidence)
        store(delisting.evidence, delisting.evidence_name, evidence)
    delisting.save()
    studio.delist()
    studio.ended_on = decided_on
    studio.save()
    return delisting


@atomic_with_files()
def studio_delist(actor, studio, *, reason, facts, decision_number, decided_on, evidence=None):
    """第八条: 不再保留其市级创新工作室称号，予以摘牌 — by the municipal union, for one of the five reasons."""
    if not is_municipal_staff(actor):
        raise PermissionDenied(_("只有市总工会工作人员可以决定摘牌（第八条）。"))
    studio = _lock_studio(studio)
    if studio.status not in TITLED_STATES:
        raise StaleAction(_("“%(s)s”%(state)s。") % {"s": studio, "state": studio.get_status_display()}, studio)
    errors = {}
    if reason not in DelistReason.values:
        errors["reason"] = _("请选择第八条规定的摘牌情形。")
    if not (facts or "").strip():
        errors["facts"] = _("请写明摘牌的事实和依据。")
    if decided_on is None or decided_on > timezone.localdate():
        errors["decided_on"] = _("请填写决定日期（不能晚于今天）。")
    try:
        decision_number = check_document_number(decision_number)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    source = studio.status
    delisting = _record_delisting(actor, studio, reason=reason, facts=facts.strip(), decision_number=decision_number,
                                  decided_on=decided_on, evidence=evidence)
    # A change the unit asked for no longer applies to a delisted studio.
    for change in ChangeRequest.objects.select_for_update().filter(studio=studio, status__in=OPEN_CHANGE_STATES):
        change.reject()
        change.decided_at = timezone.now()
        change.save()
    _log(studio, actor, "delist", _("摘牌"), source,
         f"{delisting.get_reason_display()}；{decision_number}；{delisting.facts}")
    notify([*unit_staff(studio), *recommending_staff(studio)], _("工作室已摘牌"),
           _("%(s)s：%(r)s（%(n)s）。") % {"s": studio, "r": delisting.get_reason_display(), "n": decision_number},
           _url(studio))
    return delisting
