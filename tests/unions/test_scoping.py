"""Scoping (DESIGN.md): a user sees and acts on their own union's subtree only; a foreign object is a 404."""
import pytest
from django.utils import timezone
from django.apps import apps
from django.urls import reverse

from core.history import log_transition
from core.models import CalendarDay, Notification, OutboxMessage, TransitionLog
from core.notifications import notify
from django.core.files.uploadedfile import SimpleUploadedFile

from reviews.application_services import application_create, application_save, attachment_add
from reviews.models import (
    Application, ApplicationAttachment, ApplicationGroupObjectPermission, ApplicationMember, ApplicationResult,
    ApplicationUserObjectPermission, Assignment, Deliberation, ExpertPanel, NamingRound, Objection, ScoreItem,
    SiteVisit,
)
from reviews.services import round_advance, round_create
from rules.models import RuleSet, ScoringCriterion
from assessments.cycle_services import cycle_open
from assessments.models import (
    AnnualAssessment, AnnualReport, AssessmentCycle, CycleEvaluation, CycleEvaluationGroupObjectPermission,
    CycleEvaluationUserObjectPermission, CycleReview, Recommendation, Rectification,
)
from documents.models import OfficialDocument
from studios.models import (
    Alliance, AllianceMembership, ChangeRequest, Delisting, FormerName, JointProject, Leader, Member, Studio,
    StudioResult, TrainingRecord,
)
from subsidies.models import BankAccount, LedgerEntry, SubsidyGrant, Transfer
from tests import factories
from unions.models import Role, Union, User
from unions.scoping import scoped


@pytest.fixture
def world(db, settings, tmp_path):
    """Two counties, each with one unit holding one studio (with a member) and one account."""
    settings.MEDIA_ROOT = tmp_path
    county_a = factories.county_union("甲县总工会")
    county_b = factories.county_union("乙县总工会")
    unit_a = factories.unit_union(county_a, "甲单位工会")
    unit_a2 = factories.unit_union(county_a, "甲二单位工会")
    unit_b = factories.unit_union(county_b, "乙单位工会")
    member_a = factories.MemberFactory(studio=factories.StudioFactory(unit=unit_a))
    member_a2 = factories.MemberFactory(studio=factories.StudioFactory(unit=unit_a2))
    member_b = factories.MemberFactory(studio=factories.StudioFactory(unit=unit_b))
    users = {
        "unit_user": factories.user_with_role(Role.UNIT_STAFF, unit_a),
        "unit_b_user": factories.user_with_role(Role.UNIT_STAFF, unit_b),
        "county_user": factories.user_with_role(Role.RECOMMENDING_STAFF, county_a),
        "city_user": factories.user_with_role(Role.MUNICIPAL_STAFF),
        "expert": factories.user_with_role(Role.EXPERT),
    }
    for member in (member_a, member_a2, member_b):
        log_transition(member.studio, union=member.studio.unit, transition="t", label="测试", source="a", target="b")
    notify(User.objects.all(), "测试消息")
    CalendarDay.objects.create(date="2027-01-01", kind="holiday", note="元旦")
    cycle_open(users["city_user"], year=timezone.localdate().year)  # the studios' biennial assessment
    naming_round = round_create(users["city_user"], year=2026)
    naming_round = round_advance(users["city_user"], naming_round, from_phase=naming_round.phase)
    for unit in (unit_a, unit_a2, unit_b):
        applicant = factories.user_with_role(Role.UNIT_STAFF, unit)
        application = application_create(applicant, naming_round)
        application_save(applicant, application, {"leader_name": "某人"}, [{"name": "成员"}],
                         [{"year": 2025, "kind": "patent", "title": "成果"}])
        attachment_add(applicant, application, "honour", SimpleUploadedFile("证书.pdf", b"%PDF-1.4\n%%EOF\n"))
    return {
        "county_a": county_a, "county_b": county_b, "unit_a": unit_a, "unit_a2": unit_a2, "unit_b": unit_b,
        "member_a": member_a, "member_a2": member_a2, "member_b": member_b, **users,
    }


def _owner_union(obj):
    return {Union: lambda o: o, User: lambda o: o.union, Studio: lambda o: o.unit,
            Leader: lambda o: o.unit, Member: lambda o: o.studio.unit, CycleEvaluation: lambda o: o.studio.unit,
            TransitionLog: lambda o: o.union, Notification: lambda o: o.recipient.union,
            Application: lambda o: o.unit, ApplicationMember: lambda o: o.application.unit,
            ApplicationResult: lambda o: o.application.unit,
            ApplicationAttachment: lambda o: o.application.unit}[type(obj)](obj)


SCOPED_MODELS = [Union, User, Studio, Leader, Member, TransitionLog, Notification,
                 Application, ApplicationMember, ApplicationResult, ApplicationAttachment, CycleEvaluation]


UNOWNED_MODELS = [RuleSet, ScoringCriterion, NamingRound, CalendarDay, AssessmentCycle]  # the same for every union
# System plumbing no page shows; only the admin lists it, to administrators (the outbox of e-mails).
ADMIN_ONLY_MODELS = [OutboxMessage]
# Later-stage workflow rows, absent from this fixture: their lookups must resolve; who sees
# them is proven in tests/reviews (test_panels.py, test_decision_and_naming.py).
# The same holds for a studio's later life (tests/studios/test_lifecycle_views.py) and documents
# (tests/documents/test_documents.py) and the yearly assessment (tests/assessments/test_annual.py).
EXPERT_MODELS = [ExpertPanel, Deliberation, Objection, SiteVisit, Assignment, ScoreItem, ApplicationUserObjectPermission,
                 ApplicationGroupObjectPermission, ChangeRequest, Delisting, FormerName, OfficialDocument,
                 AnnualReport, AnnualAssessment, StudioResult, TrainingRecord,
                 Alliance, AllianceMembership, JointProject,  # alliances: tests/studios/test_alliances.py
                 # the cycle assessment: tests/assessments/test_cycle_views.py
                 CycleEvaluationUserObjectPermission, CycleEvaluationGroupObjectPermission,
                 CycleReview, Rectification, Recommendation,
                 BankAccount, SubsidyGrant, Transfer, LedgerEntry]  # subsidies: tests/subsidies/test_access.py


