"""The load test's world (loadtest/prepare.py) and its users' way of filling forms (loadtest/filling.py, parsed by
loadtest/browser.py), on a tiny world: what the locust users expect of the pages must hold in the suite too, so a
renamed field or a changed rule breaks a test here before it breaks `make loadtest`."""
import argparse

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from loadtest import prepare
from loadtest.browser import parse, totp_code
from loadtest.filling import first_draft, scores
from reviews.models import Application, ApplicationStatus, Assignment, AssignmentStatus, NamingRound, RoundPhase

pytestmark = pytest.mark.django_db

TINY = argparse.Namespace(plan={"units": 2, "counties": 2, "experts": 3, "city": 1, "public": 1}, units=4, counties=2,
                          experts=3, city=1, submitted_per_unit=2, tasks_per_expert=1, studios_per_unit=1, seed=7)


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return prepare.build(TINY)


def _client(world, username):
    client = Client()
    page = parse(client.get("/accounts/login/").content.decode())
    form = next(f for f in page.forms if f.field("username"))
    response = client.post("/accounts/login/", dict(form.data({"username": username, "password": world["password"]})))
    assert response.status_code == 302
    return client


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return parse(response.content.decode(), url)


def _post(client, page, form, overrides=None, files=None):
    data = {}
    for name, value in form.data(overrides):
        data.setdefault(name, []).append(value)
    response = client.post(form.action or page.url, {**data, **(files or {})})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def test_the_world_holds_each_round_in_the_phase_its_users_work_in(world):
    phases = {key: NamingRound.objects.get(pk=r["id"]).phase for key, r in world["rounds"].items()}
    assert phases == {"application": RoundPhase.APPLICATION, "preliminary": RoundPhase.PRELIMINARY,
                      "expert_review": RoundPhase.EXPERT_REVIEW}
    assert len(world["units"]) == 4 and len(world["counties"]) == 2 and len(world["experts"]) == 3
    waiting = [a for u in world["units"] for a in u["applications"]]
    assert len(waiting) == 4 * 2
    for application in Application.objects.filter(pk__in=waiting):
        assert application.status == ApplicationStatus.SUBMITTED
        assert application.attachments.count() == 1
        assert application.naming_round_id == world["rounds"]["preliminary"]["id"]
    tasks = Assignment.objects.filter(status=AssignmentStatus.ASSIGNED)
    assert {str(a.pk): a.application_id for a in tasks} == world["assignments"]
    assert {a.application.status for a in tasks} == {ApplicationStatus.UNDER_REVIEW}
    assert world["recipients"] == {"unit_staff": 1, "county_staff": 1, "municipal_staff": 1}
    assert world["criteria"] == NamingRound.objects.get(pk=world["rounds"]["expert_review"]["id"]).rule_set.criteria.count()


def test_the_second_factor_accepts_the_code_computed_from_the_manifest(world):
    for account in world["experts"] + world["city"]:
        device = TOTPDevice.objects.get(user__username=account["username"])
        assert totp_code(account["totp_key"]) == f"{totp(device.bin_key):06d}"
        assert device.verify_token(totp_code(account["totp_key"]))


def test_a_unit_creates_fills_attaches_and_submits_through_the_pages_as_the_load_test_does(world):
    client = _client(world, world["units"][0]["username"])
    round_url = f"/reviews/rounds/{world['rounds']['application']['id']}/"
    page = _page(client, round_url)
    edit_url = _post(client, page, page.form(r"/apply/$"))
    edit = _page(client, edit_url)
    assert edit.messages_of("success")
    form = next(f for f in edit.forms if f.field("leader_name"))
    detail_url = _post(client, edit, form, first_draft(form, world["rounds"]["application"]["year"]))
    detail = _page(client, detail_url)
    assert detail.messages_of("success") and not detail.messages_of("error")
    upload = detail.form(r"/attachments/$")
    _post(client, detail, upload, {"kind": upload.choices("kind")[0]},
          files={"file": SimpleUploadedFile("证书.pdf", prepare.PDF_BYTES, "application/pdf")})
    detail = _page(client, detail_url)
    assert detail.links_matching(r"^/reviews/attachments/\d+/$")
    _post(client, detail, detail.form(r"/submit/$"))
    assert _page(client, detail_url).messages_of("success")
    application = Application.objects.get(pk=int(detail_url.rstrip("/").rsplit("/", 1)[1]))
    assert application.status == ApplicationStatus.SUBMITTED


def test_an_expert_scores_through_the_page_with_the_points_the_load_test_gives(world):
    client = _client(world, world["experts"][0]["username"])
    tasks = _page(client, "/reviews/assignments/")
    href = tasks.links_matching(r"^/reviews/assignments/\d+/$")[0]
    page = _page(client, href)
    form = page.form(r"/score/$")
    location = _post(client, page, form, scores(form))
    assert _page(client, location).messages_of("success")
    assert Assignment.objects.get(pk=int(href.strip("/").rsplit("/", 1)[1])).status == AssignmentStatus.SCORED


def test_a_county_finds_the_submitted_applications_and_their_actions(world):
    county = world["counties"][0]
    client = _client(world, county["username"])
    listing = _page(client, f"/reviews/applications/?round={world['rounds']['preliminary']['id']}&status=submitted")
    links = listing.links_matching(r"^/reviews/applications/\d+/$")
    assert links
    page = _page(client, links[0])
    assert page.form(r"/recommend/$") is not None
    assert page.form(r"/return/$").field("comment") is not None
