"""The dashboard's 统计: studios by recommending union and by year of naming, the completion rate of 第九条's
annual assessment, their charts and their Excel export."""
import datetime
import io
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.templatetags.static import static
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from assessments.models import AnnualAssessment, AssessmentStatus
from assessments.selectors import annual_overview
from core.statistics import Row, by_named_year, by_recommending_union, city_statistics
from studios.models import StudioStatus
from tests import factories
from unions.models import Role, UnionKind

YEAR = timezone.localdate().year
Y0, Y1, Y2 = YEAR - 3, YEAR - 2, YEAR - 1
RATINGS = {f"{name}_rating": "good" for name in ("system", "funding", "training", "transfer", "demonstration")}


def _assessment(studio, year, reported=True):
    return AnnualAssessment.objects.create(
        studio=studio, year=year, comment="考核意见", assessed_by=factories.user_with_role(Role.MUNICIPAL_STAFF),
        status=AssessmentStatus.REPORTED if reported else AssessmentStatus.ASSESSED, **RATINGS)


@pytest.fixture
def city(root):
    """Two counties with studios in every state over three years, and a municipal-direct union without any.

    The assessment to be done in a year: studios named before it that still held the title at its end."""
    rongcheng = factories.county_union("榕城区总工会")
    puning = factories.county_union("普宁市总工会")
    education = factories.county_union("揭阳市教育工会", kind=UnionKind.DIRECT)
    first, second, third = factories.unit_union(rongcheng), factories.unit_union(rongcheng), factories.unit_union(puning)

    def studio(unit, year, status=StudioStatus.ACTIVE, ended_on=None):
        return factories.StudioFactory(unit=unit, named_year=year, status=status, ended_on=ended_on)

    s1, s2, s3 = studio(first, Y0), studio(first, Y0, StudioStatus.RECTIFYING), studio(first, Y1)
    s4 = studio(second, Y2)
    s5 = studio(third, Y0, StudioStatus.DELISTED, datetime.date(Y2, 6, 1))  # to be assessed in Y1, not in Y2
    s6 = studio(third, Y1, StudioStatus.CANCELLED, datetime.date(YEAR, 1, 15))  # in Y2, not this year
    s7 = studio(third, Y1)
    for s in (s1, s5):
        _assessment(s, Y1)
    _assessment(s2, Y1, reported=False)
    for s in (s1, s2, s3, s6):
        _assessment(s, Y2)
    _assessment(s5, Y2)  # delisted in Y2: not counted
    _assessment(s4, YEAR)
    _assessment(s1, YEAR, reported=False)
    return {"rongcheng": rongcheng, "puning": puning, "education": education, "unit": first, "studios": [s1, s7]}


def _staff(role, union=None):
    return factories.user_with_role(role, union)


def test_by_recommending_union_counts_states_and_the_chosen_years_completion(city):
    rows = by_recommending_union(_staff(Role.MUNICIPAL_STAFF), Y2)
    assert rows == [
        Row("榕城区总工会", named=4, active=3, rectifying=1, expected=3, reported=3),
        Row("普宁市总工会", named=3, active=1, cancelled=1, delisted=1, expected=2, reported=1),
        Row("揭阳市教育工会"),
    ]
    assert [row.percent for row in rows] == [100.0, 50.0, None]
    assert [(r.expected, r.reported) for r in by_recommending_union(_staff(Role.ADMIN), Y1)] == [(2, 1), (1, 1), (0, 0)]


def test_by_named_year_follows_each_years_studios_and_that_years_assessment(city):
    rows = by_named_year(_staff(Role.MUNICIPAL_STAFF))
    assert rows == [
        Row(Y0, named=3, active=1, rectifying=1, delisted=1),
        Row(Y1, named=3, active=2, cancelled=1, expected=3, reported=2),
        Row(Y2, named=1, active=1, expected=5, reported=4),
        Row(YEAR, expected=5, reported=1),
    ]
    assert [row.percent for row in rows] == [None, 66.7, 80.0, 20.0]


def test_totals_add_up_the_rows(city):
    figures = city_statistics(_staff(Role.MUNICIPAL_STAFF), Y2)
    assert figures.union_total == Row("合计", named=7, active=4, rectifying=1, cancelled=1, delisted=1, expected=5,
                                      reported=4)
    assert figures.year_total == Row("合计", named=7, active=4, rectifying=1, cancelled=1, delisted=1, expected=13,
                                     reported=7)
    assert figures.years == [YEAR, Y2, Y1, Y0]


