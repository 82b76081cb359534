"""Personal data (issue 7, point 7; 个人信息保护法): 身份证号 and telephone numbers are encrypted at rest, shown in full
only to the roles that need them and masked to everyone else — on every page, export, PDF, in the admin, the
history and the audit trail —, never in a URL, a log record or an audit entry, and the pages showing them are
not cached. On the demo world: every workflow in every state, with made-up but valid numbers."""
import gzip
import io
import logging
import re
import tarfile
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import openpyxl
import pdfplumber
import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from audit.models import AuditEntry
from core.backup import backup_write
from core.http_headers import NO_STORE_ROUTES
from core.models import Notification, TransitionLog
from core.personal_data import mask_id_number, mask_mobile
from core.personal_fields import encrypted_fields
from documents import production
from documents.models import DocumentKind
from reviews.models import Application, Assignment, NamingRound
from studios.leaders import leader_identity_update
from studios.models import ChangeRequest, ChangeStatus, Studio
from unions.models import User

# A full identity number, or one masked as 4452**********1234; a mobile in full or as 138****1234.
FULL_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dX](?![0-9A-Za-z])")
MASKED_ID = re.compile(r"\d{4}\*{10}[\dX]{4}")
MASKED_MOBILE = re.compile(r"1[3-9]\d\*{4}\d{4}|0\d{2,3}-\*{3,4}\d{4}")  # and a masked landline
ROLES = ["unit", "county", "city", "expert", "admin", "unit2"]
PAGES_PER_ROLE = 120
PAGES_PER_ROUTE = 3


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo data, made once for the module inside a transaction rolled back at its end."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            call_command("seed_demo", verbosity=0)
            yield
            transaction.set_rollback(True)


@pytest.fixture
def demo(world, db):
    """Each test in its own savepoint over the module's demo data."""
    return world


def plaintexts():
    """Every personal number the database holds, read through the ORM (so decrypted)."""
    values = set()
    for model in apps.get_models():
        names = [f.name for f in encrypted_fields(model)]
        if names:
            for row in model._base_manager.values_list(*names):
                values.update(v for v in row if v)
    return values


def _numbers(values):
    """The identity and mobile numbers among `values` (a union's landline is not looked for in page text)."""
    return {v for v in values if FULL_ID.fullmatch(v) or re.fullmatch(r"1[3-9]\d{9}", v)}


def _client(username):
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def _unit_studio():
    return Studio.objects.select_related("leader").get(name="陈伟劳模和工匠人才创新工作室")


# Encryption at rest -----------------------------------------------------------------------------------------

def _raw_database_text():
    """Everything stored, as the database itself gives it: SQLite's dump, or every row of every table."""
    if connection.vendor == "sqlite":
        return "\n".join(connection.connection.iterdump())
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def test_the_demo_holds_personal_numbers_of_every_kind(demo):
    values = plaintexts()
    assert any(FULL_ID.fullmatch(v) and v.startswith("4452") for v in values)  # Jieyang
    assert any(re.fullmatch(r"1[3-9]\d{9}", v) for v in values)
    assert any(v.startswith("0663-") for v in values)  # the unions' landlines
    for model, field in [("studios.Leader", "id_number"), ("studios.Leader", "mobile"), ("studios.Member", "mobile"),
                         ("reviews.Application", "leader_id_number"), ("reviews.ApplicationMember", "mobile"),
                         ("studios.ChangeRequest", "new_leader_id_number"), ("unions.User", "phone"),
                         ("unions.Union", "contact_phone"), ("reviews.Objection", "contact")]:
        assert apps.get_model(model)._base_manager.exclude(**{field: ""}).exists(), (model, field)


def test_a_raw_database_dump_holds_no_plaintext_number(demo):
    raw = _raw_database_text()
    values = plaintexts()
    assert values and "gAAAAA" in raw
    leaked = sorted(v for v in values if v in raw)
    assert leaked == []


def test_the_backup_archive_holds_no_plaintext_number(demo, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    backup_write(archive)
    values = {v.encode() for v in plaintexts()}
    with tarfile.open(archive, "r:gz") as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar if m.isfile()}
    assert b"gAAAAA" in members["database.jsonl"]
    leaked = sorted((name, v.decode()) for name, data in members.items() for v in values if v in data)
    assert leaked == []
    assert gzip.compress(b"") and archive.stat().st_size > 0


