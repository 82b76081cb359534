"""Search by any part of a name (core/search.py): the same answers on SQLite and PostgreSQL, within the user's
scope; on PostgreSQL through the indexes, with the search columns kept right by the database."""
import pytest
from django.core.management import CommandError
from django.db import connection
from django.urls import reverse

from core import search
from reviews import services as round_services
from reviews.models import Application
from studios.models import Leader, Member, Studio, StudioStatus
from tests import factories
from unions.models import Role, Union

postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="the search columns exist on PostgreSQL")


@pytest.fixture
def names(root):
    """Two studios in 榕城区 and one in 普宁市, each with a member; names mixing Chinese and Latin letters."""
    rongcheng, puning = factories.county_union("榕城区总工会"), factories.county_union("普宁市总工会")
    zhang = factories.StudioFactory(unit=factories.unit_union(rongcheng, "汕头ABC电子有限公司工会"),
                                    leader__name="张伟")
    lin = factories.StudioFactory(unit=factories.unit_union(rongcheng, "金叶机械工会"), leader__name="林晓芳")
    chen = factories.StudioFactory(unit=factories.unit_union(puning, "锦程纺织工会"), leader__name="陈伟明")
    for studio, member in [(zhang, "黄志明"), (lin, "吴晓东"), (chen, "Li Na")]:
        factories.MemberFactory(studio=studio, name=member)
    return {"zhang": zhang, "lin": lin, "chen": chen, "rongcheng": rongcheng, "puning": puning}


@pytest.mark.parametrize("text, expected", [
    ("张", {"zhang"}),                    # one character: the leader's surname
    ("伟", {"zhang", "chen"}),
    ("张伟", {"zhang"}),                  # two: a whole name
    ("汕头", {"zhang"}),                  # two, from the unit's name
    ("晓芳劳", {"lin"}),                  # three, across the leader's name and the rest of the studio's
    ("陈伟明劳模", {"chen"}),
    ("劳模和工匠人才", {"zhang", "lin", "chen"}),
    ("abc", {"zhang"}),                   # Latin letters in any case
    ("头Ab", {"zhang"}),
    ("C电", {"zhang"}),
    ("  锦程 ", {"chen"}),                # trimmed
    ("工作室张伟", set()),                 # never across two names
    ("劳模%工匠", set()),                  # LIKE's wildcards are plain characters
    ("_", set()),
    ("'", set()),                         # a tsquery's quote and escape are plain characters too
    ("\\", set()),
    ("不存在", set()),
    ("赵", set()),
])
def test_studios_by_any_part_of_their_leaders_unit_or_own_name(names, text, expected):
    found = search.studios(Studio.objects.all(), text)
    assert set(found) == {names[key] for key in expected}


def test_an_empty_search_leaves_the_queryset_alone(names):
    assert search.studios(Studio.objects.all(), "  ").count() == 3


@pytest.mark.parametrize("text, expected", [
    ("伟", {"张伟", "陈伟明"}), ("晓芳", {"林晓芳"}), ("金叶", {"林晓芳"}), ("锦程纺织", {"陈伟明"}), ("x", set())])
def test_leaders_by_their_name_or_their_units(names, text, expected):
    assert {leader.name for leader in search.leaders(Leader.objects.all(), text)} == expected


@pytest.mark.parametrize("text, expected", [
    ("明", {"黄志明", "Li Na"}),  # 黄志明's own name; Li Na's studio (陈伟明's)
    ("li n", {"Li Na"}), ("吴晓东", {"吴晓东"}), ("汕头", {"黄志明"})])
def test_members_by_their_name_or_their_studio(names, text, expected):
    assert {member.name for member in search.members(Member.objects.all(), text)} == expected


@pytest.mark.parametrize("text, expected", [
    ("普", {"普宁市总工会"}), ("工会", {"揭阳市总工会", "榕城区总工会", "普宁市总工会", "汕头ABC电子有限公司工会",
                                       "金叶机械工会", "锦程纺织工会"}),
    ("abc电子", {"汕头ABC电子有限公司工会"}), ("区总工", {"榕城区总工会"}), ("深圳", set())])
