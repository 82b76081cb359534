"""The query budget (issue 8, point 3): every GET page costs at most BUDGET queries, and as many with many rows.

The world is the demo data (every kind of object in every state the pages show, brought there through the
services), built once for the module. Each page is opened for real objects of it, as every demo account and as
an anonymous visitor; each answer 200 is one visit whose queries are counted. Then `grow` adds many rows of
everything the pages list (studios, members, applications, assignments, notifications, audit entries,
transition logs) under the same owners, and each visit must cost exactly as many queries again.
A route that is not visited is named in NOT_VISITED with its reason, so a new GET page cannot escape.
"""
import itertools

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import AssessmentCycle, CycleEvaluation, Rectification
from audit import trail
from audit.models import Action
from core.models import Notification, TransitionLog
from documents.models import OfficialDocument
from reviews.models import Application, Assignment, NamingRound, RoundPhase
from studios.models import TITLED_STATES, Alliance, Member, Studio
from subsidies.models import SubsidyGrant
from tests import factories
from tests.security.routes import all_routes
from unions.models import Union, User

pytestmark = pytest.mark.django_db

BUDGET = 12
ROLES = ["unit", "unit2", "county", "county2", "city", "finance", "admin", "expert", "expert2", None]


def _first(queryset):
    obj = queryset.order_by("pk").first()
    assert obj is not None, queryset.model
    return obj


def _current_round():
    return _first(NamingRound.objects.filter(phase=RoundPhase.EXPERT_REVIEW))


def _unit_studio():
    return _first(Studio.objects.filter(unit__name="揭阳市金叶机械制造有限公司工会", status__in=TITLED_STATES))


# The arguments of each page with captured arguments: real objects of the demo world.
ARGUMENTS = {
    "public:studio": lambda: {"pk": _first(Studio.objects.filter(status__in=TITLED_STATES)).pk},
    "public:alliance_detail": lambda: {"pk": _first(Alliance.objects).pk},
    "assessments:annual_studio": lambda: {"studio_pk": _unit_studio().pk, "year": timezone.localdate().year - 1},
    "assessments:cycle_detail": lambda: {"pk": _first(AssessmentCycle.objects).pk},
    "assessments:cycle_evaluation": lambda: (lambda e: {"cycle_pk": e.cycle_id, "pk": e.pk})(
        _first(CycleEvaluation.objects.filter(studio=_unit_studio()))),
    "assessments:rectification_detail": lambda: {"pk": _first(Rectification.objects).pk},
    "documents:round_documents": lambda: {"round_pk": _first(OfficialDocument.objects).naming_round_id},
    "documents:round_documents_status": lambda: {"round_pk": _first(OfficialDocument.objects).naming_round_id},
    "reviews:round_detail": lambda: {"pk": _current_round().pk},
    "reviews:round_deadlines": lambda: {"pk": _current_round().pk},
    "reviews:application_new": lambda: {"round_pk": _current_round().pk},
    "reviews:panel": lambda: {"round_pk": _current_round().pk},
    "reviews:decision": lambda: {"round_pk": _current_round().pk},
    "reviews:objections": lambda: {"round_pk": _first(NamingRound.objects.filter(phase=RoundPhase.CONCLUDED)).pk},
    "reviews:naming": lambda: {"round_pk": _first(NamingRound.objects.filter(phase=RoundPhase.CONCLUDED)).pk},
    "reviews:assignment_detail": lambda: {"pk": _first(Assignment.objects.filter(
        expert__username="expert", status="assigned", application__naming_round=_current_round())).pk},
    "reviews:application_detail": lambda: {"pk": _first(Application.objects.filter(
        naming_round=_current_round(), assignments__isnull=False).distinct()).pk},
    "studios:detail": lambda: {"pk": _unit_studio().pk},
    "studios:record": lambda: {"pk": _unit_studio().pk},
    "studios:change_new": lambda: {"pk": _first(Studio.objects.filter(
        unit__name="揭阳市金叶机械制造有限公司工会", status="active").exclude(
        changes__status__in=["submitted", "recommended"])).pk},
    "studios:delist": lambda: {"pk": _unit_studio().pk},
    "studios:leader_identity": lambda: {"pk": _unit_studio().pk},
    "subsidies:detail": lambda: {"pk": _first(SubsidyGrant.objects.filter(entries__isnull=False).distinct()).pk},
    "subsidies:ledger": lambda: {"pk": _first(SubsidyGrant.objects.filter(entries__isnull=False).distinct()).pk},
    "subsidies:account": lambda: {"union_pk": _first(SubsidyGrant.objects).studio.unit_id},
    "alliances:detail": lambda: {"pk": _first(Alliance.objects).pk},
    "alliances:edit": lambda: {"pk": _first(Alliance.objects).pk},
    "alliances:member_add": lambda: {"pk": _first(Alliance.objects).pk},
    "alliances:project_add": lambda: {"pk": _first(Alliance.objects).pk},
    "unions:detail": lambda: {"pk": _first(Union.objects.filter(name="榕城区总工会")).pk},
}

