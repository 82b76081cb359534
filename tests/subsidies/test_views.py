"""The subsidy pages: who sees what (an outsider gets 404), the steps through their forms, the ledger export, and
lists whose query count does not grow with their rows."""
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from subsidies import ledger_services
from subsidies.models import ExpenseCategory, GrantStatus, LedgerEntry, SubsidyGrant, Transfer, TransferStatus

from .conftest import PDF, TODAY, YEAR, approved, planned, prepared, receipt, transferred, with_account

pytestmark = pytest.mark.django_db


def _spend(area, grant, amount, category=ExpenseCategory.EQUIPMENT, description="采购对刀仪"):
    return ledger_services.expense_record(area["unit"], grant, occurred_on=TODAY, amount=Decimal(amount),
                                          category=category, description=description, receipt=receipt())


# Who sees what

@pytest.mark.parametrize("who, status", [("unit", 200), ("county", 200), ("city", 200), ("admin", 200),
                                         ("auditor", 200), ("other_unit", 404), ("other_county", 404),
                                         ("expert", 404)])
def test_a_grant_and_its_ledger_are_seen_within_scope(area, login, who, status):
    grant = transferred(area)
    client = login(area[who])
    for name in ("subsidies:detail", "subsidies:ledger", "subsidies:ledger_export"):
        assert client.get(reverse(name, args=[grant.pk])).status_code == status


@pytest.mark.parametrize("who, status", [("city", 200), ("admin", 200), ("auditor", 200), ("finance", 200),
                                         ("unit", 403), ("county", 403), ("expert", 403)])
def test_the_overview_is_for_the_municipal_union_and_auditors(area, login, who, status):
    assert login(area[who]).get(reverse("subsidies:overview")).status_code == status


def test_the_list_shows_each_user_their_scope(area, login):
    transferred(area)
    planned(area, studio=area["other_studio"])

    def names(who):
        return {g.studio for g in login(area[who]).get(reverse("subsidies:list")).context["page"]}

    assert names("unit") == names("county") == {area["studio"]}
    assert names("city") == names("auditor") == {area["studio"], area["other_studio"]}
    assert login(area["expert"]).get(reverse("subsidies:list")).status_code == 403


def test_the_receipt_downloads_within_scope(area, login):
    entry = _spend(area, transferred(area), "100")
    url = reverse("subsidies:receipt", args=[entry.pk])
    response = login(area["auditor"]).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert login(area["other_unit"]).get(url).status_code == 404


# The steps through their forms

def test_plan_through_the_form_refuses_out_of_range_and_extra_decimals(area, login):
    client = login(area["city"])
    url = reverse("subsidies:new")
    for amount, message in (("35000", "第十三条"), ("25000.123", "最多保留两位小数"), ("0", "金额必须大于零")):
        response = client.post(url, {"studio": area["studio"].pk, "amount": amount})
        assert message in response.content.decode()
    assert not SubsidyGrant.objects.exists()
    response = client.post(url, {"studio": area["studio"].pk, "amount": "25000.00", "note": ""})
    grant = SubsidyGrant.objects.get()
    assert response.url == reverse("subsidies:detail", args=[grant.pk])
    assert client.get(url).context["form"].fields["studio"].queryset.filter(pk=area["studio"].pk).count() == 0
    assert login(area["unit"]).get(url).status_code == 403


def test_a_double_submitted_approval_answers_409_with_the_state(area, login):
    grant = planned(area)
    client = login(area["city"])
    data = {"action": "approve", "approve-from_status": "planned", "approve-decision_number": f"揭工总〔{YEAR}〕30号"}
    url = reverse("subsidies:detail", args=[grant.pk])
    assert client.post(url, data).status_code == 302
    response = client.post(url, data)
    assert response.status_code == 409 and "请查看最新状态" in response.content.decode()
    assert SubsidyGrant.objects.get().status == GrantStatus.APPROVED


def test_the_preparer_is_not_offered_the_approval(area, login):
    transfer = prepared(area)
    url = reverse("subsidies:detail", args=[transfer.grant_id])
    html = login(area["city"]).get(url).content.decode()
    assert "审批同意拨付" not in html and "您是这笔拨付的经办人" in html
    response = login(area["city"]).post(url, {"action": "transfer", "transfer-from_status": "prepared"})
    assert response.status_code == 403  # four eyes, also when posted by hand
    assert "审批同意拨付" in login(area["city2"]).get(url).content.decode()
    assert login(area["city2"]).post(url, {"action": "transfer", "transfer-from_status": "prepared"}).status_code == 302
    assert Transfer.objects.get().status == TransferStatus.APPROVED


def test_unit_staff_take_no_grant_action(area, login):
    grant = approved(area)
    with_account(area)
    response = login(area["unit"]).post(reverse("subsidies:detail", args=[grant.pk]), {
        "action": "prepare", "prepare-from_status": "approved", "prepare-transferred_on": TODAY.isoformat(),
        "prepare-voucher_number": "记-1"})
    assert response.status_code == 403 and not Transfer.objects.exists()


def _expense_post(client, grant, **data):
    fields = {"expense-occurred_on": TODAY.isoformat(), "expense-amount": "1200.00",
              "expense-category": ExpenseCategory.TRAINING, "expense-description": "参加数控技能培训 3 人",
              "expense-receipt": SimpleUploadedFile("培训费发票.pdf", PDF), **data}
    return client.post(reverse("subsidies:ledger", args=[grant.pk]), fields)


