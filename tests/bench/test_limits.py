"""The benchmark's limit views (bench/limits.py): mounted only with BENCH_LIMIT_VIEWS, and each returns the rows its
page shows, on a small world, so that the ratio in the report sets a page beside the same work done bare."""
import datetime
import importlib
import io

import openpyxl
import pytest
from django.urls import Resolver404, clear_url_caches, resolve

from bench import prepare
from bench.pages import PAGES, limit_path
from core.history import log_transition
from core.models import TransitionLog
from reviews.models import Application, ApplicationAttachment, AttachmentKind, SiteVisit
from studios.models import (
    ChangeKind, ChangeReason, ChangeRequest, ChangeStatus, FormerName, ResultKind, StudioResult, StudioStatus,
    TrainingKind, TrainingRecord,
)
from tests import factories
from tests.reviews.conftest import city, complete_draft, county, open_round, unit, unit_user  # noqa: F401
from unions.models import Role, User


def _reload_urls():
    import config.urls

    importlib.reload(config.urls)
    clear_url_caches()


@pytest.fixture
def limit_urls(settings):
    settings.BENCH_LIMIT_VIEWS = True
    _reload_urls()
    yield
    settings.BENCH_LIMIT_VIEWS = False
    _reload_urls()


@pytest.fixture
def world(city, county, unit, unit_user, open_round):  # noqa: F811
    """25 studios in the county (more than a page), with members; one in another county; three applications."""
    other_unit = factories.unit_union(county, "揭阳市榕江电子科技有限公司工会")
    studios = []
    for n in range(25):
        studio = factories.StudioFactory(unit=unit if n % 2 else other_unit, named_year=2022 + n % 3,
                                         leader__name=f"陈志{n:02d}",
                                         status=StudioStatus.RECTIFYING if n % 7 == 0 else StudioStatus.ACTIVE)
        for _ in range(n % 4):
            factories.MemberFactory(studio=studio)
        studios.append(studio)
    outsider = factories.StudioFactory(unit=factories.unit_union(factories.county_union("普宁市总工会")))
    for _ in range(3):
        complete_draft(factories.user_with_role(Role.UNIT_STAFF, factories.unit_union(county)), open_round)
    county_user = factories.user_with_role(Role.RECOMMENDING_STAFF, county)
    return {"city": city, "county": county_user, "unit": unit_user, "studios": studios, "outsider": outsider}


