"""Excel exports: Chinese headers, widths, real dates and numbers, scoped like the pages they come from."""
import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.exports import Column, write_xlsx
from audit.models import Action, AuditEntry
from reviews.models import NamingRound
from studios.models import Studio
from tests import factories
from unions.models import Role, User


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"] and "no-store" in response["Cache-Control"]
    return load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def test_write_xlsx_keeps_types_widths_and_a_frozen_header():
    file = io.BytesIO()
    moment = timezone.make_aware(datetime.datetime(2026, 11, 25, 9, 30))
    write_xlsx(file, "测试", [Column("名称", 30), Column("日期", 12), Column("时间", 17), Column("金额", 14, "#,##0.00")],
               [("陈伟劳模和工匠人才创新工作室", datetime.date(2026, 12, 1), moment, Decimal("20000.50")), (None, None, None, 0)])
    sheet = load_workbook(file).active
    assert [c.value for c in sheet[1]] == ["名称", "日期", "时间", "金额"] and sheet[1][0].font.bold
    # Excel stores a width of 30 characters with the cell's padding (30.71); it shows as 30
    assert sheet.freeze_panes == "A2" and int(sheet.column_dimensions["A"].width) == 30
    name, day, time, amount = sheet[2]
    assert day.value == datetime.datetime(2026, 12, 1) and day.number_format == "yyyy-mm-dd"
    assert time.value == datetime.datetime(2026, 11, 25, 9, 30)  # local time, as on the page
    assert amount.value == 20000.5 and amount.number_format == "#,##0.00"
    assert sheet[3][0].value is None and sheet.max_row == 3


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)
    return {u.username: u for u in User.objects.all()}


def test_the_registry_export_follows_the_filters_and_the_users_scope(demo, login):
    sheet = _sheet(login(demo["city"]).get(reverse("studios:export"), {"status": "titled"}))
    assert [c.value for c in sheet[1]][:4] == ["工作室名称", "领衔人", "所在单位", "推荐单位"]
    names = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert "陈伟劳模和工匠人才创新工作室" in names and "许振华劳模和工匠人才创新工作室" not in names  # delisted
    unit_sheet = _sheet(login(demo["unit"]).get(reverse("studios:export")))
    units = {row[2].value for row in unit_sheet.iter_rows(min_row=2)}
    assert units == {demo["unit"].union.name}  # a unit union exports only its own studios
    founded = [row[8].value for row in sheet.iter_rows(min_row=2) if row[0].value == "陈伟劳模和工匠人才创新工作室"][0]
    assert isinstance(founded, datetime.datetime)  # a real date, not text


def test_the_round_export_has_every_application_with_its_stages_and_scores(demo, login):
    naming_round = NamingRound.objects.get(year=timezone.localdate().year)
    sheet = _sheet(login(demo["city"]).get(reverse("reviews:round_export", args=[naming_round.pk])))
    header = [c.value for c in sheet[1]]
    rows = {row[header.index("领衔人")].value: [c.value for c in row] for row in sheet.iter_rows(min_row=2)}
    assert len(rows) == naming_round.applications.count()
    returned_then_recommended = rows["蔡振雄"]
    assert returned_then_recommended[header.index("初审结果")] == "初审推荐"  # the last preliminary step counts
    assert returned_then_recommended[header.index("审核结果")] == "审核通过"
    scored = rows["黄丽珍"]
    assert scored[header.index("专家得分")] == pytest.approx(88.0) and scored[header.index("排名")] == 1
    assert scored[header.index("已评分专家")] == 3
    assert rows["林志远"][header.index("审核结果")] == "审核不予通过"
    assert isinstance(scored[header.index("提交时间")], datetime.datetime)


@pytest.mark.parametrize("username", ["unit", "county", "expert", "admin"])
def test_only_municipal_staff_export_a_rounds_applications(demo, login, username):
    naming_round = NamingRound.objects.get(year=timezone.localdate().year)
    assert login(demo[username]).get(reverse("reviews:round_export", args=[naming_round.pk])).status_code in (403, 404)


def test_the_registry_export_reads_a_constant_number_of_queries(demo, login):
    client = login(demo["city"])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            b"".join(client.get(reverse("studios:export")).streaming_content)
        return len(ctx)

    before = count()
    for n in range(30):
        factories.StudioFactory()
    assert count() == before


def test_write_xlsx_keeps_text_as_text_never_a_formula_or_a_link():
    file = io.BytesIO()
    texts = ("=HYPERLINK(\"http://x\")", "https://example.com", "00123", "揭阳市榕城区（榕东）工会")
    write_xlsx(file, "测试", [Column(str(n), 10) for n in range(4)], [texts])
    row = list(load_workbook(file).active.iter_rows(min_row=2, values_only=True))
    assert row == [texts]


def test_the_registry_export_has_every_studio_past_the_first_chunk_and_the_audit_counts_them(demo, login):
    call_command("seed_demo", "--scale", "2100", verbosity=0)  # more than one chunk of .iterator(chunk_size=2000)
    sheet = _sheet(login(demo["city"]).get(reverse("studios:export")))
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == Studio.objects.count() > 2100
    assert len({row[0] for row in rows}) == len(rows) and all(row[0].endswith("工作室") for row in rows)
    assert AuditEntry.objects.filter(action=Action.EXPORT).latest("pk").detail == f"创新工作室: {len(rows)}"


def test_the_export_benchmark_runs(demo):
    out = io.StringIO()
    call_command("bench_export", stdout=out)
    assert f"{Studio.objects.count()} 行" in out.getvalue() and "峰值" in out.getvalue()
