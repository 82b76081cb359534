import pytest
from django.core.management import call_command
from django.urls import reverse

from reviews import application_services, services

from studios.models import StudioStatus
from tests import factories
from tests.reviews.conftest import complete_draft
from unions.models import Role, User


@pytest.fixture
def tree(root):
    county = factories.county_union("榕城区总工会")
    other = factories.county_union("普宁市总工会")
    unit = factories.unit_union(county)
    factories.StudioFactory(unit=unit)
    factories.StudioFactory(unit=unit, status=StudioStatus.RECTIFYING)
    factories.StudioFactory(unit=factories.unit_union(other))
    factories.StudioFactory(unit=factories.unit_union(other), status=StudioStatus.DELISTED)
    return {"county": county, "unit": unit}


def _cards(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return {str(c.label): c.value for c in response.context["cards"]}


def test_municipal_dashboard_counts_the_whole_city(tree, login):
    cards = _cards(login(factories.user_with_role(Role.MUNICIPAL_STAFF)))
    assert cards["在册创新工作室"] == 3
    assert cards["限期整改"] == 1
    assert cards["已取消或摘牌"] == 1
    assert cards["推荐单位"] == 2
    assert cards["单位工会"] == 3


def test_recommending_dashboard_counts_its_area_only(tree, login):
    cards = _cards(login(factories.user_with_role(Role.RECOMMENDING_STAFF, tree["county"])))
    assert cards == {"辖区创新工作室": 2, "限期整改": 1, "待审核变更": 0, "辖区单位工会": 1}


def test_unit_dashboard_counts_its_own_studios(tree, login):
    factories.MemberFactory.create_batch(2, studio=tree["unit"].studios.first())
    cards = _cards(login(factories.user_with_role(Role.UNIT_STAFF, tree["unit"])))
    assert cards == {"本单位创新工作室": 2, "限期整改": 1, "工作室成员": 2}


def test_admin_dashboard_counts_accounts(tree, login):
    admin = factories.user_with_role(Role.ADMIN)
    cards = _cards(login(admin))
    assert cards["有效账号"] == 1


def test_expert_dashboard_has_an_empty_state(tree, login):
    html = login(factories.user_with_role(Role.EXPERT)).get(reverse("dashboard")).content.decode()
    assert "您当前没有待处理的评审任务" in html


@pytest.mark.parametrize("role,menu,absent", [
    (Role.UNIT_STAFF, ["工作台", "命名批次", "申报", "创新工作室", "年度考核", "周期考核", "整改", "补助资金"],
     ["推荐评先", "工作室联盟", "工会组织", "系统管理"]),
    (Role.RECOMMENDING_STAFF, ["工作台", "命名批次", "申报", "创新工作室", "年度考核", "周期考核", "整改", "补助资金",
                               "工会组织"],
     ["推荐评先", "工作室联盟", "系统管理"]),
    (Role.MUNICIPAL_STAFF, ["工作台", "命名批次", "申报", "创新工作室", "年度考核", "周期考核", "整改", "补助资金",
                            "推荐评先", "工作室联盟", "工会组织"], ["系统管理"]),
    (Role.EXPERT, ["工作台", "命名批次", "评审任务", "周期考核评审"],
     ["创新工作室", "年度考核", "补助资金", "工作室联盟", "工会组织", "系统管理"]),
    (Role.ADMIN, ["工作台", "命名批次", "申报", "创新工作室", "年度考核", "周期考核", "整改", "补助资金", "推荐评先",
                  "工作室联盟", "工会组织", "系统管理"], []),
])
def test_navigation_by_role(tree, login, role, menu, absent):
    response = login(factories.user_with_role(role)).get(reverse("dashboard"))
    labels = [str(i.label) for i in response.context["nav_items"]]
    assert labels == menu
    assert not set(absent) & set(labels)


def test_dashboard_queries_do_not_grow_with_studios(tree, login, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(factories.user_with_role(Role.MUNICIPAL_STAFF))
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("dashboard"))
    for _ in range(3):
        factories.StudioFactory(unit=tree["unit"])
    with CaptureQueriesContext(connection) as after:
        client.get(reverse("dashboard"))
    assert len(before) == len(after)


def test_dashboards_show_the_running_round_and_days_left(tree, login):
    import datetime

    from django.utils import timezone

    from reviews import services

    city = factories.user_with_role(Role.MUNICIPAL_STAFF)
    deadline = timezone.localdate() + datetime.timedelta(days=12)
    naming_round = services.round_create(city, year=2026, application_deadline=deadline)
    services.round_advance(city, naming_round, from_phase="draft")
    for user in (city, factories.user_with_role(Role.UNIT_STAFF, tree["unit"])):
        cards = _cards(login(user))
        assert cards["2026 年度命名：申报"] == "剩 12 天"


def test_each_role_sees_what_waits_for_it_in_the_running_round(db, login):
    """The demo's round in expert review: each role's cards count its own waiting work."""
    call_command("seed_demo", verbosity=0)
    users = {u.username: u for u in User.objects.all()}
    assert _cards(login(users["unit"]))["退回待修改"] == 1
    assert _cards(login(users["unit"]))["草稿未提交"] == 1
    assert _cards(login(users["unit2"]))["退回待修改"] == 0
    assert _cards(login(users["county"]))["待初审"] == 0
    assert _cards(login(users["city"]))["待审核"] == 0
    expert = _cards(login(users["expert3"]))
    assert expert["待评分"] == 2 and expert["已评分"] == 1
    admin = _cards(login(users["admin"]))
    assert "待审核" not in admin and "有效账号" in admin


def test_recommending_union_sees_submissions_waiting_for_its_review(tree, login):
    city = factories.user_with_role(Role.MUNICIPAL_STAFF)
    naming_round = services.round_create(city, year=2026)
    naming_round = services.round_advance(city, naming_round, from_phase="draft")
    unit_user = factories.user_with_role(Role.UNIT_STAFF, tree["unit"])
    application = complete_draft(unit_user, naming_round)
    application_services.application_submit(unit_user, application, from_status="draft")
    card = next(c for c in login(factories.user_with_role(Role.RECOMMENDING_STAFF, tree["county"]))
                .get(reverse("dashboard")).context["cards"] if str(c.label) == "待初审")
    assert card.value == 1 and card.attention and "status=submitted" in card.url
    other = _cards(login(factories.user_with_role(Role.RECOMMENDING_STAFF, factories.county_union("惠来县总工会"))))
    assert other["待初审"] == 0