# Routes this test does not open, each with its reason.
NOT_VISITED = {
    **{name: "POST only: an action, not a page (test_post_only_routes_refuse_a_get checks it)" for name in [
        "inbox_open", "inbox_read_all", "assessments:annual_report_up", "assessments:cycle_recommend",
        "assessments:cycle_advance", "assessments:recommendation_advance", "documents:produce",
        "reviews:round_advance", "reviews:panel_save", "reviews:panel_auto_assign", "reviews:panel_assign",
        "reviews:publicity_approve", "reviews:objection_handle", "reviews:assignment_recuse",
        "reviews:attachment_upload", "reviews:site_visit", "reviews:attachment_delete", "reviews:application_action",
        "studios:record_add", "studios:record_remove", "studios:change_action", "subsidies:entry_reverse",
        "alliances:member_remove", "reviews:application_new",
        "reviews:assignment_score",
    ]},
    # Forms of a phase or state the demo world is not in; the tests of their apps render them.
    "assessments:cycle_decision": "only during a cycle's collective decision (tests/assessments/test_cycle.py)",
    "public:publicity_detail": "only a round in publicity (tests/reviews/test_decision_and_naming.py)",
    "reviews:application_edit": "only a draft while its round takes applications (tests/reviews/test_application_views.py)",
    "assessments:recommendation_create": "a GET only redirects to the recommendation list, whose form posts here",
    "otp_verify": "only while a second factor is pending (tests/accounts)",
    **{name: "a file download (xlsx/PDF/upload): streams rows with .iterator(), "
             "tests/core/test_exports.py counts its queries" for name in [
        "statistics_export", "assessments:annual_export", "assessments:rectification_file", "documents:download",
        "reviews:round_export", "reviews:attachment_download", "studios:export", "studios:import_template",
        "studios:change_evidence", "studios:delisting_evidence", "subsidies:ledger_export", "subsidies:receipt",
        "audit:export",
    ]},
    "healthz": "monitoring: pings the database and the broker, renders no page",
    "logout": "POST only since Django 5 (ends the session)",
    "set_language": "POST only: sets the language cookie",
}


def _routes():
    """The project's routes; the Django admin's are Django's own (tests/unions/test_admin.py counts the queries
    of each of its change lists)."""
    return {r.name: r for r in all_routes() if not r.route.startswith("admin/")}


def _visited_names():
    return set(_routes()) - set(NOT_VISITED)


def grow():
    """Many more rows of everything listed, under the owners the demo accounts look at."""
    unit_union = Union.objects.get(name="揭阳市金叶机械制造有限公司工会")
    for i in range(25):
        studio = factories.StudioFactory(unit=unit_union, named_year=2019 + i % 5)
        factories.MemberFactory.create_batch(3, studio=studio)
    Member.objects.bulk_create(Member(studio=_unit_studio(), name=f"组员{i}", role="技术骨干")
                               for i in range(25))
    users = list(User.objects.all())
    Notification.objects.bulk_create(Notification(recipient=u, title=f"消息{i}", body="正文")
                                     for u, i in itertools.product(users, range(25)))
    for i in range(50):
        trail.record(Action.EXPORT, object_repr=f"对象{i}", username="city")
    studio = _unit_studio()
    TransitionLog.objects.bulk_create(
        TransitionLog(content_type=ContentType.objects.get_for_model(Studio), object_id=studio.pk,
                      union=studio.unit, transition="note", label="备注", source="active", target="active",
                      comment=f"备注{i}") for i in range(25))


