import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from core.management.commands.seed_demo import DEMO_PASSWORD
from studios.models import Leader, Member, Studio, StudioStatus
from unions.models import RECOMMENDING_KINDS, Role, Union, UnionKind, User

pytestmark = pytest.mark.django_db

MODELS = [Union, User, Leader, Studio, Member]


def _counts():
    return {m.__name__: m.objects.count() for m in MODELS}


def _seed(**options):
    call_command("seed_demo", verbosity=0, stdout=open("/dev/null", "w"), **options)


def test_seeding_twice_creates_nothing_twice():
    _seed()
    first = _counts()
    assert all(first.values()), first
    _seed()
    assert _counts() == first


def test_a_changed_password_survives_a_reseed():
    _seed()
    user = User.objects.get(username="unit")
    user.set_password("Another-pass-2027")
    user.save()
    _seed()
    assert authenticate(username="unit", password="Another-pass-2027")


@pytest.mark.parametrize("username,role", [
    ("unit", Role.UNIT_STAFF), ("unit2", Role.UNIT_STAFF), ("county", Role.RECOMMENDING_STAFF),
    ("city", Role.MUNICIPAL_STAFF), ("expert", Role.EXPERT), ("admin", Role.ADMIN),
])
def test_each_role_has_a_demo_account_that_can_log_in(username, role):
    _seed()
    user = authenticate(username=username, password=DEMO_PASSWORD)
    assert user is not None and user.role == role
    user.full_clean(exclude=["password"])  # the role fits the kind of its union


def test_demo_tree_is_the_real_jieyang_tree():
    _seed()
    root = Union.objects.get(depth=1)
    assert root.name == "揭阳市总工会" and root.kind == UnionKind.MUNICIPAL
    counties = set(Union.objects.filter(kind=UnionKind.COUNTY).values_list("name", flat=True))
    assert {"榕城区总工会", "揭东区总工会", "揭西县总工会", "惠来县总工会", "普宁市总工会"} <= counties
    assert Union.objects.filter(kind=UnionKind.DIRECT).count() >= 4
    assert Union.objects.filter(kind=UnionKind.COMMITTEE, name="揭阳市总工会女职工委员会").exists()
    assert User.objects.get(username="unit").union.recommending_union.name == "榕城区总工会"
    for unit in Union.objects.filter(kind=UnionKind.UNIT):
        parent = Union.objects.get_parent(unit)
        assert parent.kind in RECOMMENDING_KINDS and unit.recommending_union == parent


def test_demo_studios_cover_every_state_and_the_unit_account_has_two():
    _seed()
    assert set(Studio.objects.values_list("status", flat=True)) >= {
        StudioStatus.ACTIVE, StudioStatus.RECTIFYING, StudioStatus.DELISTED}
    assert Studio.objects.filter(unit=User.objects.get(username="unit").union).count() >= 2
    for studio in Studio.objects.all():
        assert studio.name == f"{studio.leader.name}劳模和工匠人才创新工作室"  # 第六条
        assert studio.members.exists()


def test_scale_adds_exactly_the_missing_synthetic_studios():
    _seed(scale=50)
    synthetic = Studio.objects.filter(name__startswith="合成领衔人")
    assert synthetic.count() == 50
    assert Member.objects.filter(studio__in=synthetic).count() == 150
    _seed(scale=50)
    assert synthetic.count() == 50
    _seed(scale=60)
    assert synthetic.count() == 60
    assert Union.objects.find_problems() == ([], [], [], [], [])


def test_synthetic_units_sit_in_the_tree_with_their_recommending_union():
    _seed(scale=30)
    county = Union.objects.get(name="榕城区总工会")
    subtree = Union.objects.filter(path__startswith=county.path, name__startswith="合成单位")
    assert subtree.exists()
    assert all(u.recommending_union == county for u in subtree)
    assert Union.objects.get(pk=county.pk).numchild == Union.objects.get_children(county).count()
