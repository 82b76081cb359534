"""`seed_demo --scale N` (core/scale): a national-scale synthetic world beside the demo, rerunnable."""
import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse

from audit import integrity
from audit.models import AuditEntry
from core.management.commands.seed_demo import DEMO_PASSWORD
from core.models import TransitionLog
from core.scale import applications, ensure_scale, names, studios, synthetic_studios, tree
from reviews.models import (
    Application, ApplicationAttachment, ApplicationStatus, ApplicationUserObjectPermission, Assignment,
    AssignmentStatus, NamingRound, Objection, RoundPhase, ScoreItem,
)
from rules.models import RuleSet
from studios.models import Leader, Member, Studio, StudioStatus
from tests.conftest import row_counts
from unions.models import RECOMMENDING_KINDS, Role, Union, UnionKind, User

pytestmark = pytest.mark.django_db

N = 300
PASSWORD = "Scale-pass-2026"


@pytest.fixture
def world(root, published_rules):
    return ensure_scale(N, PASSWORD)


def synthetic_applications():
    return Application.objects.filter(unit__name__startswith=names.SYNTHETIC)


def test_the_tree_has_recommending_unions_and_units_with_sound_paths(world):
    units = tree.units_for(N)
    assert Union.objects.filter(name__startswith=names.SYNTHETIC, kind=UnionKind.UNIT).count() == units == 240
    assert Union.objects.filter(name__startswith=names.SYNTHETIC, kind__in=RECOMMENDING_KINDS).count() == 200
    assert world["工会"] == 440
    assert Union.objects.find_problems() == ([], [], [], [], [])  # treebeard's own check
    for unit in Union.objects.filter(name__startswith=names.SYNTHETIC, kind=UnionKind.UNIT)[:50]:
        assert unit.recommending_union == Union.objects.get_parent(unit)  # 第六条
    # some units host two studios (5 studios to 4 units)
    assert synthetic_studios().values("unit").distinct().count() == units


def test_every_application_state_is_present_with_what_it_implies(world):
    apps = synthetic_applications()
    assert set(apps.values_list("status", flat=True)) == set(ApplicationStatus.values)
    assert apps.count() == 2 * N and world["申报书"] == 2 * N
    assert apps.filter(status=ApplicationStatus.NAMED).count() == N  # each studio's own
    # attachments once submitted, none on a draft
    with_files = set(ApplicationAttachment.objects.values_list("application", flat=True))
    assert with_files == set(apps.exclude(status=ApplicationStatus.DRAFT).values_list("pk", flat=True))
    # three experts from the review on; every scored assignment has a point per criterion and its total
    reviewed = apps.exclude(status__in=applications.PRE_REVIEW)
    assert Assignment.objects.filter(application__in=reviewed).count() == 3 * reviewed.count()
    assert not Assignment.objects.exclude(application__in=reviewed).exists()
    criteria = RuleSet.objects.current().criteria.count()
    for assignment in Assignment.objects.filter(status=AssignmentStatus.SCORED).annotate(n=Count("items"))[:100]:
        assert assignment.n == criteria
        assert assignment.total == sum(assignment.items.values_list("points", flat=True))
    under_review = Assignment.objects.filter(application__status=ApplicationStatus.UNDER_REVIEW)
    assert set(under_review.values_list("status", flat=True)) == {AssignmentStatus.SCORED, AssignmentStatus.ASSIGNED}
    assert not Assignment.objects.filter(application__status=ApplicationStatus.SCORED,
                                         status=AssignmentStatus.ASSIGNED).exists()
    assert ApplicationUserObjectPermission.objects.count() == Assignment.objects.count()
    assert Objection.objects.filter(application__status=ApplicationStatus.NOT_SELECTED).exists()
    assert ScoreItem.objects.count() == Assignment.objects.filter(status=AssignmentStatus.SCORED).count() * criteria
    # each application's state fits its round's phase
    phases = dict(NamingRound.objects.values_list("pk", "phase"))
    for status, phase in apps.values_list("status", "naming_round").distinct():
        if status in (ApplicationStatus.IN_PUBLICITY, ApplicationStatus.APPROVED):
            assert phases[phase] == RoundPhase.PUBLICITY
        if status == ApplicationStatus.NAMED:
            assert phases[phase] == RoundPhase.CONCLUDED