def _client(username):
    client = Client()
    if username:
        client.force_login(User.objects.get(username=username))
    return client


def _visits():
    """(route name, address, username) for every page and every account that gets it (200)."""
    routes = _routes()
    visits = []
    for name in sorted(_visited_names()):
        url = routes[name].url(**(ARGUMENTS[name]() if name in ARGUMENTS else {}))
        for username in ROLES:
            if _client(username).get(url).status_code == 200:
                visits.append((name, url, username))
    return visits


def _queries(url, username):
    client = _client(username)
    client.get(url)  # a first request may write the session
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The demo world, built once for the module inside a transaction rolled back at its end.

    The dashboard keeps its whole-scope counts in the cache as in production (core/scoped_cache.py): each
    visit is counted after a first request, so on a warm cache."""
    settings = {"SESSION_IDLE_SECONDS": 24 * 3600, "OTP_REQUIRED_ROLES": [], "DASHBOARD_CACHE_SECONDS": 300}
    with django_db_blocker.unblock(), override_settings(**settings):
        with transaction.atomic():
            call_command("seed_demo", verbosity=0)
            yield
            transaction.set_rollback(True)


def test_every_get_page_stays_within_the_budget_and_does_not_grow_with_rows(world):
    visits = _visits()
    unopened = sorted(_visited_names() - {name for name, _url, _user in visits})
    assert not unopened, f"no account could open {unopened}"
    before = {(name, user): _queries(url, user) for name, url, user in visits}
    with transaction.atomic():
        grow()
        after = {(name, user): _queries(url, user) for name, url, user in visits}
        transaction.set_rollback(True)
    over = {key: n for key, n in before.items() if n > BUDGET}
    grew = {key: (before[key], after[key]) for key in before if before[key] != after[key]}
    assert not over, f"over the budget of {BUDGET}: {over}"
    assert not grew, f"more queries with more rows: {grew}"


def test_post_only_routes_refuse_a_get(world):
    routes = _routes()
    client = _client("city")
    for name, reason in NOT_VISITED.items():
        if reason.startswith("POST only: an action"):
            assert client.get(routes[name].url()).status_code == 405, name


def test_not_visited_names_only_routes_that_exist():
    assert sorted(set(NOT_VISITED) - set(_routes())) == []


# The list pages, each read as an account that sees everything in it: the SQL of their first and second pages
# must neither skip rows with OFFSET nor COUNT a whole table (issue 8, point 3).
LISTS = [("studios:list", "city"), ("reviews:application_list", "city"), ("unions:list", "city"),
         ("audit:list", "admin"), ("inbox", "unit"), ("reviews:round_list", "city"), ("subsidies:list", "city"),
         ("studios:change_list", "city"), ("assessments:rectification_list", "city"),
         ("assessments:recommendation_list", "city"), ("assessments:cycle_detail", "city"),
         ("assessments:cycle_reviews", "expert"), ("reviews:assignment_list", "expert"), ("alliances:list", "city"),
         ("public:registry", None), ("public:alliance_list", None)]


def _sql_of(client, url, params=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200, url
    return response, [q["sql"].upper() for q in captured]


@pytest.mark.parametrize(("name", "username"), LISTS)
def test_list_pages_neither_offset_nor_count_a_whole_table(world, settings, name, username):
    settings.PAGE_SIZE = 2  # so that every list has a second page
    url = _routes()[name].url(**(ARGUMENTS[name]() if name in ARGUMENTS else {}))
    client = _client(username)
    first, statements = _sql_of(client, url)
    page = first.context["page"] if "page" in first.context else None
    if page is not None and page.has_next:
        statements += _sql_of(client, url, {"cursor": page.next_cursor})[1]
    for sql in statements:
        assert " OFFSET " not in sql, sql
        # A count is bounded by a LIMIT (a capped count, a page's per-row subquery), or is a grouped count of
        # one filtered part (one cycle's progress per union), never a count of a whole table.
        assert "COUNT(" not in sql or " LIMIT " in sql or (" WHERE " in sql and " GROUP BY " in sql), sql
