"""A named studio's later life in Chromium (第七条, 第十条, 第十一条): a leader change from the unit's request
to the new name, and a cycle assessment ending in 不合格 → rectification → report → re-check."""
import datetime

import pytest
from django.utils import timezone

from assessments.models import Rectification, RectificationStatus
from reviews.models import ExpertPanel, NamingRound
from rules.models import RuleSet
from studios.models import FormerName, Studio, StudioStatus
from tests import factories
from unions.models import Role, UnionKind
from unions.services import union_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
YEAR = timezone.localdate().year


@pytest.fixture
def people(published_rules):
    root = factories.municipal_union()
    county = union_create(parent=root, name="榕城区总工会", kind=UnionKind.COUNTY)
    unit = union_create(parent=county, name="揭阳市金叶机械制造有限公司工会", kind=UnionKind.UNIT)
    city = factories.user_with_role(Role.MUNICIPAL_STAFF, root, username="city", full_name="张华")
    experts = [factories.user_with_role(Role.EXPERT, root, username=f"expert{i}", full_name=name)
               for i, name in enumerate(("周工", "林教授", "吴技师"), start=1)]
    naming_round = NamingRound.objects.create(
        year=YEAR - 1, union=root, rule_set=RuleSet.objects.current(), created_by=city,
        **{f: datetime.date(YEAR - 1, m, 1) for f, m in (("application_deadline", 3), ("preliminary_deadline", 4),
                                                         ("audit_deadline", 5), ("expert_deadline", 6),
                                                         ("decision_deadline", 7))})
    ExpertPanel.objects.create(naming_round=naming_round, created_by=city).experts.set(experts)
    leader = factories.LeaderFactory(name="陈伟", unit=unit)
    factories.StudioFactory(unit=unit, leader=leader, named_year=YEAR - 3)
    return {
        "city": city, "experts": experts,
        "county": factories.user_with_role(Role.RECOMMENDING_STAFF, county, username="county", full_name="李强"),
        "unit": factories.user_with_role(Role.UNIT_STAFF, unit, username="unit", full_name="王敏"),
    }


def _studio_page(page):
    page.locator("nav.main-nav").get_by_role("link", name="创新工作室", exact=True).click()
    page.locator("table.table tbody tr a").first.click()


def _done(page):
    page.locator(".message--success").wait_for()


def test_a_leader_change_renames_the_studio_and_keeps_the_old_name(people, as_user, screenshot, tmp_path):
    evidence = tmp_path / "退休证明.pdf"
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    unit = as_user("unit")
    _studio_page(unit)
    unit.get_by_role("link", name="申请变更").click()
    unit.get_by_label("更换领衔人").check()
    unit.get_by_label("原因").select_option(label="领衔人退休")
    unit.get_by_label("情况说明").fill("陈伟同志已退休，由黄志明同志接任领衔人。")
    unit.get_by_label("新领衔人姓名").fill("黄志明")
    unit.get_by_label("荣誉称号").select_option(label="揭阳工匠 / 市级工匠")
    unit.get_by_label("获评年份").fill("2021")
    unit.get_by_label("身份证号").fill("44520219850715003X")
    unit.get_by_label("手机号").fill("13802630037")
    unit.get_by_label("证明材料").set_input_files(str(evidence))
    unit.get_by_role("button", name="提交申请").click()
    _done(unit)

    county = as_user("county")
    _studio_page(county)
    county.get_by_role("button", name="审核同意，报市总工会").click()
    _done(county)

    city = as_user("city")
    _studio_page(city)
    city.get_by_role("button", name="批准", exact=True).click()
    _done(city)
    assert city.locator("h1").inner_text() == "黄志明劳模和工匠人才创新工作室"  # 第六条
    assert "陈伟劳模和工匠人才创新工作室" in city.locator("section", has_text="曾用名").inner_text()
    screenshot(city, "studio-after-leader-change")
    studio = Studio.objects.get()
    assert studio.leader.name == "黄志明" and FormerName.objects.get(studio=studio).name == "陈伟劳模和工匠人才创新工作室"


