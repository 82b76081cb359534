"""`manage.py seed_demo`: the real Jieyang tree, demo accounts and studios, idempotent; `--scale N` in bulk."""
import datetime
import io
import re

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.utils import timezone
from django.core.management.base import CommandError

from core.management.commands.seed_demo import ACCOUNTS, COUNTIES, DEMO_PASSWORD, DIRECT, UNITS
from studios.models import Member, Studio, StudioStatus, studio_name_for
from unions.models import RECOMMENDING_KINDS, Role, Union, UnionKind, User

pytestmark = pytest.mark.django_db

SYNTHETIC_STUDIOS = Studio.objects.filter(unit__name__startswith="合成")


def seed(**options):
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def row_counts():
    """Rows of every installed model, so a duplicate anywhere shows up."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def assert_tree_is_sound():
    assert Union.objects.find_problems() == ([], [], [], [], [])  # treebeard's own check
    for unit in Union.objects.filter(kind=UnionKind.UNIT).select_related("recommending_union"):
        parent = Union.objects.get_parent(unit)
        assert parent.kind in RECOMMENDING_KINDS, unit.name
        assert unit.recommending_union == parent, unit.name  # 第六条


def test_seeding_twice_creates_nothing_twice():
    first_output = seed()
    first = row_counts()
    assert first["unions.Union"] == 1 + len(COUNTIES) + len(DIRECT) + 1 + sum(map(len, UNITS.values()))
    assert first["unions.User"] == len(ACCOUNTS) == 16
    assert first["studios.Studio"] >= 8 and first["studios.Member"] >= 24
    assert DEMO_PASSWORD in first_output and "新建工会 30 个" in first_output
    assert "周期考核 2 次、限期整改 6 项、推荐评先 5 项" in first_output
    second_output = seed()
    assert row_counts() == first
    assert "新建工会 0 个、账号 0 个、工作室 0 个" in second_output
    assert "周期考核 0 次、限期整改 0 项、推荐评先 0 项" in second_output


@pytest.mark.parametrize("username, role, union", [
    ("unit", Role.UNIT_STAFF, "揭阳市金叶机械制造有限公司工会"),
    ("unit2", Role.UNIT_STAFF, "普宁市锦程纺织有限公司工会"),
    ("county", Role.RECOMMENDING_STAFF, "榕城区总工会"),
    ("city", Role.MUNICIPAL_STAFF, "揭阳市总工会"),
    ("expert", Role.EXPERT, "揭阳市总工会"),
    ("admin", Role.ADMIN, "揭阳市总工会"),
    ("finance", Role.MUNICIPAL_STAFF, "揭阳市总工会"),
])
def test_each_role_has_an_account_that_logs_in_with_the_demo_password(username, role, union):
    seed(verbosity=0)
    user = authenticate(username=username, password=DEMO_PASSWORD)
    assert user is not None and user.role == role and user.union.name == union
    assert user.email == f"{username}@example.cn" and user.full_name
    assert user.password.startswith("md5$")  # hashed by set_password (the test hasher), never stored plain
    assert (user.is_staff, user.is_superuser) == ((True, True) if role == Role.ADMIN else (False, False))
    user.full_clean(exclude=["password"])  # the role fits the kind of its union
    assert authenticate(username=username, password="wrong-password") is None


def test_an_existing_accounts_password_is_not_reset():
    seed(verbosity=0)
    user = User.objects.get(username="unit")
    user.set_password("Another-pass-2027")
    user.save()
    seed(verbosity=0)
    assert authenticate(username="unit", password="Another-pass-2027") is not None
    assert authenticate(username="unit", password=DEMO_PASSWORD) is None


def test_the_tree_is_jieyangs_and_units_are_recommended_by_their_parent():
    seed(verbosity=0)
    root = Union.objects.get(depth=1)
    assert (root.name, root.kind) == ("揭阳市总工会", UnionKind.MUNICIPAL)
    assert set(Union.objects.filter(kind=UnionKind.COUNTY).values_list("name", flat=True)) == set(COUNTIES)
    assert set(Union.objects.filter(kind=UnionKind.DIRECT).values_list("name", flat=True)) == set(DIRECT)
    assert Union.objects.get(kind=UnionKind.COMMITTEE).name == "揭阳市总工会女职工委员会"
    assert all(Union.objects.get_parent(u) == root for u in Union.objects.filter(depth=2))
    units = Union.objects.filter(kind=UnionKind.UNIT)
    assert 8 <= units.count() <= 16
    assert units.filter(recommending_union__kind=UnionKind.DIRECT).exists()
    assert units.values("recommending_union").distinct().count() >= 4  # spread over several counties
    unit_user = User.objects.get(username="unit")
    assert unit_user.union.recommending_union.name == "榕城区总工会"
    assert User.objects.get(username="county").union == unit_user.union.recommending_union
    # unit2 is under another county, so the two unit accounts can show scoping
    assert User.objects.get(username="unit2").union.recommending_union.name != "榕城区总工会"
    assert_tree_is_sound()


def test_demo_studios_follow_the_rules_and_show_every_state():
    seed(verbosity=0)
    studios = Studio.objects.exclude(pk__in=SYNTHETIC_STUDIOS).select_related("leader", "unit")
    assert 16 <= studios.count() <= 24  # nine of the first batch, ten named later, five by last year's round
    assert set(studios.values_list("status", flat=True)) == set(StudioStatus.values)
    assert studios.filter(unit=User.objects.get(username="unit").union).count() >= 2
    for studio in studios:
        assert studio.name == studio_name_for(studio.leader.name)  # 第六条
        assert studio.unit.kind == UnionKind.UNIT and studio.leader.unit == studio.unit
        assert timezone.localdate().year - 4 <= studio.named_year < timezone.localdate().year
        assert re.fullmatch(rf"揭工总〔{studio.named_year}〕\d+号", studio.decision_number)
        assert studio.leader.honour and studio.leader.honour_year < studio.named_year
        assert 3 <= studio.members.count() <= 6
    assert len(set(Member.objects.values_list("role", flat=True))) == 3
    # 第七条 and 第八条 done through their services, with history and dates, and two changes waiting
    from studios.models import ChangeRequest, Delisting

    cancelled = studios.get(status=StudioStatus.CANCELLED)
    assert cancelled.ended_on and cancelled.changes.get().status == "approved"
    # one on the unit's request (第八条(五)), one after a failed rectification (第八条(四), see the cycle tests)
    assert sorted(Delisting.objects.values_list("reason", flat=True)) == ["4", "5"]
    assert set(Delisting.objects.values_list("studio__status", flat=True)) == {StudioStatus.DELISTED}
    assert sorted(ChangeRequest.objects.values_list("status", flat=True)) == ["approved", "recommended", "submitted"]
    # 第九条: last year assessed and reported up by 榕城, this year a report submitted, a draft and an assessment
    from assessments.models import AnnualAssessment, AnnualReport

    last, this = timezone.localdate().year - 1, timezone.localdate().year
    assert set(AnnualAssessment.objects.filter(year=last).values_list("status", flat=True)) == {"reported"}
    assert sorted(AnnualReport.objects.filter(year=this).values_list("status", flat=True)) == ["draft", "submitted"]
    assert AnnualAssessment.objects.filter(year=this, status="assessed").count() == 1


def test_scale_rejects_a_negative_number():
    with pytest.raises(CommandError):
        seed(scale=-1)
    assert not Union.objects.exists()


def test_demo_has_last_years_concluded_round_and_this_years_round_in_expert_review(django_capture_on_commit_callbacks):
    from reviews.models import ApplicationStatus, AssignmentStatus, NamingRound, RoundPhase

    with django_capture_on_commit_callbacks(execute=True):  # as when the seed's transaction commits
        seed(verbosity=0)
    year = timezone.localdate().year
    previous = NamingRound.objects.get(year=year - 1)
    assert previous.phase == RoundPhase.CONCLUDED and previous.decision_number == f"揭工总〔{year - 1}〕21号"
    assert set(previous.applications.values_list("status", flat=True)) == {
        ApplicationStatus.NAMED, ApplicationStatus.NOT_SELECTED, ApplicationStatus.REJECTED,
        ApplicationStatus.WITHDRAWN}
    named_names = [a.studio_name for a in previous.applications.filter(status=ApplicationStatus.NAMED)]
    named = Studio.objects.filter(name__in=named_names, named_year=year - 1, decision_number=previous.decision_number)
    assert len(named_names) == named.count() == 5
    assert previous.applications.filter(objections__isnull=False).count() == 1
    # 第六条's documents of last year's round are ready to download
    assert sorted(previous.documents.filter(status="ready").exclude(file="").values_list("kind", flat=True)) == [
        "certificates", "decision", "notice"]

    current = NamingRound.objects.get(year=year)
    assert current.phase == RoundPhase.EXPERT_REVIEW
    assert set(current.applications.values_list("status", flat=True)) == {
        ApplicationStatus.DRAFT, ApplicationStatus.RETURNED, ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN,
        ApplicationStatus.ACCEPTED, ApplicationStatus.UNDER_REVIEW, ApplicationStatus.SCORED}
    # every expert has something left to score, and one has recused
    for username in ("expert", "expert2", "expert3"):
        assert current.applications.filter(assignments__expert__username=username,
                                           assignments__status=AssignmentStatus.ASSIGNED).exists()
    assert current.applications.filter(assignments__status=AssignmentStatus.RECUSED).count() == 1
    assert current.applications.filter(site_visits__isnull=False).count() == 1


def test_demo_history_carries_the_dates_the_steps_would_have_had():
    from core.models import TransitionLog
    from reviews.models import NamingRound

    seed(verbosity=0)
    today = timezone.localdate()
    previous = NamingRound.objects.get(year=today.year - 1)
    days = [timezone.localtime(log.at).date() for log in TransitionLog.objects.for_object(previous)]
    assert days[0] == datetime.date(today.year - 1, 6, 1)
    assert days[-1] == previous.decision_date == datetime.date(today.year - 1, 12, 10)
    assert days == sorted(days)
    assert previous.publicity_start == datetime.date(today.year - 1, 11, 21)
    current = NamingRound.objects.get(year=today.year)
    assert max(log.at for log in TransitionLog.objects.filter(union__isnull=False)) < timezone.now()
    assert timezone.localtime(TransitionLog.objects.for_object(current).first().at).date() == today - datetime.timedelta(days=80)


# 第十条, 第十一条, 第十四条: the cycle assessments, rectifications and recommendations --------------------------

def _cycles():
    from assessments.models import AssessmentCycle

    year = timezone.localdate().year
    return AssessmentCycle.objects.get(year=year - 2), AssessmentCycle.objects.get(year=year)


def test_demo_has_a_concluded_cycle_with_every_grade_and_a_running_one_in_its_evaluation_phase():
    from assessments.models import CyclePhase, EvaluationStatus

    seed(verbosity=0)
    today = timezone.localdate()
    past, running = _cycles()
    assert past.phase == CyclePhase.CONCLUDED and past.meeting_date == datetime.date(today.year - 2, 12, 10)
    assert sorted(past.evaluations.values_list("grade", flat=True)) == ["excellent"] * 2 + ["fail"] * 6 + ["pass"]
    assert set(past.evaluations.values_list("status", flat=True)) == {EvaluationStatus.GRADED}
    assert set(past.evaluations.values_list("studio__named_year", flat=True)) == {today.year - 4}
    # the one whose unit never filed its self-evaluation failed without an expert's mark (第十条)
    assert past.evaluations.filter(self_submitted_at__isnull=True, score__isnull=True, grade="fail").count() == 1
    assert past.evaluations.filter(reviews__status="recused").count() == 1

    assert running.phase == CyclePhase.EVALUATION and running.self_deadline > today
    assert set(running.evaluations.values_list("status", flat=True)) == {
        EvaluationStatus.SELF_PENDING, EvaluationStatus.SELF_SUBMITTED, EvaluationStatus.EVALUATED,
        EvaluationStatus.RECOMMENDED}
    # every studio active and named at least one cycle ago is in it, and no other
    eligible = Studio.objects.filter(status=StudioStatus.ACTIVE, named_year__lte=today.year - 2)
    assert set(running.evaluations.values_list("studio", flat=True)) == set(eligible.values_list("pk", flat=True))
    # 普宁's whole area evaluated and recommended
    county2 = User.objects.get(username="county2").union
    assert set(running.evaluations.filter(studio__unit__recommending_union=county2).values_list(
        "status", flat=True)) == {EvaluationStatus.RECOMMENDED}
    # the self-evaluation waiting for its recommending union was returned once and resubmitted
    from core.models import TransitionLog

    waiting = running.evaluations.get(status=EvaluationStatus.SELF_SUBMITTED)
    assert list(TransitionLog.objects.for_object(waiting.studio).filter(
        at__gte=running.created_at, transition__startswith="cycle_self").values_list("transition", flat=True)) == [
        "cycle_self", "cycle_self_return", "cycle_self"]


def test_demo_holds_every_rectification_and_recommendation_state():
    from assessments.models import (
        CycleGrade, Honour, Recommendation, RecommendationStatus, Rectification, RectificationStatus,
    )

    seed(verbosity=0)
    today = timezone.localdate()
    past, running = _cycles()
    rectifications = {r.status: r for r in Rectification.objects.select_related("studio", "evaluation")}
    assert sorted(rectifications) == sorted(RectificationStatus.values)
    assert all(r.evaluation.cycle == past and r.evaluation.grade == CycleGrade.FAIL for r in rectifications.values())
    passed = rectifications[RectificationStatus.PASSED]
    assert passed.studio.status == StudioStatus.ACTIVE and running.evaluations.filter(studio=passed.studio).exists()
    delisted = rectifications[RectificationStatus.DELISTED].studio
    assert delisted.status == StudioStatus.DELISTED and delisted.delisting.reason == "4"  # 第八条(四)
    assert re.fullmatch(rf"揭工总〔{today.year - 1}〕\d+号", delisted.delisting.decision_number)
    assert rectifications[RectificationStatus.OPEN].deadline > today
    reported = rectifications[RectificationStatus.REPORTED]
    assert today - datetime.timedelta(days=7) <= timezone.localtime(reported.reported_at).date() < today
    assert reported.deadline > today
    for status in (RectificationStatus.FAILED, RectificationStatus.OVERDUE, RectificationStatus.OPEN,
                   RectificationStatus.REPORTED):
        assert rectifications[status].studio.status == StudioStatus.RECTIFYING
    assert rectifications[RectificationStatus.OVERDUE].deadline < today

    recommendations = {r.status: r for r in Recommendation.objects.select_related("studio", "result", "evaluation")}
    assert sorted(recommendations) == sorted(RecommendationStatus.values)
    assert {r.studio for r in recommendations.values()} == {
        e.studio for e in past.evaluations.filter(grade=CycleGrade.EXCELLENT)}
    awarded = recommendations[RecommendationStatus.AWARDED]
    assert awarded.honour == Honour.PROVINCIAL_STUDIO and "粤工总〔" in awarded.outcome_note
    medal = recommendations[RecommendationStatus.SUBMITTED]
    assert medal.honour == Honour.MUNICIPAL_MEDAL and medal.studio.members.get(name=medal.nominee).role == "core"
    not_awarded = recommendations[RecommendationStatus.NOT_AWARDED]
    assert not_awarded.honour == Honour.PROVINCIAL_INNOVATION and not_awarded.result.studio == not_awarded.studio
    assert recommendations[RecommendationStatus.PROPOSED].honour == Honour.MUNICIPAL_VANGUARD


def test_demo_users_find_their_cycle_and_rectification_work_waiting():
    from assessments.selectors import waiting_counts

    seed(verbosity=0)
    users = {u.username: u for u in User.objects.all()}
    unit = waiting_counts(users["unit"])  # what the dashboard shows
    assert unit["cycle"].year == timezone.localdate().year
    assert unit["self_pending"] == 1 and unit["open"] == 1
    assert waiting_counts(users["county"])["self_submitted"] == 1
    city = waiting_counts(users["city"])
    assert city["reported"] == 1 and city["proposed"] == 2


def test_every_studio_of_the_running_cycle_has_enough_experts_without_conflict():
    from reviews.models import ExpertPanel
    from reviews.panel_services import conflict_of

    seed(verbosity=0)
    _past, running = _cycles()
    need = running.rule_set.experts_per_application
    for panel in ExpertPanel.objects.all():  # whichever panel the demo user picks
        experts = list(panel.experts.all())
        for evaluation in running.evaluations.select_related("studio__unit__recommending_union"):
            assert sum(not conflict_of(e, evaluation) for e in experts) >= need, (panel, evaluation)


def test_demo_cycle_history_carries_the_dates_of_its_year():
    from assessments.models import Rectification
    from core.models import TransitionLog

    seed(verbosity=0)
    today = timezone.localdate()
    past, running = _cycles()
    local = lambda at: timezone.localtime(at).date()  # noqa: E731
    days = [local(log.at) for log in TransitionLog.objects.for_object(past)]
    assert len(days) == 4 and days == sorted(days)  # opened, expert review, decision, concluded
    assert days[0] == datetime.date(past.year, 9, 2) and days[-1] == past.meeting_date
    assert local(past.created_at).year == past.year
    for evaluation in past.evaluations.prefetch_related("reviews"):
        reviews = evaluation.reviews.all()
        stamps = [evaluation.self_submitted_at, evaluation.recommended_at,
                  *(r.assigned_at for r in reviews), *(r.finished_at for r in reviews)]
        assert {local(at).year for at in stamps if at} <= {past.year}
        # on the studio's page: the steps of that cycle, from its opening to the grade on the meeting day
        steps = [local(log.at) for log in TransitionLog.objects.for_object(evaluation.studio).filter(
            transition__startswith="cycle_", at__lt=running.created_at)]
        assert steps == sorted(steps) and {d.year for d in steps} == {past.year}
        assert steps[0] == days[0] and steps[-1] == past.meeting_date
    for rectification in Rectification.objects.all():
        assert local(rectification.created_at) == past.meeting_date
        steps = [local(log.at) for log in TransitionLog.objects.for_object(rectification.studio).filter(
            transition__startswith="rectification_")]
        assert steps == sorted(steps) and past.meeting_date < steps[0] < today and steps[-1] < today
        assert steps[0].year == past.year + 1  # the first deadline fell in the next spring
    opened = [local(log.at) for log in TransitionLog.objects.for_object(running)]
    assert opened == [today - datetime.timedelta(days=40)]
    for evaluation in running.evaluations.all():
        steps = [local(log.at) for log in TransitionLog.objects.for_object(evaluation.studio).filter(
            transition__startswith="cycle_", at__gte=running.created_at)]
        assert steps == sorted(steps) and all(opened[0] <= d < today for d in steps)


@pytest.mark.parametrize("day", ["01-05", "04-05"])
def test_the_demo_seeds_early_and_late_in_a_year(day):
    """Early in a year this year's round could not have started 80 days ago: the demo is dated last year's end."""
    from assessments.models import AssessmentCycle
    from core.management.commands.seed_demo import clock_at
    from reviews.models import NamingRound

    year = timezone.localdate().year + 1
    with clock_at(datetime.date.fromisoformat(f"{year}-{day}")):
        seed(verbosity=0)
    running = year - 1 if day == "01-05" else year
    assert NamingRound.objects.filter(year=running).exclude(phase="concluded").exists()
    assert AssessmentCycle.objects.filter(year=running, phase="evaluation").exists()
