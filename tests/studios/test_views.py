from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from studios.models import StudioStatus
from tests import factories
from unions.models import Role


@pytest.fixture
def county(db):
    return factories.county_union("榕城区总工会")


@pytest.fixture
def county_user(county):
    return factories.user_with_role(Role.RECOMMENDING_STAFF, county)


def _studios(county, n):
    for i in range(n):
        unit = factories.unit_union(county)
        factories.MemberFactory.create_batch(2, studio=factories.StudioFactory(unit=unit, named_year=2020 + i))


def _count_queries(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("params", [{}, {"q": "领衔人", "status": "titled"}])
def test_studio_list_queries_do_not_grow_with_rows(county, county_user, login, params):
    client = login(county_user)
    url = reverse("studios:list")
    _studios(county, 1)
    one = _count_queries(client, url, params)
    _studios(county, 2)
    three = _count_queries(client, url, params)
    assert one == three
    assert len(client.get(url, params).context["page"].object_list) == 3


def test_studio_list_shows_leader_unit_and_recommending_union(county, county_user, login):
    studio = factories.StudioFactory(unit=factories.unit_union(county, "金叶机械工会"))
    factories.MemberFactory.create_batch(3, studio=studio)
    html = login(county_user).get(reverse("studios:list")).content.decode()
    assert studio.name in html
    assert "金叶机械工会" in html and "榕城区总工会" in html
    assert ">3<" in html  # member count column


def test_studio_list_search_matches_name_leader_or_unit(county, county_user, login):
    a = factories.StudioFactory(unit=factories.unit_union(county, "金叶机械工会"), leader__name="陈伟")
    b = factories.StudioFactory(unit=factories.unit_union(county, "海港物流工会"), leader__name="林芳")
    client = login(county_user)
    for term, expected in [("陈伟", {a}), ("海港", {b}), ("劳模和工匠", {a, b}), ("不存在", set())]:
        page = client.get(reverse("studios:list"), {"q": term}).context["page"]
        assert set(page.object_list) == expected, term


def test_studio_list_status_filter_and_groups(county, county_user, login):
    active = factories.StudioFactory(unit=factories.unit_union(county))
    rectifying = factories.StudioFactory(unit=factories.unit_union(county), status=StudioStatus.RECTIFYING)
    delisted = factories.StudioFactory(unit=factories.unit_union(county), status=StudioStatus.DELISTED)
    client = login(county_user)

    def listed(status):
        return set(client.get(reverse("studios:list"), {"status": status}).context["page"].object_list)

    assert listed("titled") == {active, rectifying}
    assert listed("ended") == {delisted}
    assert listed(StudioStatus.RECTIFYING) == {rectifying}


def test_studio_list_filters_by_recommending_union_within_the_users_scope(county, county_user, login):
    other = factories.county_union("普宁市总工会")
    mine = factories.StudioFactory(unit=factories.unit_union(county))
    theirs = factories.StudioFactory(unit=factories.unit_union(other))
    city = login(factories.user_with_role(Role.MUNICIPAL_STAFF, factories.municipal_union()))
    response = city.get(reverse("studios:list"), {"recommending": other.pk})
    assert set(response.context["page"].object_list) == {theirs}
    html = response.content.decode()
    assert f'<option value="{other.pk}" selected>普宁市总工会</option>' in html
    assert f'<option value="{county.pk}">榕城区总工会</option>' in html
    # A county's own staff are offered their own union only; another's is refused with the field's message, and
    # the list stays within the county's own studios
    client = login(county_user)
    html = client.get(reverse("studios:list")).content.decode()
    assert "榕城区总工会</option>" in html and "普宁市总工会" not in html
    response = client.get(reverse("studios:list"), {"recommending": other.pk})
    assert set(response.context["page"].object_list) == {mine} and "选择一个有效的选项" in response.content.decode()
    assert set(client.get(reverse("studios:list"), {"recommending": county.pk}).context["page"].object_list) == {mine}


def test_studio_list_rejects_a_bad_year_with_a_message(county, county_user, login):
    response = login(county_user).get(reverse("studios:list"), {"named_year": "abc"})
    assert response.status_code == 200
    assert "输入一个数字" in response.content.decode() or "请输入" in response.content.decode()


def test_studio_list_pages_by_cursor_and_keeps_the_filter(county, county_user, login, settings):
    settings.PAGE_SIZE = 2
    _studios(county, 3)
    client = login(county_user)
    first = client.get(reverse("studios:list"), {"status": "active"})
    assert len(first.context["page"].object_list) == 2
    next_cursor = first.context["page"].next_cursor
    assert urlencode({"status": "active", "cursor": next_cursor}).replace("&", "&amp;") in first.content.decode()
    second = client.get(reverse("studios:list"), {"status": "active", "cursor": next_cursor})
    assert len(second.context["page"].object_list) == 1
    assert not {s.pk for s in second.context["page"]} & {s.pk for s in first.context["page"]}
    assert client.get(reverse("studios:list"), {"cursor": "x"}).context["page"].object_list == (
        first.context["page"].object_list)


def test_studio_list_htmx_request_gets_only_the_table(county, county_user, login):
    _studios(county, 1)
    response = login(county_user).get(reverse("studios:list"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<table" in html and "<html" not in html


def test_studio_list_empty_state(county_user, login):
    html = login(county_user).get(reverse("studios:list")).content.decode()
    assert "您的管辖范围内还没有已命名的创新工作室" in html


def test_studio_detail_shows_leader_and_members(county, county_user, login):
    studio = factories.StudioFactory(unit=factories.unit_union(county), leader__name="陈伟")
    factories.MemberFactory(studio=studio, name="黄晓明")
    html = login(county_user).get(reverse("studios:detail", args=[studio.pk])).content.decode()
    assert "陈伟劳模和工匠人才创新工作室" in html and "黄晓明" in html and "市级劳动模范" in html


def test_studio_detail_unknown_id_is_404(county_user, login):
    assert login(county_user).get(reverse("studios:detail", args=[999999])).status_code == 404