def test_a_cycle_ends_in_fail_then_rectification_and_a_passed_recheck(people, as_user, screenshot):
    city = as_user("city")
    city.locator("nav.main-nav").get_by_role("link", name="周期考核", exact=True).click()
    city.get_by_role("button", name="开启周期考核").click()
    _done(city)

    unit = as_user("unit")
    unit.locator("nav.main-nav").get_by_role("link", name="周期考核", exact=True).click()
    unit.locator("table.table tbody tr a").first.click()
    unit.locator("table.table tbody tr a").first.click()
    unit.get_by_label("自评报告").fill("两年来开展攻关 3 项，但制度执行和成果转化不足。")
    unit.get_by_label("自评等次").select_option(label="合格")
    unit.get_by_role("button", name="提交自评").click()
    _done(unit)

    county = as_user("county")
    county.locator("nav.main-nav").get_by_role("link", name="周期考核", exact=True).click()
    county.locator("table.table tbody tr a").first.click()
    county.locator("table.table tbody tr a").first.click()
    for field in ("operation_rating", "innovation_rating", "leadership_rating"):
        county.locator(f'input[name="evaluate-{field}"][value="basic"]').check()  # 一般
    county.get_by_label("推荐单位评价意见").fill("制度落实不到位，成果转化不足。")
    county.get_by_role("button", name="保存评价").click()
    _done(county)
    county.get_by_role("link", name="2026 年度市级创新工作室周期考核".replace("2026", str(YEAR))).click()
    county.get_by_role("button", name="初审推荐至市总工会").click()
    _done(county)

    city.reload()
    city.get_by_label("专家评审组").select_option(index=1)
    city.get_by_role("button", name="开始专家评审").click()
    _done(city)
    screenshot(city, "cycle-expert-review")

    for username in ("expert1", "expert2", "expert3"):
        expert = as_user(username)
        expert.locator("nav.main-nav").get_by_role("link", name="周期考核评审", exact=True).click()
        expert.locator("table.table tbody tr a").first.click()
        expert.get_by_label("得分（满分 100）").fill("55")
        expert.get_by_label("评审意见").fill("制度执行不到位，成果转化不足。")
        expert.get_by_role("button", name="提交评分").click()
        _done(expert)

    city.reload()
    city.get_by_role("button", name="结束专家评审，进入集体研究").click()
    _done(city)
    city.get_by_role("link", name="集体研究确定等次").click()
    city.get_by_label("会议纪要编号").fill("市总党组会议纪要〔2026〕12号")
    assert city.locator("select[name^=grade_]").input_value() == "fail"  # proposed by the experts' 55 points
    city.get_by_label("集体研究意见").fill("制度执行不到位，成果转化不足，限期整改。")
    screenshot(city, "cycle-decision")
    city.get_by_role("button", name="确定等次并公布结果").click()
    _done(city)
    assert Studio.objects.get().status == StudioStatus.RECTIFYING

    unit.locator("nav.main-nav").get_by_role("link", name="整改", exact=True).click()
    unit.locator("table.table tbody tr a").first.click()
    unit.get_by_label("整改情况报告").fill("已修订活动和成果转化制度并上墙，新转化成果 1 项。")
    unit.get_by_role("button", name="报告整改情况").click()
    _done(unit)

    city.locator("nav.main-nav").get_by_role("link", name="整改", exact=True).click()
    city.locator("table.table tbody tr a").first.click()
    city.get_by_label("复查合格，恢复正常运行").check()
    city.get_by_label("复查意见").fill("整改到位。")
    city.get_by_role("button", name="提交复查结论").click()
    _done(city)
    screenshot(city, "rectification-passed")
    assert Rectification.objects.get().status == RectificationStatus.PASSED
    assert Studio.objects.get().status == StudioStatus.ACTIVE