@pytest.mark.parametrize("posted, message", [
    ({"expense-category": "reception"}, "第十三条：补助资金不能用于接待餐费和人员福利奖金，“接待餐费”不能列支。"),
    ({"expense-category": "bonus"}, "“奖金”不能列支"),
    ({"expense-amount": "30000.00"}, "超过补助资金余额 25,000.00 元"),
    ({"expense-amount": "12.345"}, "最多保留两位小数"),
    ({"expense-amount": "-3"}, "金额必须大于零"),
])
def test_a_refused_expense_posted_to_the_ledger_records_nothing(area, login, posted, message):
    grant = transferred(area)
    response = _expense_post(login(area["unit"]), grant, **posted)
    assert response.status_code == 200 and message in response.content.decode()
    assert LedgerEntry.objects.filter(grant=grant).count() == 1  # the transfer in only


def test_an_expense_and_its_reversal_through_the_ledger_page(area, login):
    grant = transferred(area)
    client = login(area["unit"])
    assert _expense_post(client, grant).status_code == 302
    entry = LedgerEntry.objects.get(kind="expense")
    assert entry.receipt_name == "培训费发票.pdf" and entry.receipt.name.startswith("receipts/")
    assert "培训费发票" not in entry.receipt.name  # stored under a random name
    assert client.post(reverse("subsidies:entry_reverse", args=[entry.pk]), {"reason": "录错金额"}).status_code == 302
    response = client.post(reverse("subsidies:entry_reverse", args=[entry.pk]), {"reason": "再冲"})
    assert response.status_code == 409 and "已经冲销过" in response.content.decode()
    assert LedgerEntry.objects.filter(grant=grant).count() == 3
    assert _expense_post(login(area["city"]), grant).status_code == 403  # only the unit records spending


def test_refused_uses_are_offered_nowhere(area, login):
    grant = transferred(area)
    html = login(area["unit"]).get(reverse("subsidies:ledger", args=[grant.pk])).content.decode()
    options = html[html.index('name="expense-category"'):]
    options = options[:options.index("</select>")]
    assert all(str(label) in options for label in ExpenseCategory.labels)
    assert "餐" not in options and "福利" not in options and "奖金" not in options


# The export

def test_the_ledger_export_has_real_decimals_and_the_totals(area, login):
    grant = transferred(area)
    _spend(area, grant, "12000.00", ExpenseCategory.VENUE, "改造工作室场地")
    mistake = _spend(area, grant, "3500.50", ExpenseCategory.TRAINING, "技能培训费")
    ledger_services.entry_reverse(area["unit"], mistake, reason="重复登记")
    response = login(area["auditor"]).get(reverse("subsidies:ledger_export", args=[grant.pk]))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in rows[:-1]] == ["拨入", "支出", "支出", "冲销"]
    assert [r[4:7] for r in rows] == [
        (25000, None, 25000), (None, 12000, 13000), (None, 3500.5, 9499.5), (None, -3500.5, 13000),
        (25000, 12000, 13000)]
    assert rows[-1][0] == "合计" and rows[3][2] == "成员学习培训"
    assert sheet.cell(row=2, column=5).number_format == "#,##0.00"
    assert sheet.cell(row=3, column=1).number_format == "yyyy-mm-dd"


# Queries do not grow with rows

def _grants_with_spending(area, count, start):
    from tests import factories
    for n in range(count):
        studio = factories.StudioFactory(unit=area["unit_union"], named_year=YEAR)
        grant = transferred(area, studio=studio, amount=str(20000 + start + n))
        _spend(area, grant, "100")


@pytest.mark.parametrize("name, who", [("subsidies:list", "city"), ("subsidies:list", "unit"),
                                       ("subsidies:overview", "city"), ("subsidies:overview", "auditor")])
def test_list_pages_cost_the_same_queries_for_1_and_3_grants(area, login, django_assert_max_num_queries, name, who):
    client = login(area[who])
    _grants_with_spending(area, 1, 0)
    with django_assert_max_num_queries(50) as one:
        assert client.get(reverse(name)).status_code == 200
    _grants_with_spending(area, 2, 10)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(reverse(name)).status_code == 200


def test_the_ledger_costs_the_same_queries_for_1_and_5_entries(area, login, django_assert_max_num_queries):
    grant = transferred(area)
    client = login(area["city"])
    url = reverse("subsidies:ledger", args=[grant.pk])
    _spend(area, grant, "100")
    with django_assert_max_num_queries(50) as one:
        client.get(url)
    for _ in range(4):
        ledger_services.entry_reverse(area["unit"], _spend(area, grant, "10"), reason="测试")
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(url)


def test_the_studio_page_shows_the_grant(area, login):
    grant = transferred(area)
    _spend(area, grant, "5000")
    client = login(area["county"])
    assert reverse("studios:record", args=[area["studio"].pk]) in client.get(
        reverse("studios:detail", args=[area["studio"].pk])).content.decode()
    html = client.get(reverse("studios:record", args=[area["studio"].pk])).content.decode()  # loaded into the page
    assert "补助资金" in html and "25,000.00 元" in html and "余额 20,000.00 元" in html
    assert reverse("subsidies:ledger", args=[grant.pk]) in html
