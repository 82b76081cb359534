"""One application from draft to named, in Chromium, as each role of 第六条 would do it."""
import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from reviews.models import NamingRound
from studios.models import Studio
from rules.models import RuleSet
from rules.services import ruleset_copy, ruleset_publish
from tests import factories
from unions.models import Role, UnionKind
from unions.services import union_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(published_rules):
    # This round names a single studio and asks two experts per application: its rule set says so (第六条).
    draft = ruleset_copy(RuleSet.objects.current())
    RuleSet.objects.filter(pk=draft.pk).update(quota_min=1, experts_per_application=2)
    ruleset_publish(draft)
    root = factories.municipal_union()
    county = union_create(parent=root, name="榕城区总工会", kind=UnionKind.COUNTY)
    unit = union_create(parent=county, name="揭阳市金叶机械制造有限公司工会", kind=UnionKind.UNIT)
    education = union_create(parent=root, name="揭阳市教育工会", kind=UnionKind.DIRECT)
    return {
        "city": factories.user_with_role(Role.MUNICIPAL_STAFF, root, username="city", full_name="张华"),
        "county": factories.user_with_role(Role.RECOMMENDING_STAFF, county, username="county", full_name="李强"),
        "unit": factories.user_with_role(Role.UNIT_STAFF, unit, username="unit", full_name="王敏"),
        "expert1": factories.user_with_role(Role.EXPERT, education, username="expert1", full_name="林教授"),
        "expert2": factories.user_with_role(Role.EXPERT, root, username="expert2", full_name="周工"),
    }


def _round_page(page):
    page.locator("nav.main-nav").get_by_role("link", name="命名批次", exact=True).click()
    page.locator("table.table tbody tr a").first.click()


def _advance(page, phase):
    _round_page(page)
    page.get_by_role("button", name="进入下一阶段").click()
    page.locator(".message--success").wait_for()
    assert phase in page.locator(".page-head .badge").inner_text()


def _open_application(page):
    page.locator("nav.main-nav").get_by_role("link", name="申报", exact=True).click()
    page.locator("table.table tbody tr a").first.click()


