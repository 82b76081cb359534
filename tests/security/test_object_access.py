"""Object-level access for every route that takes an id (issue 7, point 2), on the demo world.

The rule, for a signed-in user and an object reached by id:
- outside the user's union subtree (unions/scoping.py; an expert has no subtree, only the objects
  assigned to them): 404 for GET and POST, as if the object did not exist, and nothing changes;
- inside it but without the role the action needs: 403, and nothing changes;
- pages that every role in scope may read have no "wrong role" (READ below).
Objects the municipal union owns (a round, a cycle, its documents) have no outsider: every union is
under it, so only the role check applies.

ROUTES maps each URL name with an id to the object it takes and the roles that may act; the
first test fails when a route with an id has no entry here. The admin site is left out: every one
of its views asks for a staff account (tests/security/test_routes.py) and its permissions.
"""
import re
from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone

from assessments.models import AnnualReport, AssessmentCycle, CycleEvaluation, Recommendation, Rectification
from config.urls import PUBLIC_ROUTES
from core.models import Notification
from documents.services import document_request
from reviews.models import Application, ApplicationAttachment, AttachmentKind, Assignment, NamingRound, Objection
from studios.models import Alliance, ChangeRequest, Delisting, Member, Studio
from subsidies.models import LedgerEntry, SubsidyGrant
from tests.security.routes import all_routes, row_counts
from unions.models import Role, User
from unions.scoping import scoped

READ = frozenset()  # a page every user in scope may open
UNIT, COUNTY, CITY, EXPERT = Role.UNIT_STAFF, Role.RECOMMENDING_STAFF, Role.MUNICIPAL_STAFF, Role.EXPERT
# The demo accounts who try: two unit unions and two county unions in different areas, and an expert.
TRYING = ("unit", "unit2", "county", "county2", "expert")


@dataclass(frozen=True)
class Case:
    target: str  # which object of the world the route takes
    roles: frozenset = READ  # roles that may act; READ: a page anyone in scope reads
    kwargs: dict = field(default_factory=dict)  # other arguments (an action's slug, a year)


def case(target, *roles, **kwargs):
    return Case(target, frozenset(roles), kwargs)


ROUTES = {
    "inbox_open": case("notification"),
    "assessments:annual_report_up": case("this_year", COUNTY),
    "assessments:annual_studio": case("annual_studio"),
    "assessments:cycle_detail": case("cycle"),
    "assessments:cycle_recommend": case("cycle", COUNTY),
    "assessments:cycle_advance": case("cycle", CITY),
    "assessments:cycle_decision": case("cycle", CITY),
    "assessments:cycle_evaluation": case("evaluation"),
    "assessments:rectification_detail": case("rectification"),
    "assessments:rectification_file": case("rectification"),
    "assessments:recommendation_advance": case("recommendation", CITY, action="submit"),
    "documents:round_documents": case("concluded_round", CITY),
    "documents:round_documents_status": case("concluded_round", CITY),
    "documents:produce": case("concluded_round", CITY, kind="decision"),
    "documents:download": case("document", CITY),
    "reviews:round_detail": case("round"),
    "reviews:round_advance": case("round", CITY),
    "reviews:round_deadlines": case("round", CITY),
    "reviews:round_export": case("round", CITY, COUNTY),
    "reviews:application_new": case("round", UNIT),
    "reviews:panel": case("round", CITY),
    "reviews:panel_save": case("round", CITY),
    "reviews:panel_auto_assign": case("round", CITY),
    "reviews:panel_assign": case("round", CITY),
    "reviews:decision": case("round", CITY),
    "reviews:objections": case("concluded_round", CITY),
    "reviews:publicity_approve": case("round", CITY),
    "reviews:naming": case("round", CITY),
    "reviews:objection_handle": case("objection", CITY),
    "reviews:assignment_detail": case("assignment", EXPERT),
    "reviews:assignment_score": case("assignment", EXPERT),
    "reviews:assignment_recuse": case("assignment", EXPERT),
    "reviews:application_detail": case("application"),
    "reviews:application_edit": case("application", UNIT),
    "reviews:attachment_upload": case("application", UNIT),
    "reviews:site_visit": case("application", CITY),
    "reviews:application_action": case("application", COUNTY, action="recommend"),
    "reviews:attachment_download": case("attachment"),
    "reviews:attachment_delete": case("attachment", UNIT),
    "studios:detail": case("studio"),
    "studios:record": case("studio"),
    "studios:change_new": case("studio", UNIT),
    "studios:delist": case("studio", CITY),
    "studios:record_add": case("studio", UNIT, what="member"),
    "studios:record_remove": case("member", UNIT, what="member"),
    "studios:change_evidence": case("change"),
    "studios:change_action": case("change", CITY, action="approve"),
    "studios:delisting_evidence": case("delisting"),
    "studios:leader_identity": case("studio", UNIT, CITY),
    "subsidies:detail": case("grant"),
    "subsidies:ledger": case("grant"),
    "subsidies:ledger_export": case("grant"),
    "subsidies:entry_reverse": case("entry", UNIT, COUNTY, CITY),
    "subsidies:receipt": case("entry"),
    "subsidies:account": case("unit_union"),
    "alliances:detail": case("alliance"),
    "alliances:edit": case("alliance", CITY),
    "alliances:member_add": case("alliance", CITY),
    "alliances:member_remove": case("alliance_member", CITY),
    "alliances:project_add": case("alliance", CITY),
    "unions:detail": case("unit_union"),
}


def _unit_owned(model, **filters):
    """An object of `unit`'s union (揭阳市金叶机械, 榕城区) that 普宁's accounts cannot see."""
    unit = User.objects.get(username="unit")
    return scoped(unit, model.objects.filter(**filters)).order_by("pk").first()