def test_each_history_ends_in_the_applications_state_and_is_audited(world):
    last = {}
    for object_id, source, target in TransitionLog.objects.filter(
            object_id__in=synthetic_applications().values("pk")).order_by("at", "pk").values_list(
            "object_id", "source", "target"):
        assert source == last.get(object_id, "")  # each step starts where the last one ended
        last[object_id] = target
    assert last == dict(synthetic_applications().values_list("pk", "status"))
    # the assigning steps name the experts assigned, and each scoring step is by one of them
    application = synthetic_applications().filter(status=ApplicationStatus.SCORED).first()
    history = TransitionLog.objects.for_object(application)
    experts = {a.expert for a in application.assignments.select_related("expert")}
    assert set(history.filter(transition="assign").values_list("comment", flat=True)) == {
        e.full_name for e in experts}
    assert {log.actor for log in history.filter(transition="score")} == experts
    assert world["审计记录"] == world["流转记录"] == TransitionLog.objects.count()
    assert integrity.verify() == AuditEntry.objects.count()


def test_studios_leaders_and_members_come_in_the_expected_numbers(world):
    assert synthetic_studios().count() == N == world["工作室"] == world["领衔人"]
    members = sum(studios.members_of(s) for s in range(N))
    assert Member.objects.filter(studio__in=synthetic_studios()).count() == members == world["工作室成员"]
    assert 9 <= members / N <= 11
    assert set(synthetic_studios().values_list("status", flat=True)) == set(StudioStatus.values)
    leader = Leader.objects.get(studios__name=f"{names.person(7)}劳模和工匠人才创新工作室")
    assert leader.id_number == studios.leader_id_number(7)  # a real token, decrypted
    named = Application.objects.get(leader_name=leader.name, status=ApplicationStatus.NAMED)
    assert named.leader_id_number_index == leader.id_number_index  # the same person


def test_a_rerun_adds_nothing_and_a_larger_n_adds_the_difference(world):
    before = row_counts()
    assert set(ensure_scale(N, PASSWORD).values()) == {0}
    assert row_counts() == before
    ensure_scale(N + 40, PASSWORD)
    after = row_counts()
    assert after["studios.Studio"] - before["studios.Studio"] == 40
    assert after["reviews.Application"] - before["reviews.Application"] == 80
    assert after["studios.Member"] - before["studios.Member"] == sum(studios.members_of(s) for s in range(N, N + 40))
    assert after["unions.Union"] - before["unions.Union"] == tree.units_for(N + 40) - tree.units_for(N)
    assert Union.objects.find_problems() == ([], [], [], [], [])
    assert integrity.verify() == AuditEntry.objects.count()


@pytest.mark.parametrize("username, page", [
    ("scale_city", "studios:list"), ("scale_city", "reviews:application_list"), ("scale_city", "unions:list"),
    ("scale_county_000", "reviews:application_list"), ("scale_unit_00000", "studios:list"),
    ("scale_expert_00", "reviews:assignment_list"),
])
def test_the_main_lists_render_for_the_scaled_world(world, client, username, page):
    client.force_login(User.objects.get(username=username))
    response = client.get(reverse(page))
    assert response.status_code == 200


@pytest.mark.parametrize("status", [ApplicationStatus.NAMED, ApplicationStatus.UNDER_REVIEW,
                                    ApplicationStatus.IN_PUBLICITY, ApplicationStatus.RETURNED])
def test_the_detail_pages_render_for_scaled_objects(world, client, status):
    application = synthetic_applications().filter(status=status).first()
    studio = Studio.objects.get(leader__name=application.leader_name) if status == ApplicationStatus.NAMED else None
    client.force_login(User.objects.get(username="scale_city"))
    response = client.get(application.get_absolute_url())
    assert response.status_code == 200 and application.leader_name in response.content.decode()
    if studio:
        assert client.get(studio.get_absolute_url()).status_code == 200
    # the unit's own account sees it; another unit's gets 404
    own = User.objects.get(union=application.unit, role=Role.UNIT_STAFF)
    client.force_login(own)
    assert client.get(application.get_absolute_url()).status_code == 200
    other = User.objects.filter(role=Role.UNIT_STAFF, username__startswith="scale_").exclude(union=application.unit)
    client.force_login(other.first())
    assert client.get(application.get_absolute_url()).status_code == 404


def test_seed_demo_scale_keeps_the_demo_and_names_the_benchmark_accounts():
    out = io.StringIO()
    call_command("seed_demo", scale=40, stdout=out)
    output = out.getvalue()
    assert "现共合成工作室 40 个" in output
    for username, role in tree.BENCHMARK_ACCOUNTS.items():
        assert username in output
        user = authenticate(username=username, password=DEMO_PASSWORD)
        assert user is not None and user.role == role
    assert Studio.objects.exclude(unit__name__startswith=names.SYNTHETIC).filter(
        name="陈伟劳模和工匠人才创新工作室").exists()  # the demo is still there
    counts = row_counts()
    call_command("seed_demo", scale=40, stdout=io.StringIO())
    assert row_counts() == counts