# Who sees what ---------------------------------------------------------------------------------------------

def _page(username, url):
    response = _client(username).get(url)
    assert response.status_code == 200, (username, url, response.status_code)
    return response


def test_the_studio_page_shows_the_leader_in_full_to_its_unit_and_the_city_only(demo):
    studio = _unit_studio()
    leader = studio.leader
    member = studio.members.exclude(mobile="").first()
    url = reverse("studios:detail", args=[studio.pk])
    for username in ("unit", "city"):
        page = _page(username, url).content.decode()
        assert leader.id_number in page and leader.mobile in page and member.mobile in page, username
    for username in ("county", "admin"):
        page = _page(username, url).content.decode()
        assert leader.id_number not in page and leader.mobile not in page and member.mobile not in page, username
        assert mask_id_number(leader.id_number) in page and mask_mobile(leader.mobile) in page
        assert "4452**********" + leader.id_number[-4:] == mask_id_number(leader.id_number)


def test_a_waiting_leader_change_shows_the_new_leader_masked_to_the_reviewing_county(demo):
    change = ChangeRequest.objects.exclude(new_leader_id_number="").get(status=ChangeStatus.SUBMITTED)
    url = reverse("studios:detail", args=[change.studio_id])
    unit = _page("unit", url).content.decode()
    county = _page("county", url).content.decode()
    assert change.new_leader_id_number in unit and change.new_leader_mobile in unit
    assert change.new_leader_id_number not in county and mask_id_number(change.new_leader_id_number) in county


def test_the_application_shows_the_leader_in_full_to_its_unit_and_the_city_masked_to_county_and_expert(demo):
    assignment = Assignment.objects.select_related("application", "expert").exclude(
        application__leader_id_number="").filter(status="assigned").first()
    application = assignment.application
    url = reverse("reviews:application_detail", args=[application.pk])
    unit = application.unit.users.filter(role="unit_staff").first()
    for username in (unit.username, "city"):
        page = _page(username, url).content.decode()
        assert application.leader_id_number in page and application.leader_mobile in page
    county = application.unit.recommending_union.users.first()
    page = _page(county.username, url).content.decode()
    assert application.leader_id_number not in page and mask_id_number(application.leader_id_number) in page
    expert_page = _page(assignment.expert.username, reverse("reviews:assignment_detail", args=[assignment.pk]))
    page = expert_page.content.decode()
    assert application.leader_id_number not in page and mask_id_number(application.leader_id_number) in page
    assert "no-store" in expert_page["Cache-Control"]


def test_the_union_contact_is_in_full_for_the_unions_above_and_masked_for_the_administrator(demo):
    union = User.objects.get(username="unit").union
    url = reverse("unions:detail", args=[union.pk])
    for username in ("unit", "county", "city"):
        assert union.contact_phone in _page(username, url).content.decode(), username
    page = _page("admin", url).content.decode()
    assert union.contact_phone not in page and "0663-***" in page


def _sheet(response):
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = workbook.worksheets[0].iter_rows(values_only=True)
    return [[str(c) if c is not None else "" for c in row] for row in rows]


def test_the_studio_export_masks_the_numbers_for_roles_without_the_need(demo):
    leader = _unit_studio().leader
    for username, full in (("city", True), ("unit", True), ("county", False)):
        response = _client(username).get(reverse("studios:export"))
        assert response.status_code == 200 and "no-store" in response["Cache-Control"]
        rows = _sheet(response)
        assert {"领衔人身份证号", "领衔人手机号"} <= set(rows[0])
        row = next(r for r in rows if r[0] == "陈伟劳模和工匠人才创新工作室")
        expected = {leader.id_number, leader.mobile} if full else {mask_id_number(leader.id_number),
                                                                    mask_mobile(leader.mobile)}
        assert expected <= set(row), username
        text = repr(rows)
        if not full:
            assert not _numbers(plaintexts()) & {c for r in rows for c in r}
            assert leader.id_number not in text


def test_the_round_export_gives_municipal_staff_the_numbers_they_check(demo):
    naming_round = NamingRound.objects.latest("year")
    application = Application.objects.filter(naming_round=naming_round).exclude(leader_id_number="").first()
    rows = _sheet(_client("city").get(reverse("reviews:round_export", args=[naming_round.pk])))
    row = next(r for r in rows if r[2] == application.leader_name)
    assert application.leader_id_number in row and application.leader_mobile in row


