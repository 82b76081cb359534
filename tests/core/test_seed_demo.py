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

from core.management.commands.seed_demo import COUNTIES, DEMO_PASSWORD, DIRECT, UNITS
from studios.models import Leader, Member, Studio, StudioStatus, studio_name_for
from unions.models import RECOMMENDING_KINDS, Role, Union, UnionKind, User
from unions.services import union_create

pytestmark = pytest.mark.django_db

SYNTHETIC_STUDIOS = Studio.objects.filter(name__startswith="合成领衔人")
SYNTHETIC_UNITS = Union.objects.filter(name__startswith="合成单位")


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
    assert first["unions.User"] == 10 and first["studios.Studio"] >= 8 and first["studios.Member"] >= 24
    assert DEMO_PASSWORD in first_output and "新建工会 26 个" in first_output
    second_output = seed()
    assert row_counts() == first
    assert "新建工会 0 个、账号 0 个、工作室 0 个" in second_output


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
    assert 8 <= units.count() <= 12
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
    assert 8 <= studios.count() <= 16  # ten named before, five by last year's demo round
    assert set(studios.values_list("status", flat=True)) == set(StudioStatus.values)
    assert studios.filter(unit=User.objects.get(username="unit").union).count() >= 2
    for studio in studios:
        assert studio.name == studio_name_for(studio.leader.name)  # 第六条
        assert studio.unit.kind == UnionKind.UNIT and studio.leader.unit == studio.unit
        assert 2023 <= studio.named_year < timezone.localdate().year
        assert re.fullmatch(rf"揭工总〔{studio.named_year}〕\d+号", studio.decision_number)
        assert studio.leader.honour and studio.leader.honour_year < studio.named_year
        assert 3 <= studio.members.count() <= 6
    assert len(set(Member.objects.values_list("role", flat=True))) == 3
    # 第七条 and 第八条 done through their services, with history and dates, and two changes waiting
    from studios.models import ChangeRequest, Delisting

    cancelled = studios.get(status=StudioStatus.CANCELLED)
    assert cancelled.ended_on and cancelled.changes.get().status == "approved"
    assert Delisting.objects.get().studio.status == StudioStatus.DELISTED
    assert sorted(ChangeRequest.objects.values_list("status", flat=True)) == ["approved", "recommended", "submitted"]
    # 第九条: last year assessed and reported up by 榕城, this year a report submitted, a draft and an assessment
    from assessments.models import AnnualAssessment, AnnualReport

    last, this = timezone.localdate().year - 1, timezone.localdate().year
    assert set(AnnualAssessment.objects.filter(year=last).values_list("status", flat=True)) == {"reported"}
    assert sorted(AnnualReport.objects.filter(year=this).values_list("status", flat=True)) == ["draft", "submitted"]
    assert AnnualAssessment.objects.filter(year=this, status="assessed").count() == 1


def test_scale_makes_sure_there_are_exactly_n_synthetic_studios():
    seed(verbosity=0)
    demo = row_counts()
    seed(scale=50, verbosity=0)
    assert SYNTHETIC_STUDIOS.count() == 50
    assert SYNTHETIC_UNITS.filter(kind=UnionKind.UNIT).count() == 50
    assert Leader.objects.count() == demo["studios.Leader"] + 50
    assert Member.objects.filter(studio__in=SYNTHETIC_STUDIOS).count() == 150
    # each synthetic studio has its own unit, and its name follows 第六条
    assert SYNTHETIC_STUDIOS.values("unit").distinct().count() == 50
    assert all(s.name == studio_name_for(s.leader.name) and s.unit == s.leader.unit
               for s in SYNTHETIC_STUDIOS.select_related("leader", "unit"))

    scaled = row_counts()
    output = seed(scale=50)
    assert row_counts() == scaled
    assert "本次新建 0 个" in output

    seed(scale=60, verbosity=0)
    after = row_counts()
    assert SYNTHETIC_STUDIOS.count() == 60
    assert after["studios.Studio"] - scaled["studios.Studio"] == 10
    assert after["unions.Union"] - scaled["unions.Union"] == 10
    assert after["studios.Member"] - scaled["studios.Member"] == 30
    assert after["unions.User"] == scaled["unions.User"]
    assert_tree_is_sound()


def test_synthetic_units_sit_in_the_tree_under_their_recommending_union():
    seed(scale=40, verbosity=0)
    assert_tree_is_sound()
    recommending = Union.objects.filter(kind__in=RECOMMENDING_KINDS)
    # round-robin: 40 units over 15 county and direct unions put at least two under each
    for parent in recommending:
        children = SYNTHETIC_UNITS.filter(recommending_union=parent)
        assert children.count() >= 2, parent.name
        # the materialized-path subtree query (how scoping works) finds them
        subtree = Union.objects.filter(path__startswith=parent.path)
        assert set(children) <= set(subtree)
        assert Union.objects.get(pk=parent.pk).numchild == Union.objects.get_children(parent).count()
    county = Union.objects.get(name="榕城区总工会")
    assert SYNTHETIC_STUDIOS.filter(unit__path__startswith=county.path).exists()
    # the demo units keep their places: synthetic paths continue after the existing children
    demo_unit = Union.objects.get(name="揭阳市金叶机械制造有限公司工会")
    assert demo_unit.path == county.path + "0001"
    # treebeard can still add a child after the bulk insert without clashing with a computed path
    added = union_create(parent=county, name="后来新增单位工会", kind=UnionKind.UNIT)
    assert added.recommending_union == county
    assert Union.objects.get(pk=county.pk).numchild == Union.objects.get_children(county).count()
    assert_tree_is_sound()


def test_scale_fills_a_gap_and_reuses_the_left_over_unit():
    seed(scale=20, verbosity=0)
    gone = SYNTHETIC_STUDIOS.get(name=studio_name_for("合成领衔人00007"))
    unit = gone.unit
    gone.delete()  # its unit union (and leader) stay behind
    units_before = SYNTHETIC_UNITS.count()
    seed(scale=20, verbosity=0)
    assert SYNTHETIC_STUDIOS.count() == 20
    assert SYNTHETIC_STUDIOS.get(name=studio_name_for("合成领衔人00007")).unit == unit
    assert SYNTHETIC_UNITS.count() == units_before
    assert_tree_is_sound()


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
