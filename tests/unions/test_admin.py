"""The admin of the union tree and accounts: tree changes go through unions.services."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from unions.models import Role, Union, UnionKind, User

STRONG_PASSWORD = "Zhong-guo-2026!"


@pytest.fixture
def superuser(root):
    return factories.user_with_role(Role.ADMIN, root, is_superuser=True)


@pytest.fixture
def staff(superuser, login):
    return login(superuser)


def _union_form(name, kind, parent, **extra):
    return {"name": name, "kind": kind, "parent": parent.pk if parent else "",
            "contact_person": "", "contact_phone": "", "address": "", **extra}


def _form_errors(response):
    return response.context["adminform"].form.errors


def _add_union(client, *args):
    return client.post(reverse("admin:unions_union_add"), _union_form(*args))


def _change_union(client, union, *args, **extra):
    return client.post(reverse("admin:unions_union_change", args=[union.pk]), _union_form(*args, **extra))


# Adding and moving unions


def test_union_add_county_under_root_recommends_itself(staff, root):
    response = _add_union(staff, "揭东区总工会", UnionKind.COUNTY, root)
    assert response.status_code == 302
    county = Union.objects.get(name="揭东区总工会")
    assert Union.objects.get_parent(county) == root
    assert county.recommending_union == county


def test_union_add_unit_under_county_is_recommended_by_it(staff, root):
    county = factories.county_union("揭西县总工会")
    assert _add_union(staff, "某茶业公司工会", UnionKind.UNIT, county).status_code == 302
    unit = Union.objects.get(name="某茶业公司工会")
    assert Union.objects.get_parent(unit) == county
    assert unit.recommending_union == county


def test_union_add_unit_under_root_is_refused(staff, root):
    response = _add_union(staff, "错位单位工会", UnionKind.UNIT, root)
    assert response.status_code == 200
    assert "单位工会的上级工会必须是县（市、区）总工会、市直基层工会" in str(_form_errors(response)["parent"])
    assert not Union.objects.filter(name="错位单位工会").exists()
    assert Union.objects.get(pk=root.pk).numchild == 0


def test_union_add_duplicate_name_shows_one_error(staff, root):
    factories.county_union("重名总工会")
    response = _add_union(staff, "重名总工会", UnionKind.COUNTY, root)
    assert response.status_code == 200
    assert len(_form_errors(response)["name"]) == 1
    assert Union.objects.filter(name="重名总工会").count() == 1


def test_union_move_unit_to_another_county_updates_path_and_recommending_union(staff, root):
    county_a, county_b = factories.county_union("甲县总工会"), factories.county_union("乙县总工会")
    unit = factories.unit_union(county_a, "流动单位工会")
    response = _change_union(staff, unit, "流动单位工会", UnionKind.UNIT, county_b)
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.path.startswith(county_b.path)
    assert unit.recommending_union == county_b
    assert Union.objects.get(pk=county_a.pk).numchild == 0


def test_union_move_unit_under_root_is_refused(staff, root):
    county = factories.county_union()
    unit = factories.unit_union(county, "原地单位工会")
    response = _change_union(staff, unit, "改了名的单位工会", UnionKind.UNIT, root)
    assert response.status_code == 200
    assert "单位工会的上级工会必须是" in str(_form_errors(response)["parent"])
    unchanged = Union.objects.get(pk=unit.pk)
    assert (unchanged.name, unchanged.path, unchanged.recommending_union) == ("原地单位工会", unit.path, county)


def test_union_move_under_own_descendant_is_refused(staff, root):
    county = factories.county_union()
    response = _change_union(staff, root, root.name, UnionKind.MUNICIPAL, county)
    assert response.status_code == 200
    assert "不能把工会移动到它自己或它的下级工会之下" in str(_form_errors(response)["parent"])
    assert Union.objects.get(pk=root.pk).path == root.path


def test_union_move_county_under_direct_union_is_refused(staff, root):
    county = factories.county_union("甲县总工会")
    direct = factories.county_union("某市直工会", kind=UnionKind.DIRECT)
    response = _change_union(staff, county, "甲县总工会", UnionKind.COUNTY, direct)
    assert "县（市、区）总工会的上级工会必须是市总工会" in str(_form_errors(response)["parent"])
    assert Union.objects.get(pk=county.pk).path == county.path


def test_union_rename_keeps_its_place(staff, root):
    county = factories.county_union("旧名总工会")
    response = _change_union(staff, county, "新名总工会", UnionKind.COUNTY, root, contact_person="张三")
    assert response.status_code == 302
    renamed = Union.objects.get(pk=county.pk)
    assert (renamed.name, renamed.contact_person, renamed.path) == ("新名总工会", "张三", county.path)


def test_union_kind_is_read_only_on_change(staff, root):
    county = factories.county_union("定类总工会")
    page = staff.get(reverse("admin:unions_union_change", args=[county.pk])).content.decode()
    assert 'name="kind"' not in page
    _change_union(staff, county, "定类总工会", UnionKind.DIRECT, root)
    assert Union.objects.get(pk=county.pk).kind == UnionKind.COUNTY


# Deleting unions


@pytest.mark.parametrize("blocker,text", [("user", "个账号"), ("studio", "个创新工作室"), ("child", "个下级工会")])
def test_union_delete_with_dependents_is_refused(staff, root, blocker, text):
    county = factories.county_union()
    unit = factories.unit_union(county)
    target = county if blocker == "child" else unit
    if blocker == "user":
        factories.user_with_role(Role.UNIT_STAFF, unit)
    elif blocker == "studio":
        factories.StudioFactory(unit=unit)
    url = reverse("admin:unions_union_delete", args=[target.pk])
    assert text in staff.get(url).content.decode()
    response = staff.post(url, {"post": "yes"})
    assert text in response.content.decode()
    assert Union.objects.filter(pk=target.pk).exists()


def test_union_bulk_delete_with_a_blocked_union_deletes_nothing(staff, root):
    county = factories.county_union()
    empty, used = factories.unit_union(county), factories.unit_union(county)
    factories.user_with_role(Role.UNIT_STAFF, used)
    response = staff.post(reverse("admin:unions_union_changelist"), {
        "action": "delete_selected", "_selected_action": [empty.pk, used.pk], "post": "yes"})
    assert "个账号" in response.content.decode()
    assert Union.objects.filter(pk__in=[empty.pk, used.pk]).count() == 2


def test_union_bulk_delete_of_empty_units_works(staff, root):
    county = factories.county_union()
    units = [factories.unit_union(county), factories.unit_union(county)]
    response = staff.post(reverse("admin:unions_union_changelist"), {
        "action": "delete_selected", "_selected_action": [u.pk for u in units], "post": "yes"})
    assert response.status_code == 302
    assert not Union.objects.filter(pk__in=[u.pk for u in units]).exists()
    assert Union.objects.get(pk=county.pk).numchild == 0


def test_union_delete_of_empty_unit_works(staff, root):
    county = factories.county_union()
    unit = factories.unit_union(county)
    response = staff.post(reverse("admin:unions_union_delete", args=[unit.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Union.objects.filter(pk=unit.pk).exists()
    assert Union.objects.get(pk=county.pk).numchild == 0


# The changelist


def test_union_changelist_shows_tree_with_counts(staff, root):
    county = factories.county_union("榕城区总工会")
    unit = factories.unit_union(county, "某纺织厂工会")
    factories.user_with_role(Role.UNIT_STAFF, unit)
    factories.StudioFactory(unit=unit)
    result = list(staff.get(reverse("admin:unions_union_changelist")).context["cl"].result_list)
    assert [u.indented_name for u in result] == ["揭阳市总工会", "　榕城区总工会", "　　某纺织厂工会"]
    assert (result[2].recommending_union, result[2].user_count, result[2].studio_count) == (county, 1, 1)
    assert result[1].numchild == 1


# Accounts


def _user_add(client, **data):
    return client.post(reverse("admin:unions_user_add"), {
        "username": "newuser", "full_name": "新人", "email": "", "role": Role.UNIT_STAFF,
        "password1": STRONG_PASSWORD, "password2": STRONG_PASSWORD, **data})


def test_user_add_with_role_not_fitting_union_is_refused(staff, root):
    county = factories.county_union()
    response = _user_add(staff, username="wrongrole", union=county.pk)
    assert response.status_code == 200
    assert "只能属于单位工会" in str(_form_errors(response)["union"])
    assert not User.objects.filter(username="wrongrole").exists()


def test_user_add_with_short_password_is_refused(staff, root):
    unit = factories.unit_union()
    response = _user_add(staff, username="shortpw", union=unit.pk, password1="Ab3-xyz", password2="Ab3-xyz")
    assert response.status_code == 200
    assert "密码太短" in str(_form_errors(response)["password2"])
    assert not User.objects.filter(username="shortpw").exists()


def test_user_add_with_valid_data_creates_account(staff, root):
    unit = factories.unit_union()
    response = _user_add(staff, username="newunit", union=unit.pk)
    assert response.status_code == 302
    user = User.objects.get(username="newunit")
    assert (user.union, user.role, user.full_name) == (unit, Role.UNIT_STAFF, "新人")
    assert user.check_password(STRONG_PASSWORD)


def test_user_change_to_role_not_fitting_union_is_refused(staff, root):
    user = factories.user_with_role(Role.UNIT_STAFF)
    response = staff.post(reverse("admin:unions_user_change", args=[user.pk]), {
        "username": user.username, "full_name": user.full_name, "email": user.email, "phone": "", "title": "",
        "union": user.union_id, "role": Role.RECOMMENDING_STAFF, "is_active": "on"})
    assert response.status_code == 200
    assert "只能属于县（市、区）总工会、市直基层工会" in str(_form_errors(response)["union"])
    assert User.objects.get(pk=user.pk).role == Role.UNIT_STAFF


def test_user_changelist_filters_by_union_kind(staff, root):
    unit_user = factories.user_with_role(Role.UNIT_STAFF)
    factories.user_with_role(Role.RECOMMENDING_STAFF)
    response = staff.get(reverse("admin:unions_user_changelist"), {"union__kind": UnionKind.UNIT})
    assert list(response.context["cl"].result_list) == [unit_user]
    assert "工会类别" in response.content.decode()


# Pages in Chinese, queries per page


@pytest.mark.parametrize("name,text", [("unions_union", "工会"), ("unions_user", "账号")])
@pytest.mark.parametrize("view", ["changelist", "add"])
def test_union_admin_pages_answer_in_chinese(staff, name, text, view):
    response = staff.get(reverse(f"admin:{name}_{view}"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'lang="zh-hans"' in page and text in page
    assert "After you" not in page  # Django's untranslated hint on the account add page


def _changelist_queries(client, name):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["unions_union", "unions_user"])
def test_union_admin_changelist_queries_do_not_grow_with_rows(staff, root, name):
    def add_row():
        unit = factories.unit_union()
        factories.user_with_role(Role.UNIT_STAFF, unit)
        factories.StudioFactory(unit=unit)

    add_row()
    one = _changelist_queries(staff, name)
    add_row()
    add_row()
    assert _changelist_queries(staff, name) == one


def test_admin_deletes_an_empty_county(staff, root):
    county = factories.county_union("空县总工会")
    page = staff.get(reverse("admin:unions_union_delete", args=[county.pk])).content.decode()
    assert "无法删除" not in page and "不能删除" not in page
    staff.post(reverse("admin:unions_union_delete", args=[county.pk]), {"post": "yes"})
    assert not Union.objects.filter(pk=county.pk).exists()


@pytest.mark.parametrize("name", [
    "reviews_naminground", "reviews_application", "reviews_expertpanel", "reviews_assignment",
    "reviews_deliberation", "reviews_objection", "reviews_sitevisit", "core_transitionlog", "core_notification",
    "core_calendarday", "rules_ruleset", "documents_officialdocument", "studios_changerequest", "studios_delisting",
    "studios_formername", "assessments_annualreport", "assessments_annualassessment",
    "studios_studioresult", "studios_trainingrecord", "assessments_assessmentcycle", "assessments_cycleevaluation",
    "assessments_cyclereview", "assessments_rectification", "assessments_recommendation",
    "subsidies_bankaccount", "subsidies_subsidygrant", "subsidies_transfer", "subsidies_ledgerentry",
])
def test_workflow_admin_lists_answer_and_records_cannot_be_added_there(staff, name):
    assert staff.get(reverse(f"admin:{name}_changelist")).status_code == 200
    can_add = name in {"core_calendarday", "rules_ruleset"}
    assert (staff.get(reverse(f"admin:{name}_add")).status_code == 200) == can_add


def test_every_project_model_is_in_the_admin():
    from django.apps import apps
    from django.contrib import admin as django_admin

    internal = {"ApplicationUserObjectPermission", "ApplicationGroupObjectPermission", "ScoringCriterion",
                "ApplicationMember", "ApplicationResult", "ApplicationAttachment", "ScoreItem",
                "CycleEvaluationUserObjectPermission", "CycleEvaluationGroupObjectPermission"}  # shown as inlines
    from pathlib import Path

    from django.conf import settings

    project = {a.label for a in apps.get_app_configs()
               if Path(a.path).is_relative_to(settings.BASE_DIR) and ".venv" not in Path(a.path).parts}
    assert {"unions", "reviews", "documents"} <= project
    missing = [m.__name__ for m in apps.get_models() if m._meta.app_label in project
               and m not in django_admin.site._registry and m.__name__ not in internal]
    assert missing == []