def test_this_years_completion_agrees_with_the_annual_assessment_page(city, published_rules):
    overview = {row["unit__recommending_union__name"]: (row["studios"], row["sent"]) for row in annual_overview(YEAR)}
    rows = by_recommending_union(_staff(Role.MUNICIPAL_STAFF), YEAR)
    assert {row.label: (row.expected, row.reported) for row in rows if row.expected} == overview


def test_a_recommending_union_sees_its_own_area_only(city):
    user = _staff(Role.RECOMMENDING_STAFF, city["puning"])
    assert by_recommending_union(user, Y2) == [
        Row("普宁市总工会", named=3, active=1, cancelled=1, delisted=1, expected=2, reported=1)]
    assert [(row.label, row.named, row.expected, row.reported) for row in by_named_year(user)] == [
        (Y0, 1, 0, 0), (Y1, 2, 1, 1), (Y2, 0, 2, 1), (YEAR, 0, 1, 0)]


def test_the_dashboard_shows_the_tables_for_the_chosen_year(city, login):
    response = login(_staff(Role.MUNICIPAL_STAFF)).get(reverse("dashboard"), {"year": Y1})
    figures = response.context["statistics"]
    assert figures.year == Y1 and figures.union_total.expected == 3
    html = response.content.decode()
    assert "统计" in html and f'<option value="{Y1}" selected>' in html
    assert '<td class="num" data-label="完成率">66.7%</td>' in html  # Y1's row, and 2/3 in the union total
    assert '<th scope="row" data-label="推荐单位">揭阳市教育工会</th>' in html


@pytest.mark.parametrize("value", ["", "abc", "1999", str(YEAR + 1)])
def test_a_year_out_of_range_falls_back_to_this_year(city, login, value):
    response = login(_staff(Role.MUNICIPAL_STAFF)).get(reverse("dashboard"), {"year": value})
    assert response.context["statistics"].year == YEAR


def test_the_recommending_dashboard_shows_its_own_row(city, login):
    response = login(_staff(Role.RECOMMENDING_STAFF, city["rongcheng"])).get(reverse("dashboard"))
    assert [row.label for row in response.context["statistics"].by_union] == ["榕城区总工会"]
    assert "普宁市总工会" not in response.content.decode()


@pytest.mark.parametrize("role", [Role.UNIT_STAFF, Role.EXPERT])
def test_units_and_experts_get_no_statistics(city, login, role):
    client = login(_staff(role, city["unit"] if role == Role.UNIT_STAFF else None))
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200 and response.context["statistics"] is None
    html = response.content.decode()
    assert "statistics-chart-data" not in html and "chartjs" not in html
    assert client.get(reverse("statistics_export", args=["unions"])).status_code == 403
    assert client.get(reverse("statistics_export", args=["years"])).status_code == 403


def test_without_studios_the_statistics_say_so(root, login):
    factories.county_union("榕城区总工会")
    html = login(_staff(Role.MUNICIPAL_STAFF)).get(reverse("dashboard")).content.decode()
    assert "还没有命名的创新工作室" in html
    assert "<table" not in html and "<canvas" not in html and "statistics-chart-data" not in html


def test_the_page_has_no_inline_script_and_loads_the_vendored_charts(city, login):
    html = login(_staff(Role.MUNICIPAL_STAFF)).get(reverse("dashboard")).content.decode()
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S)
    for attributes, body in scripts:
        assert 'src="' in attributes and not body.strip() or 'type="application/json"' in attributes, attributes
    sources = re.findall(r'<script src="([^"]+)" defer>', html)
    assert static("vendor/chartjs/chart.umd.min.js") in sources and static("js/dashboard-charts.js") in sources
    assert all(src.startswith("/static/") for src in sources)  # no CDN
    data = re.search(r'<script id="statistics-chart-data" type="application/json">(.*?)</script>', html).group(1)
    assert "byUnion" in data and "byYear" in data


