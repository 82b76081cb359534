import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from unions.models import Role


def _count_queries(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("params", [{}, {"kind": "unit"}, {"q": "单位"}])
def test_union_list_queries_do_not_grow_with_rows(root, login, params):
    client = login(factories.user_with_role(Role.MUNICIPAL_STAFF))
    county = factories.county_union()
    factories.StudioFactory(unit=factories.unit_union(county))
    one = _count_queries(client, reverse("unions:list"), params)
    for _ in range(3):
        factories.StudioFactory(unit=factories.unit_union(county))
        factories.user_with_role(Role.RECOMMENDING_STAFF, factories.county_union())
    assert _count_queries(client, reverse("unions:list"), params) == one


def test_union_list_counts_studios_and_accounts(root, login):
    county = factories.county_union("榕城区总工会")
    unit = factories.unit_union(county, "金叶机械工会")
    factories.StudioFactory.create_batch(2, unit=unit)
    factories.user_with_role(Role.UNIT_STAFF, unit)
    client = login(factories.user_with_role(Role.RECOMMENDING_STAFF, county))
    rows = {u.name: u for u in client.get(reverse("unions:list")).context["page"].object_list}
    assert rows["金叶机械工会"].studio_count == 2
    assert rows["金叶机械工会"].user_count == 1
    assert rows["榕城区总工会"].user_count == 1


def test_union_list_kind_filter(root, login):
    county = factories.county_union()
    unit = factories.unit_union(county)
    client = login(factories.user_with_role(Role.MUNICIPAL_STAFF))
    assert set(client.get(reverse("unions:list"), {"kind": "unit"}).context["page"].object_list) == {unit}
    assert county in set(client.get(reverse("unions:list"), {"kind": "recommending"}).context["page"].object_list)


def test_union_detail_shows_breadcrumbs_children_and_studios(root, login):
    county = factories.county_union("榕城区总工会")
    unit = factories.unit_union(county, "金叶机械工会")
    studio = factories.StudioFactory(unit=unit)
    client = login(factories.user_with_role(Role.MUNICIPAL_STAFF))
    html = client.get(reverse("unions:detail", args=[county.pk])).content.decode()
    assert "揭阳市总工会" in html and "金叶机械工会" in html and studio.name in html
    unit_html = client.get(reverse("unions:detail", args=[unit.pk])).content.decode()
    assert "推荐单位：榕城区总工会" in unit_html


def test_union_detail_queries_do_not_grow_with_children(root, login):
    client = login(factories.user_with_role(Role.MUNICIPAL_STAFF))
    county = factories.county_union()
    factories.StudioFactory(unit=factories.unit_union(county))
    one = _count_queries(client, reverse("unions:detail", args=[county.pk]))
    for _ in range(3):
        factories.StudioFactory(unit=factories.unit_union(county))
    assert _count_queries(client, reverse("unions:detail", args=[county.pk])) == one


def test_unit_staff_have_no_union_menu_but_may_see_their_own_union(root, login):
    user = factories.user_with_role(Role.UNIT_STAFF)
    client = login(user)
    html = client.get(reverse("dashboard")).content.decode()
    assert reverse("unions:list") not in html
    assert client.get(reverse("unions:detail", args=[user.union.pk])).status_code == 200