def _limit_rows(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return [line.split("\t") for line in body.decode().splitlines()]


def test_limit_urls_are_absent_without_the_setting(settings):
    assert settings.BENCH_LIMIT_VIEWS is False
    for path in ("/bench/limit/", "/bench/limit/studios/", "/bench/limit/public/registry/"):
        with pytest.raises(Resolver404):
            resolve(path)


def test_every_page_has_its_limit_view(limit_urls):
    paths = {"studio_detail": "/studios/1/", "application_detail": "/reviews/applications/1/",
             "registry_studio": "/public/registry/1/", "change_agree": "/studios/changes/1/agree/",
             "studio_export": "/studios/export/", "application_list": "/reviews/applications/",
             "registry": "/public/registry/"}
    for page in PAGES:
        path = paths.get(page.key, "/studios/" if page.key.startswith("studio_") else "/")
        assert resolve(limit_path(path)).app_name == "bench", page.key


@pytest.mark.parametrize("role", ["city", "county", "unit"])
def test_studio_list_limit_returns_the_rows_of_the_page(world, limit_urls, login, role):
    client = login(world[role])
    second = {"cursor": client.get("/studios/").context["page"].next_cursor}  # "" where there is one page
    for query in [{}, {"status": "titled"}, {"status": "rectifying"}, {"named_year": "2023"}, {"q": "志1"}, second]:
        page = client.get("/studios/", query)
        limit = client.get(limit_path("/studios/"), query)
        assert limit.status_code == 200
        shown = page.context["page"]
        written = _limit_rows(limit)
        rows = [(int(r[0]), r[1], int(r[7])) for r in written[:len(shown)]]
        assert rows == [(s.pk, s.name, s.member_count) for s in shown.object_list], query
        assert rows, query
        # then the count above the table, and the recommending unions the filter offers
        assert written[len(shown)] == [str(shown.count)], query
        offered = page.context["filter"].form.fields["recommending"].choices[1:]
        assert [(int(r[0]), r[1]) for r in written[len(shown) + 1:]] == offered, query
        assert offered or role == "unit"  # a unit union's staff see no recommending union


def test_studio_detail_limit_returns_every_section_of_the_page(world, limit_urls, login):
    client = login(world["county"])
    studio = world["studios"][3]
    StudioResult.objects.create(studio=studio, year=2024, kind=ResultKind.PATENT, title="一种带式输送机托辊",
                                created_by=world["unit"])
    TrainingRecord.objects.create(studio=studio, held_on=datetime.date(2024, 5, 6), kind=TrainingKind.TRAINING,
                                  title="数控技能培训", participants=30, created_by=world["unit"])
    FormerName.objects.create(studio=studio, name="旧名称创新工作室", leader_name="旧领衔人",
                              until=datetime.date(2023, 1, 1))
    log_transition(studio, union=studio.unit, transition="change_review", label="推荐单位审核同意变更",
                   source=studio.status, target=studio.status, actor=world["county"], comment="同意")
    page = client.get(f"/studios/{studio.pk}/")
    rows = _limit_rows(client.get(limit_path(f"/studios/{studio.pk}/")))
    assert int(rows[0][0]) == page.context["studio"].pk
    members = [m.name for m in page.context["members"]]
    assert [r[0] for r in rows[1:1 + len(members)]] == members and members
    sections = ("former_names", "changes", "history", "results", "trainings", "alliances")
    assert all(len(page.context[name]) for name in sections if name != "changes" and name != "alliances")
    assert len(rows) == 1 + len(members) + sum(len(page.context[name]) for name in sections)
    written = "\n".join("\t".join(row) for row in rows)
    for shown in ("旧名称创新工作室", "同意", "一种带式输送机托辊", "数控技能培训", world["county"].full_name):
        assert shown in written
    # Another county's studio is out of scope for both.
    outsider = world["outsider"].pk
    assert client.get(f"/studios/{outsider}/").status_code == 404
    assert client.get(limit_path(f"/studios/{outsider}/")).status_code == 404


def test_application_list_limit_returns_the_rows_of_the_page(world, limit_urls, login):
    client = login(world["county"])
    for query in [{}, {"status": "draft"}, {"q": "陈"}]:
        page = client.get("/reviews/applications/", query)
        rows = _limit_rows(client.get(limit_path("/reviews/applications/"), query))
        shown = page.context["page"]
        assert [int(r[0]) for r in rows[:len(shown)]] == [a.pk for a in shown.object_list], query
        assert rows[len(shown)] == [str(shown.count)], query
        assert [int(r[0]) for r in rows[len(shown) + 1:]] == [r.pk for r in page.context["rounds"]], query
        assert rows, query


def test_application_detail_limit_returns_every_section_of_the_page(world, limit_urls, login):
    client = login(world["city"])
    application = Application.objects.order_by("pk").first()
    ApplicationAttachment.objects.create(application=application, kind=AttachmentKind.OTHER, file="a/b.pdf",
                                         original_name="推荐表.pdf", size=10, content_type="application/pdf",
                                         uploaded_by=world["unit"])
    SiteVisit.objects.create(application=application, visited_on=datetime.date(2026, 5, 6), visitors="专家甲",
                             findings="设施齐全", recorded_by=world["city"])
    page = client.get(f"/reviews/applications/{application.pk}/")
    rows = _limit_rows(client.get(limit_path(f"/reviews/applications/{application.pk}/")))
    members, results = list(page.context["members"]), list(page.context["results"])
    assert int(rows[0][0]) == application.pk
    assert [r[0] for r in rows[1:1 + len(members)]] == [m.name for m in members]
    assert [r[2] for r in rows[1 + len(members):1 + len(members) + len(results)]] == [r.title for r in results]
    sections = [list(page.context[name]) for name in ("attachments", "site_visits", "history")]
    assert all(sections)
    assert len(rows) == 1 + len(members) + len(results) + sum(len(section) for section in sections)
    assert [r[2] for r in rows[1 + len(members) + len(results):][:len(sections[0])]] == [
        a.original_name for a in sections[0]]


def test_registry_limit_returns_the_rows_of_the_page(world, limit_urls, client):
    second = {"cursor": client.get("/public/registry/").context["page"].next_cursor}
    for query in [{}, second, {"year": "2024"}]:
        page = client.get("/public/registry/", query)
        rows = _limit_rows(client.get(limit_path("/public/registry/"), query))
        ids = [s.pk for s in page.context["page"].object_list]
        assert [int(r[0]) for r in rows[:len(ids)]] == ids and ids, query
    studio = world["studios"][4]
    assert int(_limit_rows(client.get(limit_path(f"/public/registry/{studio.pk}/")))[0][0]) == studio.pk
    assert client.get(f"/public/registry/{studio.pk}/").context["studio"].pk == studio.pk


def test_dashboard_limit_writes_the_figures_the_page_shows(world, limit_urls, login):
    for role in ("city", "county", "unit"):
        client = login(world[role])
        page = client.get("/")
        rows = _limit_rows(client.get(limit_path("/")))
        cards = [[str(card.label), str(card.value)] for card in page.context["cards"]]
        assert rows[:len(cards)] == cards and cards, role
        figures = page.context["statistics"]
        if figures is None:
            assert len(rows) == len(cards), role
            continue
        table = [*figures.by_union, figures.union_total, *figures.by_year, figures.year_total]
        assert [r[0] for r in rows[len(cards):]] == [str(row.label) for row in table], role


def test_export_limit_returns_the_rows_of_the_export(world, limit_urls, login):
    client = login(world["county"])
    query = {"status": "titled", "named_year": "2023"}
    export = client.get("/studios/export/", query)
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content)), read_only=True).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]]
    rows = _limit_rows(client.get(limit_path("/studios/export/"), query))
    assert [r[0] for r in rows] == names and names