def test_unions_by_their_name(names, text, expected):
    assert {union.name for union in search.unions(Union.objects.all(), text)} == expected


@pytest.fixture
def applications(names, published_rules):
    city = factories.user_with_role(Role.MUNICIPAL_STAFF)
    naming_round = round_services.round_create(city, year=2026)
    return {leader: Application.objects.create(naming_round=naming_round, unit=unit, leader_name=leader,
                                               created_by=city)
            for leader, unit in [("郑丽", names["zhang"].unit), ("许振华", names["chen"].unit)]}


@pytest.mark.parametrize("text, expected", [
    ("丽", {"郑丽"}), ("郑丽", {"郑丽"}), ("振华", {"许振华"}), ("ABC", {"郑丽"}), ("纺织工会", {"许振华"}),
    ("伟", set())])
def test_applications_by_their_leaders_or_units_name(applications, text, expected):
    assert {a.leader_name for a in search.applications(Application.objects.all(), text)} == expected


# The pages: scope, and the public registry

def _listed(client, url, text):
    return list(client.get(url, {"q": text}).context["page"].object_list)


def test_a_county_finds_only_its_own_studios_and_unions(names, login):
    client = login(factories.user_with_role(Role.RECOMMENDING_STAFF, names["puning"]))
    assert _listed(client, reverse("studios:list"), "伟") == [names["chen"]]
    assert _listed(client, reverse("studios:list"), "张伟") == []
    assert {u.name for u in _listed(client, reverse("unions:list"), "工会")} == {"普宁市总工会", "锦程纺织工会"}


def test_a_unit_finds_only_its_own_applications(applications, login):
    client = login(factories.user_with_role(Role.UNIT_STAFF, applications["郑丽"].unit))
    assert _listed(client, reverse("reviews:application_list"), "丽") == [applications["郑丽"]]
    assert _listed(client, reverse("reviews:application_list"), "许振华") == []


def test_the_public_registry_finds_only_named_studios(names, client):
    Studio.objects.filter(pk=names["chen"].pk).update(status=StudioStatus.DELISTED)
    assert set(_listed(client, reverse("public:registry"), "伟")) == {names["zhang"]}
    assert _listed(client, reverse("public:registry"), "陈伟明") == []


def test_the_lists_of_a_studios_rows_find_it_by_its_leader(names, login, published_rules):
    from subsidies.models import SubsidyGrant

    staff = factories.user_with_role(Role.MUNICIPAL_STAFF)
    grant = SubsidyGrant.objects.create(studio=names["lin"], year=2026, amount=20000, rule_set=published_rules,
                                        planned_by=staff)
    client = login(staff)
    assert _listed(client, reverse("subsidies:list"), "晓芳") == [grant]
    assert _listed(client, reverse("subsidies:list"), "金叶机械") == [grant]
    assert _listed(client, reverse("subsidies:list"), "锦程") == []


def test_the_admin_and_its_pickers_search_by_name(names, login, root):
    client = login(factories.user_with_role(Role.ADMIN, root, is_superuser=True))
    page = client.get(reverse("admin:studios_studio_changelist"), {"q": "汕头 张"})
    assert list(page.context["cl"].result_list) == [names["zhang"]]
    picked = client.get(reverse("admin:autocomplete"), {
        "app_label": "studios", "model_name": "studio", "field_name": "unit", "term": "锦程"}).json()
    assert [r["text"] for r in picked["results"]] == ["锦程纺织工会"]
    picked = client.get(reverse("admin:autocomplete"), {
        "app_label": "studios", "model_name": "studio", "field_name": "leader", "term": "伟"}).json()
    assert {r["text"] for r in picked["results"]} == {"张伟", "陈伟明"}


# PostgreSQL: the columns the database keeps, and the indexes that answer

