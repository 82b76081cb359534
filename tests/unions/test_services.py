import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tests import factories
from unions.models import Role, Union, UnionKind, role_union_error
from unions.services import deletion_blockers, union_create, union_delete, union_move, union_update


def test_unit_recommending_union_is_its_county(root):
    county = factories.county_union()
    unit = union_create(parent=county, name="某单位工会", kind=UnionKind.UNIT)
    assert unit.recommending_union == county
    assert Union.objects.get(pk=unit.pk).recommending_union == county


def test_direct_union_recommends_its_units(root):
    direct = union_create(parent=root, name="揭阳市教育工会", kind=UnionKind.DIRECT)
    unit = union_create(parent=direct, name="某学校工会", kind=UnionKind.UNIT)
    assert direct.recommending_union == direct
    assert unit.recommending_union == direct


def test_root_and_committee_have_no_recommending_union(root):
    committee = union_create(parent=root, name="揭阳市总工会女职工委员会", kind=UnionKind.COMMITTEE)
    assert root.recommending_union is None
    assert committee.recommending_union is None


@pytest.mark.parametrize("kind", [UnionKind.UNIT, UnionKind.MUNICIPAL])
def test_create_refuses_a_wrong_parent(root, kind):
    with pytest.raises(ValidationError) as error:
        union_create(parent=root, name="错误的工会", kind=kind)
    assert "parent" in error.value.message_dict
    assert not Union.objects.filter(name="错误的工会").exists()


def test_a_second_root_is_refused(root):
    with pytest.raises(ValidationError, match="根节点"):
        union_create(parent=None, name="第二个市总工会", kind=UnionKind.MUNICIPAL)


def test_duplicate_name_is_refused(root):
    factories.county_union("榕城区总工会")
    with pytest.raises(ValidationError):
        union_create(parent=root, name="榕城区总工会", kind=UnionKind.COUNTY)
    assert Union.objects.filter(name="榕城区总工会").count() == 1


def test_move_unit_to_another_county_updates_path_and_recommending(root):
    county_a, county_b = factories.county_union(), factories.county_union()
    unit = factories.unit_union(county_a)
    moved = union_move(unit, county_b)
    assert moved.path.startswith(county_b.path)
    assert moved.recommending_union == county_b
    assert Union.objects.find_problems() == ([], [], [], [], [])


def test_move_unit_under_the_root_is_refused_and_changes_nothing(root):
    unit = factories.unit_union()
    before = Union.objects.get(pk=unit.pk).path
    with pytest.raises(ValidationError):
        union_move(unit, root)
    assert Union.objects.get(pk=unit.pk).path == before


def test_move_into_own_subtree_is_refused(root):
    county = factories.county_union()
    unit = factories.unit_union(county)
    with pytest.raises(ValidationError, match="下级"):
        union_move(county, unit)


def test_rename(root):
    county = factories.county_union("旧名总工会")
    union_update(county, name="新名总工会")
    assert Union.objects.get(pk=county.pk).name == "新名总工会"


@pytest.mark.parametrize("blocker", ["user", "studio", "child"])
def test_union_with_dependents_cannot_be_deleted(root, blocker):
    county = factories.county_union()
    unit = factories.unit_union(county)
    target = unit if blocker != "child" else county
    if blocker == "user":
        factories.user_with_role(Role.UNIT_STAFF, unit)
    elif blocker == "studio":
        factories.StudioFactory(unit=unit)
    assert deletion_blockers(target)
    with pytest.raises(ValidationError):
        union_delete(target)
    assert Union.objects.filter(pk=target.pk).exists()


def test_empty_union_can_be_deleted(root):
    county = factories.county_union()
    unit = factories.unit_union(county)
    union_delete(unit)
    assert not Union.objects.filter(pk=unit.pk).exists()
    assert Union.objects.get(pk=county.pk).numchild == 0


@pytest.mark.parametrize("role,kind,ok", [
    (Role.UNIT_STAFF, UnionKind.UNIT, True),
    (Role.UNIT_STAFF, UnionKind.COUNTY, False),
    (Role.RECOMMENDING_STAFF, UnionKind.COUNTY, True),
    (Role.RECOMMENDING_STAFF, UnionKind.UNIT, False),
    (Role.MUNICIPAL_STAFF, UnionKind.MUNICIPAL, True),
    (Role.MUNICIPAL_STAFF, UnionKind.COUNTY, False),
    (Role.ADMIN, UnionKind.UNIT, False),
    (Role.EXPERT, UnionKind.UNIT, True),
])
def test_role_must_match_the_kind_of_union(root, role, kind, ok):
    union = {UnionKind.UNIT: factories.unit_union, UnionKind.COUNTY: factories.county_union,
             UnionKind.MUNICIPAL: lambda: root}[kind]()
    assert (role_union_error(role, union) is None) == ok


def test_user_without_union_is_invalid(db):
    user = factories.UserFactory.build(union=None)
    with pytest.raises(ValidationError) as error:
        user.full_clean(exclude=["password"])
    assert "union" in error.value.message_dict


@pytest.mark.parametrize("password,ok", [("Ab3-cd5-efgh", True), ("Ab3-cd5-efg", False), ("1234567890123", False)])
def test_passwords_need_twelve_characters_and_django_validators(password, ok):
    if ok:
        validate_password(password)
    else:
        with pytest.raises(ValidationError):
            validate_password(password)


def test_an_empty_county_can_be_deleted_though_it_recommends_itself(root):
    county = factories.county_union()
    union_delete(county)
    assert not Union.objects.filter(pk=county.pk).exists()