def test_the_public_pages_show_nothing_of_the_numbers(demo):
    studio = _unit_studio()
    client = Client()
    pages = [reverse("public:registry"), reverse("public:studio", args=[studio.pk]),
             reverse("public:publicity_index"), reverse("public:alliance_list")]
    numbers = _numbers(plaintexts())
    for url in pages:
        page = client.get(url).content.decode()
        assert not [n for n in numbers if n in page], url
        assert not MASKED_ID.search(page) and not MASKED_MOBILE.search(page), url


def test_the_official_documents_carry_no_number(demo):
    """The naming decision, the public notice and the certificates are published: not even masked numbers."""
    concluded = NamingRound.objects.get(phase="concluded")
    numbers = _numbers(plaintexts())
    for kind in (DocumentKind.DECISION, DocumentKind.NOTICE, DocumentKind.CERTIFICATES):
        pdf, _pages = production.pdf_for(kind, concluded)
        with pdfplumber.open(io.BytesIO(pdf)) as document:
            text = "".join(page.extract_text() or "" for page in document.pages).replace(" ", "")
        assert text and not [n for n in numbers if n in text], kind
        assert not MASKED_ID.search(text) and not MASKED_MOBILE.search(text), kind


def test_the_admin_shows_every_number_masked_and_never_in_a_form(demo):
    studio = _unit_studio()
    application = Application.objects.exclude(leader_id_number="").first()
    account = User.objects.get(username="unit")
    change = ChangeRequest.objects.exclude(new_leader_id_number="").first()
    pages = [
        reverse("admin:studios_leader_change", args=[studio.leader_id]),
        reverse("admin:studios_studio_change", args=[studio.pk]),  # the members inline
        reverse("admin:studios_member_change", args=[studio.members.exclude(mobile="").first().pk]),
        reverse("admin:studios_changerequest_change", args=[change.pk]),
        reverse("admin:reviews_application_change", args=[application.pk]),
        reverse("admin:unions_user_change", args=[account.pk]),
        reverse("admin:unions_union_change", args=[account.union_id]),
        reverse("admin:reviews_objection_changelist"),
    ]
    numbers = plaintexts()
    admin = _client("admin")
    for url in pages:
        response = admin.get(url)
        page = response.content.decode()
        assert response.status_code == 200 and "no-store" in response["Cache-Control"], url
        assert not [n for n in numbers if n in page], url
    page = admin.get(reverse("admin:studios_leader_change", args=[studio.leader_id])).content.decode()
    assert mask_id_number(studio.leader.id_number) in page and 'name="id_number"' not in page
    page = admin.get(reverse("admin:unions_user_change", args=[account.pk])).content.decode()
    assert mask_mobile(account.phone) in page and 'name="phone"' in page  # an empty input to replace it


def test_the_administrator_replaces_a_phone_without_reading_it_and_an_empty_field_keeps_it(demo):
    account = User.objects.get(username="unit2")
    admin = _client("admin")
    url = reverse("admin:unions_user_change", args=[account.pk])
    form = {"username": account.username, "full_name": account.full_name, "email": account.email,
            "phone": "", "title": account.title, "union": account.union_id, "role": account.role,
            "is_active": "on", "date_joined_0": "2026-01-01", "date_joined_1": "08:00:00"}
    before = account.phone
    assert admin.post(url, form).status_code == 302
    assert User.objects.get(pk=account.pk).phone == before
    assert admin.post(url, {**form, "phone": "13911112222"}).status_code == 302
    assert User.objects.get(pk=account.pk).phone == "13911112222"
    page = admin.post(url, {**form, "phone": "12345"}).content.decode()
    assert "手机号应为 11 位手机号码" in page


# No-store, URLs -------------------------------------------------------------------------------------------

