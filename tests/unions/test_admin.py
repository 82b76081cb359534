import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from unions.models import Role, Union, UnionKind, User


@pytest.fixture
def admin_user(root):
    return factories.user_with_role(Role.ADMIN, is_superuser=True)


@pytest.fixture
def staff(admin_user, login):
    return login(admin_user)


def _union_form(name, kind, parent, **extra):
    return {"name": name, "kind": kind, "parent": parent.pk if parent else "",
            "contact_person": "", "contact_phone": "", "address": "", **extra}


def test_add_county_under_the_root(staff, root):
    response = staff.post(reverse("admin:unions_union_add"), _union_form("揭东区总工会", UnionKind.COUNTY, root))
    assert response.status_code == 302, response.content.decode()[:2000]
    county = Union.objects.get(name="揭东区总工会")
    assert Union.objects.get_parent(county) == root
    assert county.recommending_union == county


def test_add_unit_under_a_county_gets_its_recommending_union(staff, root):
    county = factories.county_union("揭西县总工会")
    staff.post(reverse("admin:unions_union_add"), _union_form("某茶业公司工会", UnionKind.UNIT, county))
    assert Union.objects.get(name="某茶业公司工会").recommending_union == county


def test_unit_directly_under_the_root_is_refused(staff, root):
    response = staff.post(reverse("admin:unions_union_add"), _union_form("错位单位工会", UnionKind.UNIT, root))
    assert response.status_code == 200
    assert "单位工会的上级工会必须是" in response.content.decode()
    assert not Union.objects.filter(name="错位单位工会").exists()


def test_move_unit_to_another_county(staff, root):
    county_a, county_b = factories.county_union("甲县总工会"), factories.county_union("乙县总工会")
    unit = factories.unit_union(county_a, "流动单位工会")
    response = staff.post(reverse("admin:unions_union_change", args=[unit.pk]),
                          _union_form("流动单位工会", UnionKind.UNIT, county_b))
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.path.startswith(county_b.path) and unit.recommending_union == county_b
    assert Union.objects.get(pk=county_a.pk).numchild == 0


def test_move_county_under_its_own_unit_is_refused(staff, root):
    county = factories.county_union("甲县总工会")
    direct = factories.county_union("某市直工会", kind=UnionKind.DIRECT)
    unit = factories.unit_union(county)
    path = county.path
    response = staff.post(reverse("admin:unions_union_change", args=[county.pk]),
                          _union_form("甲县总工会", UnionKind.COUNTY, direct))
    assert response.status_code == 200
    assert "上级工会必须是" in response.content.decode()
    assert Union.objects.get(pk=county.pk).path == path
    assert unit  # untouched


def test_rename(staff, root):
    county = factories.county_union("旧名总工会")
    staff.post(reverse("admin:unions_union_change", args=[county.pk]), _union_form("新名总工会", UnionKind.COUNTY, root))
    assert Union.objects.get(pk=county.pk).name == "新名总工会"


@pytest.mark.parametrize("blocker,text", [("user", "个账号"), ("studio", "个创新工作室"), ("child", "个下级工会")])
def test_union_with_dependents_cannot_be_deleted(staff, root, blocker, text):
    county = factories.county_union()
    unit = factories.unit_union(county)
    target = county if blocker == "child" else unit
    if blocker == "user":
        factories.user_with_role(Role.UNIT_STAFF, unit)
    elif blocker == "studio":
        factories.StudioFactory(unit=unit)
    page = staff.get(reverse("admin:unions_union_delete", args=[target.pk])).content.decode()
    assert text in page
    staff.post(reverse("admin:unions_union_delete", args=[target.pk]), {"post": "yes"})
    assert Union.objects.filter(pk=target.pk).exists()


def test_bulk_delete_with_a_blocked_union_deletes_nothing(staff, root):
    county = factories.county_union()
    empty, used = factories.unit_union(county), factories.unit_union(county)
    factories.user_with_role(Role.UNIT_STAFF, used)
    response = staff.post(reverse("admin:unions_union_changelist"), {
        "action": "delete_selected", "_selected_action": [empty.pk, used.pk], "post": "yes"})
    assert "个账号" in response.content.decode()
    assert Union.objects.filter(pk__in=[empty.pk, used.pk]).count() == 2


def test_empty_unit_can_be_deleted(staff, root):
    county = factories.county_union()
    unit = factories.unit_union(county)
    response = staff.post(reverse("admin:unions_union_delete", args=[unit.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Union.objects.filter(pk=unit.pk).exists()
    assert Union.objects.get(pk=county.pk).numchild == 0


def test_user_role_must_fit_the_union(staff, root):
    county = factories.county_union()
    response = staff.post(reverse("admin:unions_user_add"), {
        "username": "wrongrole", "full_name": "某人", "email": "", "role": Role.UNIT_STAFF, "union": county.pk,
        "password1": "Zhong-guo-2026!", "password2": "Zhong-guo-2026!"})
    assert response.status_code == 200
    assert "只能属于单位工会" in response.content.decode()
    assert not User.objects.filter(username="wrongrole").exists()


def test_user_short_password_is_refused(staff, root):
    unit = factories.unit_union()
    response = staff.post(reverse("admin:unions_user_add"), {
        "username": "shortpw", "full_name": "某人", "email": "", "role": Role.UNIT_STAFF, "union": unit.pk,
        "password1": "Ab3-xyz", "password2": "Ab3-xyz"})
    assert "密码太短" in response.content.decode()
    assert not User.objects.filter(username="shortpw").exists()


def test_user_add_works(staff, root):
    unit = factories.unit_union()
    response = staff.post(reverse("admin:unions_user_add"), {
        "username": "newunit", "full_name": "新人", "email": "n@example.cn", "role": Role.UNIT_STAFF,
        "union": unit.pk, "password1": "Zhong-guo-2026!", "password2": "Zhong-guo-2026!"})
    assert response.status_code == 302
    assert User.objects.get(username="newunit").union == unit


@pytest.mark.parametrize("name", ["unions_union", "unions_user", "studios_studio", "studios_leader", "studios_member"])
def test_admin_pages_answer_in_chinese(staff, name):
    for view in ("changelist", "add"):
        response = staff.get(reverse(f"admin:{name}_{view}"))
        assert response.status_code == 200
        assert 'lang="zh-hans"' in response.content.decode()


def _changelist_queries(client, name):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["unions_union", "unions_user", "studios_studio", "studios_leader", "studios_member"])
def test_admin_changelists_do_not_grow_in_queries(staff, root, name):
    def add_rows():
        studio = factories.StudioFactory()
        factories.MemberFactory(studio=studio)
        factories.user_with_role(Role.UNIT_STAFF, studio.unit)

    add_rows()
    one = _changelist_queries(staff, name)
    add_rows()
    add_rows()
    assert _changelist_queries(staff, name) == one
