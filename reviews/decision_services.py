"""From the ranking to the named studios (第六条): 集体研究、社会公示、择优命名.

Collective decision picks the shortlist within the round's quota; the publicity
runs for the rule set's number of working days and takes objections; when it
ends, applications without an upheld objection are approved; the naming
decision turns each approved application into a Studio named by 第六条.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.conflicts import Conflict
from core.history import log_transition
from core.notifications import notify
from core.numbers import check_document_number
from core.stored_files import atomic_with_files, store
from core.uploads import check_upload
from core.workdays import add_working_days
from core.personal_data import ContactValidator, normalize_contact
from studios.leaders import leader_record
from studios.models import Member, MemberRole, Studio, StudioStatus

from .models import (
    Application, ApplicationStatus, Deliberation, NamingRound, Objection, ObjectionChannel, ObjectionStatus,
    ObjectorKind, RoundPhase, SiteVisit,
)
from .permissions import can_manage_rounds, require_round_manager
from unions.recipients import municipal_staff, unit_staff
from .errors import StaleAction


def check_phase(naming_round, phase, action):
    """Refuses (409) an `action` of another phase; views call it before validating a form whose choices depend on
    the phase, so that the state is refused before the data."""
    if naming_round.phase != phase:
        raise Conflict(_("当前处于“%(phase)s”阶段，不能%(action)s。") % {
            "phase": naming_round.get_phase_display(), "action": action}, naming_round)


def check_can_deliberate(naming_round):
    """第六条: the collective decision is taken once, in its phase."""
    check_phase(naming_round, RoundPhase.DECISION, _("记录集体研究结果"))
    if Deliberation.objects.filter(naming_round=naming_round).exists():
        raise StaleAction(_("本批次已记录集体研究结果。"), naming_round)


def check_publicity_open(naming_round):
    """Objections are taken during the publicity only (第六条: 社会公示)."""
    if not publicity_open(naming_round):
        raise Conflict(_("该批次不在公示期内，不能登记异议。"), naming_round)


def _lock_round(naming_round, phase, action):
    locked = NamingRound.objects.select_for_update(of=("self",)).select_related("rule_set").get(pk=naming_round.pk)
    check_phase(locked, phase, action)
    return locked


def _log(application, actor, transition, label, source, comment=""):
    log_transition(application, union=application.unit, transition=transition, label=label, source=source,
                   target=application.status, actor=actor, comment=comment)


@transaction.atomic
def deliberation_record(actor, naming_round, *, meeting_date, minutes_ref, shortlisted, notes=""):
    """Records the meeting and its shortlist; 第六条 fixes how many may be named a year (the round's rule set)."""
    require_round_manager(actor, _("办理集体研究、公示和命名"))
    locked = NamingRound.objects.select_for_update(of=("self",)).select_related("rule_set").get(pk=naming_round.pk)
    check_can_deliberate(locked)
    applications = list(Application.objects.select_for_update(of=("self",)).filter(naming_round=locked).select_related("unit"))
    pending = [a for a in applications if a.status in (ApplicationStatus.ACCEPTED, ApplicationStatus.UNDER_REVIEW)]
    if pending:
        raise Conflict(_("还有 %(n)d 份申报未完成专家评审：%(names)s。") % {
            "n": len(pending), "names": "、".join(str(a) for a in pending)}, locked)
    chosen = {a.pk for a in shortlisted}
    scored = [a for a in applications if a.status == ApplicationStatus.SCORED]
    outside = chosen - {a.pk for a in scored}
    if outside:
        raise ValidationError(_("只能从评审完成的申报中确定拟命名名单。"))
    rules = locked.rule_set
    if not rules.quota_min <= len(chosen) <= rules.quota_max:
        raise ValidationError(_("第六条：每年命名 %(min)d-%(max)d 家，本次选了 %(n)d 家。") % {
            "min": rules.quota_min, "max": rules.quota_max, "n": len(chosen)})
    Deliberation.objects.create(naming_round=locked, meeting_date=meeting_date, minutes_ref=minutes_ref, notes=notes,
                                recorded_by=actor)
    for application in scored:
        source = application.status
        if application.pk in chosen:
            application.shortlist()
            label = _("集体研究确定为拟命名")
        else:
            application.decline()
            label = _("集体研究未入选")
        application.save()
        _log(application, actor, "deliberate", label, source, _("会议纪要：%(ref)s") % {"ref": minutes_ref})
        notify(unit_staff(application), label, str(application),
               reverse("reviews:application_detail", args=[application.pk]))
    log_transition(locked, union=locked.union, transition="deliberate", label=_("记录集体研究结果"),
                   source=locked.phase, target=locked.phase, actor=actor,
                   comment=_("%(date)s 会议（%(ref)s）确定拟命名 %(n)d 家。") % {
                       "date": f"{meeting_date:%Y-%m-%d}", "ref": minutes_ref, "n": len(chosen)})


def enter_publicity(naming_round):
    """Called as the round enters its publicity: fixes the period and publishes the shortlist."""
    start = timezone.localdate()
    end = add_working_days(start, naming_round.rule_set.publicity_working_days)
    NamingRound.objects.filter(pk=naming_round.pk).update(publicity_start=start, publicity_end=end)
    naming_round.publicity_start, naming_round.publicity_end = start, end
    for application in Application.objects.select_for_update(of=("self",)).filter(
            naming_round=naming_round, status=ApplicationStatus.SHORTLISTED).select_related("unit"):
        source = application.status
        application.publish()
        application.save()
        _log(application, None, "publish", _("进入社会公示"), source,
             _("公示期 %(s)s 至 %(e)s。") % {"s": f"{start:%Y-%m-%d}", "e": f"{end:%Y-%m-%d}"})


def publicity_open(naming_round, today=None):
    today = today or timezone.localdate()
    return (naming_round.phase == RoundPhase.PUBLICITY and naming_round.publicity_end is not None
            and naming_round.publicity_start <= today <= naming_round.publicity_end)


@atomic_with_files()
def objection_submit(application, *, channel, objector_kind, objector_name, contact, facts, letter=None,
                     recorded_by=None):
    """Takes an objection during the publicity; a unit must attach its sealed letter."""
    if recorded_by is not None and not can_manage_rounds(recorded_by):
        raise PermissionDenied
    application = Application.objects.select_related("naming_round", "unit").get(pk=application.pk)
    if application.status != ApplicationStatus.IN_PUBLICITY or not publicity_open(application.naming_round):
        raise Conflict(_("该工作室不在公示期内，不能提出异议。"), application.naming_round)
    if channel not in ObjectionChannel.values or objector_kind not in ObjectorKind.values:
        raise ValidationError(_("请选择异议渠道和异议人类别。"))
    errors = {}
    if not objector_name.strip():
        errors["objector_name"] = _("请填写真实姓名或单位名称，匿名异议不予受理。")
    if not contact.strip():
        errors["contact"] = _("请填写联系电话或电子邮箱，以便核实。")
    else:
        try:
            ContactValidator(_("联系方式"))(contact)
        except ValidationError as error:
            errors["contact"] = error.messages
    if len(facts.strip()) < 10:
        errors["facts"] = _("请具体写明异议的事实（不少于 10 个字）。")
    if objector_kind == ObjectorKind.UNIT and letter is None:
        errors["letter"] = _("单位提出异议须附加盖公章的函。")
    if errors:
        raise ValidationError(errors)
    objection = Objection(application=application, channel=channel, objector_kind=objector_kind,
                          objector_name=objector_name.strip(), contact=normalize_contact(contact), facts=facts.strip(),
                          recorded_by=recorded_by)
    if letter is not None:
        check_upload(letter)
        objection.letter_name = letter.name[:200]
        store(objection.letter, letter.name, letter)
    objection.save()
    notify(municipal_staff(), _("收到公示异议，请核实"),
           _("关于“%(a)s”的异议（%(c)s）。") % {"a": application, "c": objection.get_channel_display()},
           reverse("reviews:objections", args=[application.naming_round_id]))
    return objection


@transaction.atomic
def objection_handle(actor, objection, *, upheld, handling):
    """Records the verification; an upheld objection removes the application from the shortlist."""
    require_round_manager(actor, _("办理集体研究、公示和命名"))
    locked = Objection.objects.select_for_update().get(pk=objection.pk)
    if locked.status != ObjectionStatus.RECEIVED:
        raise StaleAction(_("该异议已处理：%(s)s。") % {"s": locked.get_status_display()}, locked)
    if not handling.strip():
        raise ValidationError({"handling": _("请填写核实处理意见。")})
    locked.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
    locked.handling, locked.handled_by, locked.handled_at = handling, actor, timezone.now()
    locked.save(update_fields=["status", "handling", "handled_by", "handled_at"])
    application = Application.objects.select_for_update(of=("self",)).select_related("unit").get(pk=locked.application_id)
    if upheld and application.status == ApplicationStatus.IN_PUBLICITY:
        source = application.status
        application.remove_after_objection()
        application.save()
        _log(application, actor, "objection_upheld", _("异议成立，移出拟命名名单"), source, handling)
        notify(unit_staff(application), _("公示异议经核实成立"), handling,
               reverse("reviews:application_detail", args=[application.pk]))
    return locked


@transaction.atomic
def approve_after_publicity(naming_round, actor=None, today=None):
    """After the period, approves every application in publicity whose objections are all dismissed.

    Run daily by Celery beat (actor None: the system) and by a button for staff. Returns (approved, waiting).
    """
    if actor is not None:
        require_round_manager(actor, _("办理集体研究、公示和命名"))
    locked = NamingRound.objects.select_for_update().get(pk=naming_round.pk)
    today = today or timezone.localdate()
    if locked.phase != RoundPhase.PUBLICITY or locked.publicity_end is None or today <= locked.publicity_end:
        raise Conflict(_("公示期尚未结束（%(end)s 结束），不能确认公示结果。") % {
            "end": f"{locked.publicity_end:%Y-%m-%d}" if locked.publicity_end else "—"}, locked)
    approved, waiting = 0, 0
    for application in Application.objects.select_for_update(of=("self",)).filter(
            naming_round=locked, status=ApplicationStatus.IN_PUBLICITY).select_related("unit"):
        if application.objections.filter(status=ObjectionStatus.RECEIVED).exists():
            waiting += 1  # an objection still being verified holds the application back
            continue
        source = application.status
        application.approve()
        application.save()
        _log(application, actor, "approve", _("公示期满，无成立的异议"), source)
        approved += 1
    return approved, waiting


@transaction.atomic
def naming_issue(actor, naming_round, *, decision_number, decision_date):
    """The naming decision: each approved application becomes a Studio named 领衔人姓名+劳模和工匠人才创新工作室."""
    require_round_manager(actor, _("办理集体研究、公示和命名"))
    locked = _lock_round(naming_round, RoundPhase.PUBLICITY, _("发布命名决定"))
    applications = list(Application.objects.select_for_update(of=("self",)).filter(naming_round=locked).select_related("unit")
                        .prefetch_related("members"))
    unresolved = [a for a in applications if a.status == ApplicationStatus.IN_PUBLICITY]
    if unresolved:
        raise Conflict(_("还有 %(n)d 家公示结果未确认：%(names)s。") % {
            "n": len(unresolved), "names": "、".join(str(a) for a in unresolved)}, locked)
    approved = [a for a in applications if a.status == ApplicationStatus.APPROVED]
    if not approved:
        raise Conflict(_("没有公示通过的申报，不能发布命名决定。"), locked)
    taken = set(Studio.objects.filter(name__in=[a.studio_name for a in approved]).values_list("name", flat=True))
    if taken:
        raise Conflict(_("已有同名工作室：%(names)s。请核对领衔人姓名（第六条命名规则）。") % {
            "names": "、".join(sorted(taken))}, locked)
    decision_number = check_document_number(decision_number)  # the data last: the state refuses first
    for application in approved:
        leader = leader_record(
            unit=application.unit, name=application.leader_name, gender=application.leader_gender,
            job_title=application.leader_job_title, honour=application.leader_honour,
            honour_year=application.leader_honour_year or decision_date.year,
            id_number=application.leader_id_number, mobile=application.leader_mobile)
        studio = Studio.objects.create(
            name=application.studio_name, unit=application.unit, leader=leader, status=StudioStatus.ACTIVE,
            named_year=locked.year, decision_number=decision_number.strip(), founded_on=application.founded_on,
            address=application.venue_address, description=application.demonstration)
        Member.objects.bulk_create(Member(studio=studio, name=m.name, role=MemberRole.MEMBER, job_title=m.job_title,
                                          mobile=m.mobile) for m in application.members.all())
        source = application.status
        application.confer_title()
        application.save()
        _log(application, actor, "name", _("命名"), source, decision_number)
        notify(unit_staff(application), _("“%(s)s”已被命名") % {"s": studio.name}, decision_number,
               reverse("studios:detail", args=[studio.pk]))
    locked.decision_number, locked.decision_date = decision_number.strip(), decision_date
    source = locked.phase
    locked.conclude()
    locked.save()
    log_transition(locked, union=locked.union, transition="conclude", label=_("发布命名决定"), source=source,
                   target=locked.phase, actor=actor, comment=_("%(no)s，命名 %(n)d 家。") % {
                       "no": decision_number, "n": len(approved)})
    return len(approved)


@transaction.atomic
def site_visit_record(actor, application, *, visited_on, visitors, findings):
    """Records a site visit (现场考察) between the audit and the expert review; it is logged on the application."""
    require_round_manager(actor, _("办理集体研究、公示和命名"))
    application = Application.objects.select_for_update(of=("self",)).select_related("naming_round", "unit").get(
        pk=application.pk)
    if application.naming_round.phase not in (RoundPhase.AUDIT, RoundPhase.EXPERT_REVIEW):
        raise Conflict(_("现场考察在审核和专家评审阶段进行，当前为“%(phase)s”阶段。") % {
            "phase": application.naming_round.get_phase_display()}, application)
    if application.status not in (ApplicationStatus.RECOMMENDED, ApplicationStatus.ACCEPTED,
                                  ApplicationStatus.UNDER_REVIEW):
        raise Conflict(_("“%(a)s”为“%(s)s”，不安排现场考察。") % {"a": application,
                                                            "s": application.get_status_display()}, application)
    if visited_on > timezone.localdate():
        raise ValidationError({"visited_on": _("考察日期不能晚于今天：请在考察后记录。")})
    if not findings.strip():
        raise ValidationError({"findings": _("请填写考察情况。")})
    visit = SiteVisit.objects.create(application=application, visited_on=visited_on, visitors=visitors.strip(),
                                     findings=findings.strip(), recorded_by=actor)
    _log(application, actor, "site_visit", _("现场考察"), application.status,
         f"{visited_on:%Y-%m-%d}，{visit.visitors}：{visit.findings}")
    return visit
