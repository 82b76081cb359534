"""Alliance pages (第十七条) and the public registry as the showcase of 第十九条."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from studios import alliance_services as alliances
from studios import record_services as records
from studios.models import Alliance, AllianceMembership, JointProject
from tests import factories
from tests.studios.test_alliances import FOUNDED, TODAY, delist, found, with_members, world  # noqa: F401
from unions.models import Role


def _count_queries(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _alliances(world, n, start=0):
    """`n` more alliances, each with three members (one of them in the county's subtree) and a joint project."""
    for i in range(start, start + n):
        studios = [factories.StudioFactory(unit=world["lead"].unit), factories.StudioFactory(),
                   factories.StudioFactory()]
        alliance = alliances.alliance_create(world["city"], name=f"联盟{i}", field="加工", lead=studios[0],
                                             founded_on=FOUNDED)
        for studio in studios[1:]:
            alliances.alliance_member_add(world["city"], alliance, studio=studio, joined_on=TODAY)
        alliances.joint_project_add(world["city"], alliance, title=f"项目{i}", year=TODAY.year, participants=studios)


def test_municipal_staff_form_an_alliance_and_keep_it_through_the_pages(world, login):
    client = login(world["city"])
    response = client.post(reverse("alliances:new"), {
        "name": "智能制造创新工作室联盟", "field": "精密机械加工", "lead": world["lead"].pk,
        "founded_on": FOUNDED.isoformat(), "description": "联合攻关。"})
    alliance = Alliance.objects.get()
    assert response.status_code == 302 and response.url == reverse("alliances:detail", args=[alliance.pk])
    client.post(reverse("alliances:member_add", args=[alliance.pk]),
                {"studio": world["second"].pk, "joined_on": TODAY.isoformat()})
    client.post(reverse("alliances:member_add", args=[alliance.pk]),
                {"studio": world["third"].pk, "joined_on": TODAY.isoformat()})
    client.post(reverse("alliances:project_add", args=[alliance.pk]), {
        "title": "夹具标准化", "year": TODAY.year, "participants": [world["lead"].pk, world["second"].pk],
        "status": "ongoing", "description": "统一夹具接口。"})
    client.post(reverse("alliances:member_remove", args=[alliance.pk, world["third"].pk]))
    assert set(alliance.members.all()) == {world["lead"], world["second"]}
    page = client.get(reverse("alliances:detail", args=[alliance.pk])).content.decode()
    assert "夹具标准化" in page and world["second"].name in page
    for label in ("成立工作室联盟", "成员工作室加入", "登记联合攻关项目", "成员工作室退出"):
        assert label in page
    # The lead has no removal button; the others ask before removing.
    assert reverse("alliances:member_remove", args=[alliance.pk, world["lead"].pk]) not in page
    assert 'data-confirm="确定让“' in page


def test_a_refused_form_shows_the_article_on_its_field(world, login):
    delist(world, world["second"])
    alliance = found(world)
    client = login(world["city"])
    response = client.post(reverse("alliances:edit", args=[alliance.pk]), {
        "name": alliance.name, "field": "加工", "lead": world["lead"].pk, "founded_on": TODAY.isoformat()})
    assert response.status_code == 200
    assert "成立日期不能晚于成员最早的加入日期" in response.content.decode()
    # A delisted studio is not even offered.
    page = client.get(reverse("alliances:member_add", args=[alliance.pk])).content.decode()
    assert world["third"].name in page and world["second"].name not in page


def test_unit_staff_read_their_studios_alliances_only_and_change_nothing(world, login):
    alliance = with_members(world)
    other = found(world, name="另一个联盟", lead=world["outsider"])
    client = login(world["unit"])
    assert client.get(reverse("alliances:detail", args=[alliance.pk])).status_code == 200
    assert client.get(reverse("alliances:detail", args=[other.pk])).status_code == 404
    assert [a.pk for a in client.get(reverse("alliances:list")).context["page"].object_list] == [alliance.pk]
    assert client.get(reverse("alliances:new")).status_code == 403
    assert client.get(reverse("alliances:edit", args=[alliance.pk])).status_code == 403
    assert client.post(reverse("alliances:member_remove", args=[alliance.pk, world["second"].pk])).status_code == 403
    assert client.post(reverse("alliances:project_add", args=[alliance.pk]), {
        "title": "x", "year": TODAY.year, "participants": [world["lead"].pk, world["second"].pk],
        "status": "ongoing"}).status_code == 403
    assert client.post(reverse("alliances:member_remove", args=[other.pk, world["outsider"].pk])).status_code == 404
    assert AllianceMembership.objects.count() == 4 and not JointProject.objects.exists()


@pytest.mark.parametrize("actor", ["expert", "other_unit_of_no_member"])
def test_outsiders_get_404_on_an_alliance(world, login, actor):
    alliance = found(world)
    user = (world["expert"] if actor == "expert"
            else factories.user_with_role(Role.UNIT_STAFF, world["outsider"].unit))
    client = login(user)
    assert client.get(reverse("alliances:detail", args=[alliance.pk])).status_code == 404
    assert client.post(reverse("alliances:member_add", args=[alliance.pk]),
                       {"studio": world["second"].pk, "joined_on": TODAY.isoformat()}).status_code == 404
    assert alliance.memberships.count() == 1


def test_anonymous_visitors_are_sent_to_log_in(world, client):
    alliance = found(world)
    response = client.get(reverse("alliances:detail", args=[alliance.pk]))
    assert response.status_code == 302 and reverse("login") in response.url


def test_a_county_sees_an_alliance_once_however_many_of_its_studios_are_members(world, login):
    alliance = found(world)
    alliances.alliance_member_add(world["city"], alliance, studio=world["outsider"], joined_on=TODAY)
    client = login(world["county"])
    page = client.get(reverse("alliances:list"), {"q": "金叶"}).context["page"]
    assert [a.pk for a in page.object_list] == [alliance.pk]


def test_the_studio_page_shows_its_alliances(world, login):
    alliance = with_members(world)
    page = login(world["other_unit"]).get(reverse("studios:detail", args=[world["second"].pk])).content.decode()
    assert "所属联盟" in page and alliance.name in page and "加入工作室联盟" in page


def test_a_delisted_member_stays_on_the_alliance_page_marked_as_such(world, login):
    alliance = with_members(world)
    delist(world, world["second"])
    page = login(world["city"]).get(reverse("alliances:detail", args=[alliance.pk])).content.decode()
    assert world["second"].name in page and "已摘牌" in page and "不在公开名录中显示" in page


@pytest.mark.parametrize("user", ["city", "county"])
def test_alliance_list_queries_do_not_grow_with_rows(world, login, user):
    client = login(world[user])
    url = reverse("alliances:list")
    _alliances(world, 1)
    one = _count_queries(client, url)
    _alliances(world, 2, start=1)
    assert _count_queries(client, url) == one
    assert len(client.get(url).context["page"].object_list) == 3


def test_alliance_detail_queries_do_not_grow_with_members_and_projects(world, login, django_assert_max_num_queries):
    alliance = with_members(world)
    alliances.joint_project_add(world["city"], alliance, title="一", year=TODAY.year,
                                participants=[world["lead"], world["second"]])
    client = login(world["city"])
    url = reverse("alliances:detail", args=[alliance.pk])
    one = _count_queries(client, url)
    for i in range(3):
        studio = factories.StudioFactory()
        alliances.alliance_member_add(world["city"], alliance, studio=studio, joined_on=TODAY)
        alliances.joint_project_add(world["city"], alliance, title=f"项目{i}", year=TODAY.year,
                                    participants=[world["lead"], studio])
    with django_assert_max_num_queries(one):
        assert client.get(url).status_code == 200


# The public registry: the showcase of 第十九条 ------------------------------------------------------------------

def test_the_registry_shows_alliances_and_published_results_only(world, client):
    alliance = with_members(world)
    records.result_add(world["unit"], world["lead"], year=TODAY.year, kind="patent", title="数控车床快换夹具",
                       patent_number="ZL202620000001.2")
    records.result_add(world["unit"], world["lead"], year=TODAY.year, kind="method", title="内部工艺诀窍",
                       published=False)
    delist(world, world["second"])
    page = client.get(reverse("public:registry")).content.decode()
    assert alliance.name in page and "数控车床快换夹具" in page
    assert "内部工艺诀窍" not in page and world["second"].name not in page
    studio_page = client.get(reverse("public:studio", args=[world["lead"].pk])).content.decode()
    assert "数控车床快换夹具" in studio_page and "ZL202620000001.2" in studio_page and "内部工艺诀窍" not in studio_page
    assert client.get(reverse("public:studio", args=[world["second"].pk])).status_code == 404


def test_the_registry_filters_by_alliance(world, client):
    alliance = with_members(world)
    names = [s.name for s in client.get(reverse("public:registry"), {"alliance": alliance.pk}).context["page"]]
    assert sorted(names) == sorted(world[k].name for k in ("lead", "second", "third"))


def test_public_alliance_pages_hide_delisted_members_and_participants(world, client):
    alliance = with_members(world)
    alliances.joint_project_add(world["city"], alliance, title="夹具标准化", year=TODAY.year,
                                participants=[world["lead"], world["second"]])
    delist(world, world["second"])
    listing = client.get(reverse("public:alliance_list")).content.decode()
    assert alliance.name in listing and world["third"].name in listing and world["second"].name not in listing
    detail = client.get(reverse("public:alliance_detail", args=[alliance.pk])).content.decode()
    assert "夹具标准化" in detail and world["lead"].name in detail and world["second"].name not in detail


def test_an_alliance_of_delisted_studios_only_is_not_public(world, client):
    alliance = found(world, lead=world["outsider"])
    delist(world, world["outsider"])
    assert client.get(reverse("public:alliance_detail", args=[alliance.pk])).status_code == 404
    assert alliance.name not in client.get(reverse("public:alliance_list")).content.decode()


@pytest.mark.parametrize("name", ["public:registry", "public:alliance_list"])
def test_public_lists_queries_do_not_grow_with_rows(world, client, name):
    url = reverse(name)
    _alliances(world, 1)
    one = _count_queries(client, url)
    _alliances(world, 2, start=1)
    for studio in factories.StudioFactory.create_batch(2):
        records.result_add(factories.user_with_role(Role.UNIT_STAFF, studio.unit), studio, year=TODAY.year,
                           kind="method", title="操作法")
    assert _count_queries(client, url) == one
