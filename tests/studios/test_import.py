"""Importing the studios named before the system: checked row by row, reported by row and column, all or nothing."""
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from core.models import TransitionLog
from studios import importing
from studios.models import Studio
from tests import factories
from unions.models import Role

GOOD = ["陈伟劳模和工匠人才创新工作室", "陈伟", "男", "省级劳动模范", 2020, "揭阳市金叶机械制造有限公司工会", 2023,
        "揭工总〔2023〕18号", "精密机械加工", "2021-03-01", "黄志明、吴晓东、林海"]


def sheet(*rows, headers=importing.HEADERS):
    workbook = Workbook()
    workbook.active.append(headers)
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile("工作室.xlsx", out.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@pytest.fixture
def city(root, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    factories.unit_union(factories.county_union("榕城区总工会"), "揭阳市金叶机械制造有限公司工会")
    return factories.user_with_role(Role.MUNICIPAL_STAFF)


def test_the_template_has_the_headers_and_instructions(city, login):
    response = login(city).get(reverse("studios:import_template"))
    workbook = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in workbook.worksheets[0][1]] == importing.HEADERS
    assert workbook.worksheets[1]["A2"].value == "工作室名称"


def test_a_clean_sheet_imports_every_row_with_its_history(city):
    second = ["林晓芳劳模和工匠人才创新工作室", "林晓芳", "女", "揭阳工匠 / 市级工匠", 2021,
              "揭阳市金叶机械制造有限公司工会", 2024, "揭工总〔2024〕15号", "", "", ""]
    assert importing.import_studios(city, sheet(GOOD, second)) == 2
    studio = Studio.objects.get(name=GOOD[0])
    assert (studio.named_year, studio.decision_number, studio.leader.honour) == (2023, "揭工总〔2023〕18号",
                                                                                "provincial_model")
    assert studio.members.count() == 3 and str(studio.founded_on) == "2021-03-01"
    assert TransitionLog.objects.filter(transition="import").count() == 2


def test_every_problem_is_reported_by_row_and_column_and_nothing_is_written(city):
    rows = [
        GOOD,
        ["张三工作室", "张三", "男", "省级劳动模范", 2020, "揭阳市金叶机械制造有限公司工会", 2023, "揭工总〔2023〕1号", "", "", ""],
        ["李四劳模和工匠人才创新工作室", "李四", "未知", "劳模", 2020, "不存在的工会", 2023, "揭工总[2023]01号", "", "2021年3月", ""],
        GOOD,  # the same studio twice
    ]
    with pytest.raises(importing.ImportRefused) as refused:
        importing.import_studios(city, sheet(*rows))
    found = {(p.row, p.column) for p in refused.value.problems}
    assert (3, "工作室名称") in found  # 第六条
    assert {(4, "性别"), (4, "荣誉称号"), (4, "所在单位工会"), (4, "命名文号"), (4, "组建日期")} <= found
    assert (5, "工作室名称") in found  # duplicate in the sheet
    assert not Studio.objects.exists()


def test_an_existing_studio_a_wrong_header_or_a_disguised_file_is_refused(city):
    importing.import_studios(city, sheet(GOOD))
    with pytest.raises(importing.ImportRefused) as refused:
        importing.import_studios(city, sheet(GOOD))
    assert refused.value.problems[0].message == "系统中已有该工作室。"
    with pytest.raises(importing.ImportRefused, match="1 problems"):
        importing.import_studios(city, sheet(GOOD, headers=["名称", "领衔人"]))
    fake = SimpleUploadedFile("工作室.xlsx", b"PK\x03\x04 not really a workbook")
    with pytest.raises(importing.ImportRefused):
        importing.import_studios(city, fake)
    assert Studio.objects.count() == 1


@pytest.mark.parametrize("role", [Role.UNIT_STAFF, Role.RECOMMENDING_STAFF, Role.ADMIN])
def test_only_municipal_staff_import(city, role, login):
    user = factories.user_with_role(role)
    with pytest.raises(PermissionDenied):
        importing.import_studios(user, sheet(GOOD))
    assert login(user).post(reverse("studios:import"), {"file": sheet(GOOD)}).status_code == 403
    assert not Studio.objects.exists()


def test_the_page_lists_the_problems(city, login):
    bad = list(GOOD)
    bad[6] = "二〇二三"
    page = login(city).post(reverse("studios:import"), {"file": sheet(bad)}).content.decode()
    assert "未导入任何数据" in page and "命名年度" in page