def _not_assigned_to_expert():
    """The expert reads an application only through an assignment; this one has none of theirs."""
    return _unit_owned(Application, pk__in=Application.objects.exclude(assignments__expert__username="expert"))


def _world():
    """(object, its route arguments) for each target, from the demo data."""
    unit = User.objects.get(username="unit")
    studio = _unit_owned(Studio, status="active")
    cycle = AssessmentCycle.objects.order_by("-pk").first()
    member = Member.objects.filter(studio=studio).first()
    grant = _unit_owned(SubsidyGrant)
    entry = _unit_owned(LedgerEntry, receipt__gt="")
    # the demo has no attachment; its round is past the phase where the service takes one
    attachment = ApplicationAttachment(application=_not_assigned_to_expert(), kind=AttachmentKind.HONOUR,
                                       original_name="证书.pdf", size=15, content_type="application/pdf",
                                       uploaded_by=unit)
    attachment.file.save("证书.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    # an alliance none of 普宁's studios is in, so county2 is outside it
    alliance = Alliance.objects.exclude(memberships__studio__unit__path__startswith=User.objects.get(
        username="county2").union.path).first() or Alliance.objects.first()
    delisting = Delisting.objects.order_by("pk").first()
    concluded = NamingRound.objects.get(phase="concluded")
    running = NamingRound.objects.latest("year")
    document = document_request(User.objects.get(username="city"), concluded, "decision")
    assignment = Assignment.objects.filter(expert__username="expert2").first()
    return {
        "notification": (None, {"pk": Notification.objects.filter(recipient=unit).first().pk}),
        "this_year": (None, {"year": timezone.localdate().year}),
        "annual_studio": (studio, {"studio_pk": studio.pk, "year": AnnualReport.objects.filter(
            studio=studio).latest("year").year}),
        "cycle": (cycle, {"pk": cycle.pk}),
        "evaluation": (_unit_owned(CycleEvaluation, cycle=cycle),
                       {"cycle_pk": cycle.pk, "pk": _unit_owned(CycleEvaluation, cycle=cycle).pk}),
        "rectification": (_unit_owned(Rectification), {"pk": _unit_owned(Rectification).pk}),
        "recommendation": (Recommendation.objects.first(), {"pk": Recommendation.objects.first().pk}),
        "concluded_round": (None, {"round_pk": concluded.pk}),
        "document": (None, {"pk": document.pk}),
        "round": (None, {"pk": running.pk, "round_pk": running.pk}),
        "objection": (Objection.objects.first(), {"pk": Objection.objects.first().pk}),
        "assignment": (assignment, {"pk": assignment.pk}),
        "application": (_not_assigned_to_expert(), {"pk": _not_assigned_to_expert().pk}),
        "attachment": (attachment, {"pk": attachment.pk}),
        "studio": (studio, {"pk": studio.pk}),
        "member": (member, {"pk": studio.pk, "record_pk": member.pk}),
        "change": (_unit_owned(ChangeRequest), {"pk": _unit_owned(ChangeRequest).pk}),
        "delisting": (delisting, {"pk": delisting.pk}),
        "grant": (grant, {"pk": grant.pk}),
        "entry": (entry, {"pk": entry.pk}),
        "unit_union": (unit.union, {"union_pk": unit.union.pk, "pk": unit.union.pk}),
        "alliance": (alliance, {"pk": alliance.pk}),
        "alliance_member": (alliance, {"pk": alliance.pk, "studio_pk": alliance.memberships.first().studio.pk}),
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The demo data, made once for the module inside a transaction rolled back at its end."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            call_command("seed_demo", verbosity=0)
            yield _world()
            transaction.set_rollback(True)


ID_ROUTES = [r for r in all_routes()
             if "<int:" in r.route and r.name not in PUBLIC_ROUTES and not r.route.startswith("admin/")]


def test_every_route_with_an_id_is_mapped():
    assert sorted(r.name for r in ID_ROUTES if r.name not in ROUTES) == []
    assert sorted(set(ROUTES) - {r.name for r in ID_ROUTES}) == []


def _sees(user, obj, target):
    if target == "notification":
        return user.username == "unit"
    if target == "assignment":  # an expert's own task
        return obj.expert_id == user.pk
    if obj is None:  # the municipal union's, so above every union
        return True
    return scoped(user, type(obj).objects.filter(pk=obj.pk)).exists()


def _request(client, method, url, obj):
    # the state the user saw, so that an action is refused for who acts rather than for a stale page
    state = getattr(obj, "status", getattr(obj, "phase", ""))
    return client.get(url) if method == "get" else client.post(url, {"from_status": state, "comment": "x"})


@pytest.mark.parametrize("route", ID_ROUTES, ids=lambda r: r.name)
def test_outsiders_get_404_and_the_wrong_role_403(route, world, db):
    spec = ROUTES[route.name]
    obj, arguments = world[spec.target]
    # Every captured argument comes from the world: a sample id could hit nothing and pass as a 404.
    assert set(re.findall(r"<(?:\w+:)?(\w+)>", route.route)) <= {*arguments, *spec.kwargs}, route.route
    url = route.url(**{**arguments, **spec.kwargs})
    failures = []
    for username in TRYING:
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        if not _sees(user, obj, spec.target):
            expected = 404
        elif spec.roles and user.role not in spec.roles:
            expected = 403
        else:
            continue
        for method in ("get", "post"):
            before = row_counts()
            status = _request(client, method, url, obj).status_code
            if row_counts() != before:
                failures.append(f"{username} {method.upper()} changed rows")
            if status != expected and not (method == "get" and status == 405):
                failures.append(f"{username} {method.upper()} {url}: {status}, expected {expected}")
    assert failures == []