def _columns(table, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT search_text, tsvector_to_array(search_grams) FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()


@postgresql
def test_a_studios_search_columns_follow_its_names(names):
    studio = names["zhang"]
    text, grams = _columns("studios_studio", studio.pk)
    assert text == "张伟劳模和工匠人才创新工作室\x1f张伟\x1f汕头abc电子有限公司工会"
    assert {"张", "张伟", "汕头", "ab", "c电"} <= set(grams) and "室张" not in grams and "\x1f" not in "".join(grams)

    Leader.objects.filter(pk=studio.leader_id).update(name="张伟强")
    Union.objects.filter(pk=studio.unit_id).update(name="汕头电子工会")
    assert _columns("studios_studio", studio.pk)[0] == "张伟劳模和工匠人才创新工作室\x1f张伟强\x1f汕头电子工会"
    studio.name, studio.leader = "新名称工作室", names["lin"].leader
    studio.save()
    text, grams = _columns("studios_studio", studio.pk)
    assert text == "新名称工作室\x1f林晓芳\x1f汕头电子工会"
    assert "晓芳" in grams and "张伟" not in grams
    text, grams = _columns("unions_union", studio.unit_id)
    assert text == "汕头电子工会"
    assert set(grams) == {"汕", "头", "汕头", "电", "头电", "子", "电子", "工", "子工", "会", "工会"}


@postgresql
def test_an_applications_search_columns_follow_its_names(applications):
    application = applications["郑丽"]
    assert _columns("reviews_application", application.pk)[0] == "郑丽\x1f汕头abc电子有限公司工会"
    Union.objects.filter(pk=application.unit_id).update(name="汕头电子工会")
    application.leader_name = "郑丽华"
    application.save()
    text, grams = _columns("reviews_application", application.pk)
    assert text == "郑丽华\x1f汕头电子工会"
    assert set(grams) == {"郑", "丽", "郑丽", "华", "丽华", "汕", "头", "汕头", "电", "头电", "子", "电子", "工", "子工",
                          "会", "工会"}


@postgresql
def test_a_leaders_search_columns_hold_its_units_name_and_follow_both(names):
    leader = names["zhang"].leader
    assert _columns("studios_leader", leader.pk)[0] == "张伟\x1f汕头abc电子有限公司工会"
    Union.objects.filter(pk=leader.unit_id).update(name="汕头电子工会")
    Leader.objects.filter(pk=leader.pk).update(name="张伟强")
    text, grams = _columns("studios_leader", leader.pk)
    assert text == "张伟强\x1f汕头电子工会" and {"伟强", "电子"} <= set(grams) and "ab" not in grams
    assert [found.name for found in search.leaders(Leader.objects.all(), "汕头电子")] == ["张伟强"]


@postgresql
def test_a_leader_search_matching_many_walks_the_pickers_order_and_stops(names):
    # Many leaders in units named alike (every union's 工会): the page is the first leaders by name that match,
    # read along the name's index, not every match gathered and sorted.
    unit = names["zhang"].unit
    Leader.objects.bulk_create([Leader(name=f"领衔人{n:04d}", unit=unit, gender="", job_title="",
                                       honour="municipal_model", honour_year=2020) for n in range(3000)])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE studios_leader")
    plan = search.leaders(Leader.objects.all(), "工会")[:21].explain()
    assert "Index Scan using studios_leader_name" in plan and "Bitmap" not in plan, plan


@postgresql
def test_rows_copied_in_bypassing_django_are_found(names):
    """As core/scale writes them: COPY, the leader after its studio (foreign keys are checked at commit)."""
    unit = names["zhang"].unit
    with connection.cursor() as cursor:
        with cursor.cursor.copy("COPY studios_studio (name, unit_id, leader_id, status, named_year, decision_number,"
                                " field, address, description, created_at, updated_at) FROM STDIN") as copy:
            copy.write_row(["赵敏工作室", unit.pk, 999999, "active", 2025, "", "", "", "", "now", "now"])
        with cursor.cursor.copy("COPY studios_leader (id, name, gender, unit_id, job_title, honour, honour_year,"
                                " id_number, id_number_index, mobile, created_at) FROM STDIN") as copy:
            copy.write_row([999999, "赵敏", "", unit.pk, "", "municipal_model", 2020, "", "", "", "now"])
    assert [s.name for s in search.studios(Studio.objects.all(), "赵")] == ["赵敏工作室"]
    assert {s.name for s in search.studios(Studio.objects.all(), "汕头abc")} == {"张伟劳模和工匠人才创新工作室",
                                                                                 "赵敏工作室"}
    assert [leader.name for leader in search.leaders(Leader.objects.all(), "赵敏")] == ["赵敏"]


def _plan(queryset):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    return queryset.explain()


@postgresql
@pytest.mark.parametrize("kind, model, table", [
    (search.studios, Studio, "studios_studio"), (search.leaders, Leader, "studios_leader"),
    (search.members, Member, "studios_member"), (search.unions, Union, "unions_union"),
    (search.applications, Application, "reviews_application")])
@pytest.mark.parametrize("text, index", [("伟", "search_grams"), ("张伟", "search_grams"),
                                         ("张伟劳", "search_text"), ("abc电子有限", "search_text")])
def test_the_search_is_answered_by_its_index(names, kind, model, table, text, index):
    plan = _plan(kind(model.objects.order_by(), text))
    assert f"Bitmap Index Scan on {table}_{index}" in plan, plan


@postgresql
def test_the_studio_list_search_is_answered_by_its_index(names):
    """The list's own query, joined, counted and ordered, among a few thousand studios: a rare name through its
    index, whoever looks."""
    from studios.selectors import studio_list

    with connection.cursor() as cursor:
        cursor.execute("""
            INSERT INTO studios_leader (name, gender, unit_id, job_title, honour, honour_year, id_number,
                                        id_number_index, mobile, created_at)
            SELECT '领衔人' || i, '', %(unit)s, '', 'municipal_model', 2020, '', '', '', now()
            FROM generate_series(1, 3000) i""", {"unit": names["lin"].unit_id})
        cursor.execute("""
            INSERT INTO studios_studio (name, unit_id, leader_id, status, named_year, decision_number, field,
                                        address, description, created_at, updated_at)
            SELECT name || '劳模和工匠人才创新工作室', unit_id, id, 'active', 2024, '', '', '', '', now(), now()
            FROM studios_leader WHERE name LIKE '领衔人%%'""")
        # As autovacuum does: rows just written wait in the GIN indexes' pending lists, which the planner prices.
        cursor.execute("SELECT gin_clean_pending_list('studios_studio_search_text'),"
                       " gin_clean_pending_list('studios_studio_search_grams')")
        cursor.execute("ANALYZE studios_studio")
    city = factories.user_with_role(Role.MUNICIPAL_STAFF)
    county = factories.user_with_role(Role.RECOMMENDING_STAFF, names["rongcheng"])
    for user in (city, county):
        for text, index in [("伟", "search_grams"), ("晓芳", "search_grams"), ("晓芳劳模", "search_text")]:
            plan = search.studios(studio_list(user), text)[:20].explain()
            assert f"Bitmap Index Scan on studios_studio_{index}" in plan, plan


def test_the_search_benchmark_runs(names, applications):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("bench_search", "--queries", "8", stdout=out)
    lines = out.getvalue().splitlines()
    assert "每项 8 个查询" in lines[0] and "p95·无结果" in lines[1]
    assert [line.split()[0] for line in lines[2:]] == [
        "创新工作室（市总）", "创新工作室（县级）", "公开名录", "工会", "申报", "领衔人（选择框）", "工作室成员（系统管理）"]
    assert all(len(line.split()) == 9 for line in lines[2:])
    out = StringIO()
    call_command("bench_search", "--queries", "8", "--only", "registry", "unions", stdout=out)
    assert [line.split()[0] for line in out.getvalue().splitlines()[2:]] == ["公开名录", "工会"]
    with pytest.raises(CommandError, match="没有这几项搜索：nothing"):
        call_command("bench_search", "--only", "nothing")


def test_the_search_benchmark_finds_names_however_sparse_the_keys(db):
    # On PostgreSQL sequences never go back, so a test database's keys start far above 1, and a real one has
    # gaps where rows were deleted: random keys between the lowest and highest may find nothing.
    import random

    from core.management.commands.bench_search import sample_names

    leaders = [factories.LeaderFactory(name=f"领衔人{n:03d}") for n in range(60)]
    Leader.objects.exclude(pk__in=[leaders[0].pk, leaders[-1].pk]).delete()
    assert {"领衔人000", "领衔人059"} <= set(sample_names(random.Random(1), 4))