def _submitted_change(studio, requester):
    return ChangeRequest.objects.create(studio=studio, kind=ChangeKind.CANCEL, reason=ChangeReason.RETIRED,
                                        explanation="退休", requested_by=requester)


def test_transition_limit_makes_the_same_change_as_the_page(world, limit_urls, login):
    client = login(world["county"])
    by_page, by_limit = (_submitted_change(s, world["unit"]) for s in world["studios"][1:3])
    data = {"from_status": "submitted", "comment": ""}
    assert client.post(f"/studios/changes/{by_page.pk}/agree/", data).status_code == 302
    assert client.post(limit_path(f"/studios/changes/{by_limit.pk}/agree/"), data).status_code == 302
    for change in (by_page, by_limit):
        change = ChangeRequest.objects.get(pk=change.pk)
        assert change.status == ChangeStatus.RECOMMENDED
        assert TransitionLog.objects.filter(object_id=change.studio_id, transition="change_review").count() == 1
    # Done once: the second try is refused, as the page refuses it.
    assert client.post(limit_path(f"/studios/changes/{by_limit.pk}/agree/"), data).status_code == 409


def test_prepare_reads_accounts_ids_and_a_pool_from_the_database(world):
    built = prepare.build(users=2, pool=5)
    assert set(built["paths"]) == {page.key for page in PAGES}
    assert built["accounts"] == {"city": world["city"].username, "county": world["county"].username,
                                 "unit": world["unit"].username}
    assert len(built["pool"]) == 5
    assert ChangeRequest.objects.filter(pk__in=[pk for pk, _ in built["pool"]], status=ChangeStatus.SUBMITTED).count() == 5
    studio_ids = {s.pk for s in world["studios"]}
    assert {int(p.strip("/").split("/")[-1]) for p in built["paths"]["studio_detail"]} <= studio_ids | {world["outsider"].pk}
    sessions = prepare.sign_in(prepare.session_accounts(built), 2)
    assert {role: len(keys) for role, keys in sessions.items()} == {
        "city": 2, "county": 2, "unit": 2, "transition_0": 2, "transition_1": 2}


def test_the_transitions_pool_is_shared_among_counties_each_reviewing_its_own(world, login):
    # The busiest county has 21 active studios; the other (普宁) has one and no account: one is made for it.
    built = prepare.build(users=2, pool=6)
    accounts = prepare.session_accounts(built)
    assert built["transition_accounts"][0] == world["county"].username
    assert {accounts[role].username for _, role in built["pool"]} == set(built["transition_accounts"])
    # 普宁 gives its one studio; the busiest county makes up the rest of the six, and they take turns
    assert [role for _, role in built["pool"]] == ["transition_0", "transition_1"] + ["transition_0"] * 4
    for pk, role in built["pool"]:
        change = ChangeRequest.objects.select_related("studio__unit").get(pk=pk)
        assert change.studio.unit.path.startswith(accounts[role].union.path)
    made = accounts["transition_1"]
    assert made.role == Role.RECOMMENDING_STAFF and not made.has_usable_password()
    assert prepare.reviewed(built) == 0
    client = login(accounts["transition_0"])
    agreed = built["pool"][0][0]
    client.post(f"/studios/changes/{agreed}/agree/", {"from_status": "submitted", "comment": ""})
    assert prepare.reviewed(built) == 1
    # A second build reuses what is still waiting and the account made, and replaces only the one reviewed.
    before, accounts_before = ChangeRequest.objects.count(), User.objects.count()
    rebuilt = prepare.build(users=2, pool=6)["pool"]
    kept = {tuple(entry) for entry in built["pool"] if entry[0] != agreed}
    assert len(rebuilt) == 6 and kept < {tuple(entry) for entry in rebuilt}
    assert ChangeRequest.objects.count() == before + 1 and User.objects.count() == accounts_before
