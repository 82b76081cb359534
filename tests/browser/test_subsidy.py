"""A subsidy in Chromium (第十二条, 第十三条): planned and approved by the municipal union, the unit's account,
a transfer prepared by one officer and approved by another, two expenses by the unit, the ledger exported."""
import io

import openpyxl
import pytest
from django.utils import timezone

from subsidies.models import GrantStatus, LedgerEntry, SubsidyGrant
from subsidies.permissions import FINANCE_GROUP, duty_group
from tests import factories
from unions.models import Role, UnionKind
from unions.services import union_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
YEAR = timezone.localdate().year
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def people(published_rules):
    root = factories.municipal_union()
    county = union_create(parent=root, name="榕城区总工会", kind=UnionKind.COUNTY)
    unit = union_create(parent=county, name="揭阳市金叶机械制造有限公司工会", kind=UnionKind.UNIT)
    factories.StudioFactory(unit=unit, leader=factories.LeaderFactory(name="蔡建国", unit=unit), named_year=YEAR - 1)
    finance = factories.user_with_role(Role.MUNICIPAL_STAFF, root, username="finance", full_name="陈静怡")
    finance.groups.add(duty_group(FINANCE_GROUP))  # the group is gone after a transactional test's flush
    return {
        "city": factories.user_with_role(Role.MUNICIPAL_STAFF, root, username="city", full_name="张华"),
        "finance": finance,
        "unit": factories.user_with_role(Role.UNIT_STAFF, unit, username="unit", full_name="王敏"),
    }


def _done(page):
    page.locator(".message--success").wait_for()


def _grant_page(page):
    page.locator("nav.main-nav").get_by_role("link", name="补助资金", exact=True).click()
    page.locator("table.table tbody tr a").first.click()


def test_grant_transfer_two_expenses_and_the_ledger_export(people, as_user, screenshot, tmp_path):
    city = as_user("city")
    city.locator("nav.main-nav").get_by_role("link", name="补助资金", exact=True).click()
    city.get_by_role("link", name="拟定补助资金").click()
    city.get_by_label("工作室").select_option(index=1)
    city.get_by_label("补助金额（元）").fill("35000")
    city.get_by_role("button", name="拟定").click()
    assert "35,000.00 元不在此范围内" in city.locator(".field__error").inner_text()  # 第十三条
    city.get_by_label("补助金额（元）").fill("25000.00")
    city.get_by_role("button", name="拟定").click()
    _done(city)
    city.get_by_label("批准文号").fill(f"揭工总〔{YEAR}〕30号")
    city.get_by_role("button", name="批准补助资金").click()
    _done(city)

    unit = as_user("unit")
    _grant_page(unit)
    unit.get_by_role("link", name="登记或修改单位工会账户").click()
    unit.get_by_label("户名").fill("揭阳市金叶机械制造有限公司工会委员会")
    unit.get_by_label("开户银行").fill("中国工商银行揭阳分行")
    unit.get_by_label("银行账号").fill("6222 0212 3456 7891 234")
    unit.get_by_role("button", name="保存").click()
    _done(unit)
    assert "6222 **** **** 1234" in unit.locator("dl.facts").inner_text()

    city.reload()
    city.get_by_label("凭证号").fill(f"记-{YEAR}-0815")
    city.get_by_role("button", name="提交拨付审批").click()
    _done(city)
    assert city.get_by_role("button", name="审批同意拨付").count() == 0  # four eyes: not the preparer
    assert "您是这笔拨付的经办人" in city.locator(".panel--alert").inner_text()

    finance = as_user("finance")
    _grant_page(finance)
    assert "6222 0212 3456 7891 234" in finance.locator("table.table").inner_text()  # finance sees it in full
    screenshot(finance, "subsidy-transfer-approval")
    finance.get_by_role("button", name="审批同意拨付").click()
    _done(finance)
    assert SubsidyGrant.objects.get().status == GrantStatus.TRANSFERRED

    _grant_page(unit)
    unit.get_by_role("link", name="资金台账").click()
    for n, (amount, use, what) in enumerate([("12800.00", "设备采购改进", "采购数控刀具磨床 1 台"),
                                             ("3600.50", "成员学习培训", "成员参加数控技能提升培训 6 人次")]):
        receipt = tmp_path / f"发票{n}.pdf"
        receipt.write_bytes(PDF)
        unit.get_by_label("金额（元）").fill(amount)
        unit.get_by_label("用途（第十三条）").select_option(label=use)
        unit.get_by_label("摘要").fill(what)
        unit.get_by_label("票据").set_input_files(str(receipt))
        unit.get_by_role("button", name="登记支出").click()
        _done(unit)
    assert "8,599.50" in unit.locator(".cards").inner_text()  # 25,000.00 − 12,800.00 − 3,600.50
    screenshot(unit, "subsidy-ledger")

    _grant_page(city)
    city.get_by_role("link", name="资金台账").click()
    with city.expect_download() as download:
        city.get_by_role("link", name="导出 Excel").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[4], r[5], r[6]) for r in rows] == [
        ("拨入", 25000, None, 25000), ("支出", None, 12800, 12200), ("支出", None, 3600.5, 8599.5),
        (None, 25000, 16400.5, 8599.5)]
    assert rows[-1][0] == "合计" and sheet["E2"].number_format == "#,##0.00"
    assert LedgerEntry.objects.count() == 3