class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.forms, self._form = [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            self._form = {"method": (attrs.get("method") or "get").lower(), "action": attrs.get("action") or "",
                          "fields": []}
            self.forms.append(self._form)
        elif tag in ("input", "select", "textarea") and self._form is not None and attrs.get("name"):
            self._form["fields"].append(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def _walk(client, numbers):
    """Pages reachable from the dashboard (a few per route); fails on a page that shows a number, in full or
    masked, without `Cache-Control: no-store`, on a link or form address carrying a number, and on a form that
    asks for a number by GET."""
    seen, queue, per_route, problems, showing = set(), ["/"], {}, [], set()
    while queue and len(seen) < PAGES_PER_ROLE:
        url = queue.pop(0)
        if url in seen:
            continue
        match = resolve(urlsplit(url).path)
        if per_route.get(match.route, 0) >= PAGES_PER_ROUTE:
            continue
        per_route[match.route] = per_route.get(match.route, 0) + 1
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        page = response.content.decode()
        if [n for n in numbers if n in page] or MASKED_ID.search(page) or MASKED_MOBILE.search(page):
            showing.add(match.view_name)
            if "no-store" not in response.get("Cache-Control", ""):
                problems.append(f"{url}: shows personal numbers without no-store")
        parser = Links()
        parser.feed(page)
        for form in parser.forms:
            if form["method"] == "get" and any("id_number" in f or "mobile" in f or "phone" in f
                                               for f in form["fields"]):
                problems.append(f"{url}: a GET form asks for a personal number")
        for address in [*parser.links, *(f["action"] for f in parser.forms)]:
            if [n for n in numbers if n in address] or MASKED_ID.search(address):
                problems.append(f"{url}: a number in the address {address}")
            target = urljoin(url, address)
            parts = urlsplit(target)
            if parts.netloc or parts.path.startswith(("/admin/", "/static/", "/accounts/logout")):
                continue
            try:
                resolve(parts.path)
            except Resolver404:
                continue
            if parts.path not in seen and not parts.path.endswith((".xlsx", "/export/", "/download/", "/evidence/")):
                queue.append(parts.path)
    return problems, showing


def test_every_page_showing_a_number_is_not_stored_and_no_address_carries_one(demo):
    numbers = plaintexts()
    problems, showing = [], set()
    for username in ROLES:
        found, shown = _walk(_client(username), numbers)
        problems += [f"{username} {p}" for p in found]
        showing |= shown
    assert problems == []
    assert {"studios:detail", "reviews:application_detail", "unions:detail"} <= showing
    assert showing <= NO_STORE_ROUTES


# Never in the history, the audit trail or a log ---------------------------------------------------------------

def test_numbers_never_reach_the_history_the_audit_trail_or_a_log(demo, caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)
    studio = _unit_studio()
    unit = User.objects.get(username="unit")
    # a correction by the unit, one by the page, a number typed into a comment, a login with a number as name
    with django_capture_on_commit_callbacks(execute=True):
        leader_identity_update(unit, studio, id_number="445202198507150021", mobile="13922223333")
    _client("city").post(reverse("studios:leader_identity", args=[studio.pk]),
                         {"id_number": "44520219850715003X", "mobile": "13933334444"})
    change = ChangeRequest.objects.get(studio=studio, status=ChangeStatus.RECOMMENDED)
    _client("city").post(reverse("studios:change_action", args=[change.pk, "reject"]), {
        "from_status": "recommended", "comment": "新领衔人 445202198507150045，电话 139 4444 5555，请核实后再报。"})
    Client().post(reverse("login"), {"username": "13955556666", "password": "x"})
    _client("city").get(reverse("studios:export"))
    numbers = plaintexts() | {"445202198507150021", "13922223333", "445202198507150045", "13944445555",
                              "13955556666"}
    assert {"44520219850715003X", "13933334444"} <= plaintexts()  # the corrections took effect

    comments = " ".join(TransitionLog.objects.values_list("comment", flat=True))
    comments += " ".join(f"{n.title} {n.body}" for n in Notification.objects.all())
    audit = " ".join(f"{e.username} {e.object_repr} {e.detail}" for e in AuditEntry.objects.all())
    logs = " ".join(record.getMessage() for record in caplog.records)
    for where, text in (("history", comments), ("audit", audit), ("log", logs)):
        assert not [n for n in numbers if n in text], where
    assert mask_id_number("44520219850715003X") in comments  # what was corrected shows, masked
    assert "4452**********0045" in comments and "139****5555" in comments  # typed into a comment: masked
    assert "139****6666" in audit  # the failed login, masked


def test_the_log_filter_masks_numbers_whoever_logs_them(caplog):
    from core.personal_data import RedactingFilter

    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "身份证 %s 手机 %s", ("445202198507150021",
                                                                                    "13922223333"), None)
    RedactingFilter().filter(record)
    assert record.getMessage() == "身份证 4452**********0021 手机 139****3333"
