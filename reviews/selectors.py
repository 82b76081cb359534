"""Reads for the naming workflow."""
from core.history import hide_reviewers, timeline
from core.stepper import stepper
from unions.scoping import get_scoped_object_or_404, scoped

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from guardian.shortcuts import get_objects_for_user

from unions.models import Role, User

from .application_services import EDIT_PHASES, PRELIMINARY_PHASES
from .models import PHASE_ORDER, Application, ApplicationAttachment, Assignment, AssignmentStatus, ExpertPanel, Objection, ObjectionStatus, ApplicationStatus, NamingRound, RoundPhase, WITHDRAWABLE_STATES
from .permissions import can_manage_rounds, is_applicant, is_recommending_union_of


def round_list(user):
    return scoped(user, NamingRound.objects.select_related("rule_set"))


def round_detail(user, pk):
    return get_scoped_object_or_404(user, NamingRound.objects.select_related("rule_set", "created_by"), pk=pk)


def _hide_reviewers(user, entries):
    return hide_reviewers(entries, show=can_manage_rounds(user))


def round_history(user, naming_round):
    return _hide_reviewers(user, timeline(naming_round))


def application_history(user, application):
    return _hide_reviewers(user, timeline(application))


def phase_steps(naming_round):
    """The phases as a stepper: each with its state (done, current, upcoming) and deadline."""
    return stepper(PHASE_ORDER, naming_round.phase, dict(naming_round.deadlines))


def latest_open_round():
    """The newest round that has not concluded (rounds are visible to every role)."""
    return NamingRound.objects.exclude(phase=RoundPhase.CONCLUDED).order_by("-year").first()


def waiting_counts(user, naming_round):
    """How much of the round waits for this user's role to act, by kind (one query)."""
    if user.role == Role.EXPERT:
        return Assignment.objects.filter(expert=user, application__naming_round=naming_round).aggregate(
            to_score=Count("pk", filter=Q(status=AssignmentStatus.ASSIGNED)),
            scored=Count("pk", filter=Q(status=AssignmentStatus.SCORED)))
    applications = scoped(user, Application.objects.filter(naming_round=naming_round))
    by_status = {status: Count("pk", filter=Q(status=status)) for status in (
        ApplicationStatus.DRAFT, ApplicationStatus.RETURNED, ApplicationStatus.SUBMITTED,
        ApplicationStatus.RECOMMENDED)}
    counts = applications.aggregate(**by_status)
    counts["objections"] = (Objection.objects.filter(application__naming_round=naming_round,
                                                     status=ObjectionStatus.RECEIVED).count()
                            if can_manage_rounds(user) and naming_round.phase == RoundPhase.PUBLICITY else 0)
    return counts


def application_list(user):
    """Applications in the user's part of the union tree, with what the list shows (fixed query count), less the
    encrypted columns no list shows (each would be decrypted for nothing)."""
    return scoped(user, Application.objects.select_related("naming_round", "unit", "unit__recommending_union")
                  .defer("leader_id_number", "leader_mobile", "unit__contact_phone",
                         "unit__recommending_union__contact_phone"))


# What the application list shows (and orders by, for its keyset): the rows read nothing else. The round's phase
# too: django-fsm reads every state field of an instance as it is made, and a deferred one costs a query per row.
LIST_COLUMNS = ("leader_name", "status", "created_at", "updated_at", "naming_round__year", "naming_round__phase",
                "unit__name", "unit__recommending_union__name")


def application_rows(user):
    """The application list's rows: application_list with only the columns the list shows."""
    return application_list(user).only(*LIST_COLUMNS)


def application_detail(user, pk):
    return get_scoped_object_or_404(
        user, Application.objects.select_related("naming_round", "naming_round__rule_set", "unit",
                                                 "unit__recommending_union", "created_by")
        .prefetch_related("members", "results"), pk=pk)  # read by the eligibility checks and by the page


def attachment_detail(user, pk):
    """Within the user's union scope, or an attachment of an application the expert was assigned."""
    queryset = ApplicationAttachment.objects.select_related("application")
    if user.role == Role.EXPERT:
        allowed = get_objects_for_user(user, "reviews.review_application", klass=Application, accept_global_perms=False)
        return get_object_or_404(queryset.filter(application__in=allowed), pk=pk)
    return get_scoped_object_or_404(user, queryset, pk=pk)