def test_chart_data_carries_the_figures_of_the_tables(city):
    data = city_statistics(_staff(Role.MUNICIPAL_STAFF), Y2).chart_data()
    assert data["byUnion"]["labels"] == ["榕城区总工会", "普宁市总工会", "揭阳市教育工会"]
    assert [(str(s["label"]), s["data"]) for s in data["byUnion"]["series"]] == [
        ("正常运行", [3, 1, 0]), ("限期整改", [1, 0, 0]), ("已取消或摘牌", [0, 2, 0])]
    assert data["byYear"]["labels"] == [Y0, Y1, Y2, YEAR]
    assert data["byYear"]["named"]["data"] == [3, 3, 1, 0]
    assert data["byYear"]["rate"]["data"] == [None, 66.7, 80.0, 20.0]


def test_the_chart_files_are_static_and_survive_collectstatic(tmp_path):
    library = finders.find("vendor/chartjs/chart.umd.min.js")
    assert library and open(library, encoding="utf-8").read(40).startswith("/*!\n * Chart.js v4.")
    assert finders.find("vendor/chartjs/LICENSE.md") and finders.find("js/dashboard-charts.js")
    # Production's manifest storage rewrites the files' references: a dangling source map would stop the deploy.
    storages = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
    assert list(tmp_path.glob("vendor/chartjs/chart.umd.min.*.js")) and list(tmp_path.glob("js/dashboard-charts.*.js"))


@pytest.mark.parametrize("extra", [0, 4])
def test_statistics_cost_the_same_queries_as_rows_grow(city, django_assert_num_queries, extra):
    """Two queries per table, whatever the number of studios, unions, years and assessments."""
    for index in range(extra):
        studio = factories.StudioFactory(unit=factories.unit_union(factories.county_union()), named_year=Y0 - 1 - index)
        _assessment(studio, Y2)
    user = _staff(Role.MUNICIPAL_STAFF)
    with django_assert_num_queries(2):
        by_union = by_recommending_union(user, Y2)
    with django_assert_num_queries(2):
        by_year = by_named_year(user)
    assert len(by_union) == 3 + extra and len(by_year) == 4 + extra


def test_the_dashboard_queries_do_not_grow_with_studios(city, login, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(_staff(Role.MUNICIPAL_STAFF))
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("dashboard"))
    for index in range(3):
        studio = factories.StudioFactory(unit=factories.unit_union(factories.county_union()), named_year=Y0 - 1 - index)
        _assessment(studio, Y2)
    with django_assert_max_num_queries(len(before)):
        client.get(reverse("dashboard"))


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def test_export_by_union_has_a_row_per_union_and_the_total(city, login):
    sheet = _sheet(login(_staff(Role.MUNICIPAL_STAFF)).get(reverse("statistics_export", args=["unions"]),
                                                             {"year": Y2}))
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows == [
        ["推荐单位", "命名总数", "正常运行", "限期整改", "已取消", "已摘牌", f"{Y2}年度应考核", "已报送市总", "年度考核完成率"],
        ["榕城区总工会", 4, 3, 1, 0, 0, 3, 3, 1],
        ["普宁市总工会", 3, 1, 0, 1, 1, 2, 1, 0.5],
        ["揭阳市教育工会", 0, 0, 0, 0, 0, 0, 0, None],
        ["合计", 7, 4, 1, 1, 1, 5, 4, 0.8],
    ]
    assert sheet["I2"].number_format == "0.0%"


def test_export_by_year_is_scoped_like_the_dashboard(city, login):
    client = login(_staff(Role.RECOMMENDING_STAFF, city["puning"]))
    sheet = _sheet(client.get(reverse("statistics_export", args=["years"])))
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows == [
        ["命名年度", "命名数", "正常运行", "限期整改", "已取消或摘牌", "当年应考核", "已报送市总", "年度考核完成率"],
        [Y0, 1, 0, 0, 1, 0, 0, None],
        [Y1, 2, 1, 0, 1, 1, 1, 1],
        [Y2, 0, 0, 0, 0, 2, 1, 0.5],
        [YEAR, 0, 0, 0, 0, 1, 0, 0],
        ["合计", 3, 1, 0, 2, 4, 2, 0.5],
    ]


def test_export_of_an_unknown_table_is_not_found(city, login):
    assert login(_staff(Role.MUNICIPAL_STAFF)).get("/statistics/studios.xlsx").status_code == 404
