"""The admin of studios, leaders and members."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from studios.models import Studio
from tests import factories
from unions.models import Role


@pytest.fixture
def staff(root, login):
    return login(factories.user_with_role(Role.ADMIN, root, is_superuser=True))


def test_studio_changelist_shows_recommending_union_and_member_count(staff):
    county = factories.county_union("普宁市总工会")
    studio = factories.StudioFactory(unit=factories.unit_union(county))
    factories.MemberFactory(studio=studio)
    factories.MemberFactory(studio=studio)
    response = staff.get(reverse("admin:studios_studio_changelist"))
    [row] = response.context["cl"].result_list
    assert (row.unit.recommending_union, row.member_count) == (county, 2)
    assert "普宁市总工会" in response.content.decode()


def test_studio_changelist_filters_by_recommending_union(staff):
    county_a, county_b = factories.county_union(), factories.county_union()
    wanted = factories.StudioFactory(unit=factories.unit_union(county_a))
    factories.StudioFactory(unit=factories.unit_union(county_b))
    response = staff.get(reverse("admin:studios_studio_changelist"),
                         {"unit__recommending_union__id__exact": county_a.pk})
    assert list(response.context["cl"].result_list) == [wanted]


def test_studio_add_in_county_union_is_refused(staff):
    county = factories.county_union()
    leader = factories.LeaderFactory()
    response = staff.post(reverse("admin:studios_studio_add"), {
        "name": "错位工作室", "unit": county.pk, "leader": leader.pk, "status": "active", "named_year": 2025,
        "members-TOTAL_FORMS": 0, "members-INITIAL_FORMS": 0})
    assert response.status_code == 200
    assert "unit" in response.context["adminform"].form.errors
    assert not Studio.objects.filter(name="错位工作室").exists()


def test_studio_add_with_members_inline_works(staff):
    unit = factories.unit_union()
    leader = factories.LeaderFactory(unit=unit)
    response = staff.post(reverse("admin:studios_studio_add"), {
        "name": "新工作室", "unit": unit.pk, "leader": leader.pk, "status": "active", "named_year": 2025,
        "members-TOTAL_FORMS": 1, "members-INITIAL_FORMS": 0,
        "members-0-name": "成员甲", "members-0-role": "core"})
    assert response.status_code == 302
    assert list(Studio.objects.get(name="新工作室").members.values_list("name", flat=True)) == ["成员甲"]


def test_studio_unit_autocomplete_offers_only_unit_unions(staff):
    county = factories.county_union("自动补全县总工会")
    unit = factories.unit_union(county, "自动补全单位工会")
    response = staff.get(reverse("admin:autocomplete"), {
        "app_label": "studios", "model_name": "studio", "field_name": "unit", "term": "自动补全"})
    assert [r["id"] for r in response.json()["results"]] == [str(unit.pk)]


@pytest.mark.parametrize("name,text", [
    ("studios_studio", "创新工作室"), ("studios_leader", "领衔人"), ("studios_member", "工作室成员")])
@pytest.mark.parametrize("view", ["changelist", "add"])
def test_studio_admin_pages_answer_in_chinese(staff, name, text, view):
    response = staff.get(reverse(f"admin:{name}_{view}"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'lang="zh-hans"' in page and text in page


def _changelist_queries(client, name):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["studios_studio", "studios_leader", "studios_member"])
def test_studio_admin_changelist_queries_do_not_grow_with_rows(staff, name):
    def add_row():
        factories.MemberFactory(studio=factories.StudioFactory())  # one studio, leader and member

    add_row()
    one = _changelist_queries(staff, name)
    add_row()
    add_row()
    assert _changelist_queries(staff, name) == one