def test_an_application_goes_from_draft_to_the_public_registry(people, as_user, screenshot):
    year = timezone.localdate().year
    # 市总工会 opens the round.
    city = as_user("city")
    city.locator("nav.main-nav").get_by_role("link", name="命名批次", exact=True).click()
    city.get_by_role("link", name="新建命名批次").first.click()
    city.get_by_role("button", name="创建").click()
    city.locator(".message--success").wait_for()
    city.get_by_role("button", name="进入下一阶段").click()
    city.locator(".message--success").wait_for()

    # 单位工会 fills in and submits the application.
    unit = as_user("unit")
    _round_page(unit)
    unit.get_by_role("button", name="新建申报").click()
    unit.get_by_label("领衔人姓名").fill("陈伟")
    unit.get_by_label("领衔人荣誉称号").select_option("provincial_model")
    unit.get_by_label("领衔人身份证号").fill("44520219850715003X")  # 第五条(一): checked by the municipal union
    unit.get_by_label("领衔人手机号").fill("13802630037")
    unit.get_by_label("获评年份").fill("2020")
    unit.get_by_label("团队组建日期").fill("2021-03-01")
    unit.get_by_label("活动场所地址").fill("金叶机械二号厂房三楼")
    unit.get_by_label("设备设施").fill("五轴加工中心、三坐标测量仪")
    unit.get_by_label("已挂工作室牌匾").check()
    unit.get_by_label("年度工作方案或项目推进计划").fill("攻关 3 项工艺难题")
    for system in ["活动开展", "学习研究", "技术攻关", "成果转化", "评估奖励", "内部管理"]:
        unit.get_by_label(system).check()
    unit.get_by_label("制度已张贴上墙").check()
    unit.get_by_label("培训交流活动").fill("每月技能培训，导师带徒 12 对")
    unit.get_by_label("经费来源").fill("企业每年投入 30 万元")
    unit.get_by_label("示范效应").fill("推广陈伟数控操作法")
    unit.get_by_label("已获下级命名").select_option("county_studio")
    unit.get_by_label("本工作室不是企事业单位原有建制的研发机构或班组").check()
    for i, name in enumerate(["黄志明", "吴晓东"]):
        unit.locator(f"#id_members-{i}-name").fill(name)
    for i, (y, kind, title) in enumerate([(year - 2, "patent", "一种夹具"), (year - 1, "recognition", "工艺改进")]):
        unit.locator(f"#id_results-{i}-year").fill(str(y))
        unit.locator(f"#id_results-{i}-kind").select_option(kind)
        unit.locator(f"#id_results-{i}-title").fill(title)
        unit.locator(f"#id_results-{i}-level").select_option("municipal")
        unit.locator(f"#id_results-{i}-issuing_body").fill("揭阳市科学技术局")
    unit.locator(f"#id_results-0-patent_number").fill("ZL202410000001.1")
    unit.get_by_role("button", name="保存草稿").click()
    unit.locator(".check-summary--pass").wait_for()
    screenshot(unit, "workflow-application-checked")
    unit.get_by_role("button", name="提交申报").click()
    unit.locator(".message--success").wait_for()
    assert "已提交" in unit.locator(".page-head .badge").inner_text()

    # 县级总工会 recommends in the preliminary review.
    _advance(city, "初审推荐")
    county = as_user("county")
    _open_application(county)
    county.get_by_role("button", name="初审推荐").click()
    county.locator(".message--success").wait_for()

    # 市总工会 audits, forms the panel and assigns two experts.
    _advance(city, "市总审核")
    _open_application(city)
    city.get_by_role("button", name="审核通过").click()
    city.locator(".message--success").wait_for()
    _round_page(city)
    city.get_by_role("link", name="专家评审").click()
    city.get_by_label("林教授", exact=False).check()
    city.get_by_label("周工", exact=False).check()
    city.get_by_role("button", name="保存评审组").click()
    city.get_by_role("button", name="自动分配").click()
    city.locator(".message--success").wait_for()
    _advance(city, "专家评审")

    # Two experts score.
    for username, share in (("expert1", 0.9), ("expert2", 0.8)):
        expert = as_user(username)
        expert.locator("nav.main-nav").get_by_role("link", name="评审任务").click()
        expert.locator("table.table tbody tr a").first.click()
        for field in expert.locator("input[type=number][name^=c]").all():
            maximum = float(field.get_attribute("max"))
            field.fill(str(round(maximum * share, 1)))
        expert.get_by_label("评审意见").fill("团队稳定，成果突出，建议命名。")
        if username == "expert1":
            screenshot(expert, "workflow-expert-scoring")
        expert.get_by_role("button", name="提交评分").click()
        expert.locator(".message--success").wait_for()

    # 集体研究 and publicity.
    _advance(city, "集体研究")
    city.get_by_role("link", name="集体研究").click()
    city.get_by_label("会议纪要编号").fill("市总党组会议纪要〔%d〕9号" % year)
    city.get_by_role("button", name="记录集体研究结果").click()
    city.locator(".message--success").wait_for()
    city.get_by_role("button", name="进入下一阶段").click()
    city.locator(".message--success").wait_for()
    naming_round = NamingRound.objects.get(year=year)
    public = as_user("county")  # any browser: the notice is public
    public.goto(f"/public/publicity/{naming_round.pk}/")
    assert "陈伟劳模和工匠人才创新工作室" in public.locator(".notice").inner_text()
    screenshot(public, "workflow-publicity-notice")

    # The publicity period passes without objections (time moved on in the database).
    NamingRound.objects.filter(pk=naming_round.pk).update(
        publicity_start=timezone.localdate() - datetime.timedelta(days=10),
        publicity_end=timezone.localdate() - datetime.timedelta(days=3))
    _round_page(city)
    city.get_by_role("link", name="公示与异议").click()
    city.get_by_role("button", name="确认公示结果").click()
    city.locator(".message--success").wait_for()

    # The naming decision, and the registry.
    _round_page(city)
    city.get_by_role("link", name="发布命名决定").click()
    city.get_by_label("命名决定文号").fill(f"揭工总〔{year}〕12号")
    city.get_by_role("button", name="发布命名决定").click()
    city.locator(".message--success").wait_for()
    assert Studio.objects.filter(name="陈伟劳模和工匠人才创新工作室", named_year=year).exists()
    public.goto("/public/registry/")
    assert "陈伟劳模和工匠人才创新工作室" in public.locator("table").inner_text()
    screenshot(public, "workflow-registry")

    # The naming decision as a document: produced in place (htmx), then downloaded.
    _round_page(city)
    city.get_by_role("link", name="公文").click()
    card = city.locator(".document-card").filter(has_text="带版头")
    card.get_by_role("button", name="生成", exact=True).click()
    link = card.get_by_role("link", name="下载 PDF")
    link.wait_for()
    screenshot(city, "workflow-documents")
    with city.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == f"{year}年度命名决定.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