def test_every_project_model_declares_its_scope():
    """A new model cannot escape scoping: it must say how it reaches its union (or that none owns it)."""
    project_apps = {"unions", "studios", "reviews", "assessments", "subsidies", "core", "rules", "documents"}
    models = [m for m in apps.get_models() if m._meta.app_label in project_apps]
    assert set(models) == set(SCOPED_MODELS) | set(UNOWNED_MODELS) | set(EXPERT_MODELS) | set(ADMIN_ONLY_MODELS)
    for model in SCOPED_MODELS:
        assert isinstance(model.scope_union_lookup, str), model
    for model in UNOWNED_MODELS + ADMIN_ONLY_MODELS:
        assert "scope_union_lookup" in vars(model) and model.scope_union_lookup is None, model


@pytest.mark.parametrize("model", EXPERT_MODELS)
def test_expert_workflow_models_have_resolvable_scopes(world, model):
    assert isinstance(model.scope_union_lookup, str)
    assert list(scoped(world["county_user"], model.objects.all())) == []
    assert list(scoped(world["expert"], model.objects.all())) == []


@pytest.mark.parametrize("model", UNOWNED_MODELS)
def test_unowned_data_is_readable_by_every_signed_in_user_only(world, model):
    assert model.objects.exists()
    for key in ("unit_user", "county_user", "city_user", "expert"):
        assert set(scoped(world[key], model.objects.all())) == set(model.objects.all())
    world["expert"].is_active = False
    assert not scoped(world["expert"], model.objects.all()).exists()


@pytest.mark.parametrize("model", SCOPED_MODELS)
def test_municipal_staff_see_every_object(world, model):
    assert set(scoped(world["city_user"], model.objects.all())) == set(model.objects.all())


@pytest.mark.parametrize("model", SCOPED_MODELS)
def test_county_staff_see_exactly_their_subtree(world, model):
    county_path = world["county_a"].path
    visible = set(scoped(world["county_user"], model.objects.all()))
    expected = {o for o in model.objects.all() if _owner_union(o) and _owner_union(o).path.startswith(county_path)}
    assert visible == expected
    assert expected  # the fixture gives every model something in county A
    assert set(model.objects.all()) - expected  # and something outside it to hide


@pytest.mark.parametrize("model", SCOPED_MODELS)
def test_unit_staff_see_only_their_own_union(world, model):
    visible = set(scoped(world["unit_user"], model.objects.all()))
    assert visible
    assert all(_owner_union(o) == world["unit_a"] for o in visible)


@pytest.mark.parametrize("model", SCOPED_MODELS)
def test_experts_and_inactive_users_see_nothing_through_the_tree(world, model):
    assert not scoped(world["expert"], model.objects.all()).exists()
    world["county_user"].is_active = False
    assert not scoped(world["county_user"], model.objects.all()).exists()


def _detail_urls(world, side):
    member = world[f"member_{side}"]
    application = Application.objects.get(unit=world[f"unit_{side}"])
    return [reverse("studios:detail", args=[member.studio.pk]), reverse("unions:detail", args=[world[f"unit_{side}"].pk]),
            reverse("reviews:application_detail", args=[application.pk])]


def test_county_user_gets_404_for_another_countys_objects(world, login):
    client = login(world["county_user"])
    for url in _detail_urls(world, "b") + [reverse("unions:detail", args=[world["county_b"].pk])]:
        assert client.get(url).status_code == 404, url
    for url in _detail_urls(world, "a") + [reverse("unions:detail", args=[world["county_a"].pk])]:
        assert client.get(url).status_code == 200, url


def test_unit_user_gets_404_for_a_sibling_unit_in_the_same_county(world, login):
    client = login(world["unit_user"])
    for url in _detail_urls(world, "a2") + [reverse("unions:detail", args=[world["county_a"].pk])]:
        assert client.get(url).status_code == 404, url
    assert client.get(reverse("studios:detail", args=[world["member_a"].studio.pk])).status_code == 200


def test_municipal_staff_open_every_detail_page(world, login):
    client = login(world["city_user"])
    for side in ("a", "a2", "b"):
        for url in _detail_urls(world, side):
            assert client.get(url).status_code == 200, url


def test_lists_show_only_the_users_part_of_the_tree(world, login):
    client = login(world["county_user"])
    studios = client.get(reverse("studios:list")).context["page"].object_list
    assert {s.unit for s in studios} == {world["unit_a"], world["unit_a2"]}
    unions = client.get(reverse("unions:list")).context["page"].object_list
    assert set(unions) == {world["county_a"], world["unit_a"], world["unit_a2"]}


def test_filtering_by_a_foreign_union_shows_nothing(world, login):
    client = login(world["county_user"])
    response = client.get(reverse("studios:list"), {"within": world["unit_b"].pk})
    assert list(response.context["page"].object_list) == []
    response = client.get(reverse("unions:list"), {"within": world["county_b"].pk})
    assert list(response.context["page"].object_list) == []


def test_anonymous_users_are_sent_to_login(world, client):
    for url in [reverse("dashboard"), reverse("studios:list"), reverse("unions:list")] + _detail_urls(world, "a"):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url