def available_actions(user, application):
    """The actions this user may take on the application now, as (name, label, needs_comment, confirm)."""
    phase = application.naming_round.phase
    actions = []
    if is_applicant(user, application):
        if phase in EDIT_PHASES.get(application.status, ()):
            actions.append(("submit", _("提交申报"), False, _("提交后由县级总工会或市直基层工会初审，期间不能修改。确定提交吗？")))
        if application.status in WITHDRAWABLE_STATES:
            actions.append(("withdraw", _("撤回申报"), True, _("撤回后本申报不再参加本批次评审，确定撤回吗？")))
    if (is_recommending_union_of(user, application) and application.status == ApplicationStatus.SUBMITTED
            and phase in PRELIMINARY_PHASES):
        actions += [
            ("recommend", _("初审推荐"), False, _("推荐后由市总工会审核，确定推荐吗？")),
            ("return", _("退回修改"), True, ""),
            ("reject", _("不予推荐"), True, _("不予推荐后本申报结束，确定吗？")),
        ]
    if can_manage_rounds(user) and application.status == ApplicationStatus.RECOMMENDED and phase == RoundPhase.AUDIT:
        actions += [
            ("accept", _("审核通过"), False, _("审核通过后进入专家评审，确定吗？")),
            ("audit-return", _("退回修改"), True, ""),
            ("audit-reject", _("不予通过"), True, _("不予通过后本申报结束，确定吗？")),
        ]
    return actions


# Applications that have reached the expert review, or passed it.
REVIEWED_STATES = [ApplicationStatus.ACCEPTED, ApplicationStatus.UNDER_REVIEW, ApplicationStatus.SCORED,
                   ApplicationStatus.SHORTLISTED, ApplicationStatus.NOT_SELECTED, ApplicationStatus.IN_PUBLICITY,
                   ApplicationStatus.APPROVED, ApplicationStatus.NAMED]


def panel_for(naming_round):
    return ExpertPanel.objects.filter(naming_round=naming_round).prefetch_related("experts__union").first()


def panel_rows(naming_round):
    """The round's applications in the expert review, each with its assignments and experts (two queries)."""
    return (Application.objects.filter(naming_round=naming_round, status__in=REVIEWED_STATES)
            .select_related("unit", "unit__recommending_union")
            .prefetch_related(Prefetch("assignments", queryset=Assignment.objects.select_related("expert"))))


def expert_candidates():
    return User.objects.filter(role=Role.EXPERT, is_active=True).select_related("union").order_by("full_name")


def my_assignments(user):
    """An expert's own tasks: only assignments whose application guardian lets them review."""
    allowed = get_objects_for_user(user, "reviews.review_application", klass=Application, accept_global_perms=False)
    return (Assignment.objects.filter(expert=user)
            .filter(Q(application__in=allowed) | ~Q(status=AssignmentStatus.ASSIGNED))
            .select_related("application", "application__unit", "application__naming_round")
            .order_by("status", "-assigned_at"))


def my_assignment(user, pk):
    """An open task of the expert's (a submitted score or a recusal closes it)."""
    return get_object_or_404(my_assignments(user).filter(status=AssignmentStatus.ASSIGNED)
                             .select_related("application__naming_round__rule_set")
                             .prefetch_related("application__members", "application__results"), pk=pk)


def my_task(user, pk):
    """Any task of the expert's, open or closed: an action on a closed one (a double submit) is refused for its
    state (409), not hidden as if it did not exist."""
    return get_object_or_404(my_assignments(user).select_related("application__naming_round__rule_set"), pk=pk)


def round_objections(user, naming_round):
    return scoped(user, Objection.objects.filter(application__naming_round=naming_round)
                  .select_related("application", "application__unit", "recorded_by", "handled_by"))


def objection_detail(user, pk):
    return get_scoped_object_or_404(user, Objection.objects.select_related("application"), pk=pk)


def publicity_rounds():
    """Rounds whose public notice is running (public pages, no login)."""
    return NamingRound.objects.filter(phase=RoundPhase.PUBLICITY, publicity_end__isnull=False)


def publicity_applications(naming_round):
    return (Application.objects.filter(naming_round=naming_round, status=ApplicationStatus.IN_PUBLICITY)
            .select_related("unit", "unit__recommending_union").order_by("unit__path", "pk"))
