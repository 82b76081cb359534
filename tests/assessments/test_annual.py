"""第九条: the unit's yearly operation report, the recommending union's assessment and its report up."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.conflicts import Conflict
from assessments import annual_services as annual
from assessments.models import AnnualAssessment, AnnualReport, AssessmentStatus, ReportStatus
from assessments.selectors import annual_overview
from core.models import Notification, TransitionLog
from reviews.errors import StaleAction
from studios import lifecycle_services as life
from studios.models import StudioStatus
from tests import factories
from unions.models import Role

YEAR = timezone.localdate().year
REPORT = {"operation": "开展技术攻关 6 次。", "results": "获国家实用新型专利 1 项。", "training": "培训 120 人次。",
          "funding": "企业投入 20 万元。", "plan": "明年攻关 3 项。"}
RATINGS = {"system_rating": "good", "funding_rating": "good", "training_rating": "fair", "transfer_rating": "basic",
           "demonstration_rating": "good", "comment": "制度健全，成果转化有待加强。"}


@pytest.fixture
def area(root, published_rules):
    county = factories.county_union("榕城区总工会")
    unit = factories.unit_union(county, "揭阳市金叶机械制造有限公司工会")
    studios = [factories.StudioFactory(unit=unit) for _ in range(2)]
    other_county = factories.county_union("普宁市总工会")
    return {
        "studios": studios, "other_studio": factories.StudioFactory(unit=factories.unit_union(other_county)),
        "unit": factories.user_with_role(Role.UNIT_STAFF, unit),
        "county": factories.user_with_role(Role.RECOMMENDING_STAFF, county),
        "other_county": factories.user_with_role(Role.RECOMMENDING_STAFF, other_county),
        "city": factories.user_with_role(Role.MUNICIPAL_STAFF),
    }


def test_the_unit_reports_and_the_county_is_told(area):
    studio = area["studios"][0]
    draft = annual.annual_report_save(area["unit"], studio, YEAR, {"operation": "未写完"})
    assert draft.status == ReportStatus.DRAFT  # a draft may be partial
    with pytest.raises(ValidationError) as error:
        annual.annual_report_save(area["unit"], studio, YEAR, {"operation": "未写完"}, submit=True)
    assert {"results", "training", "funding"} <= set(error.value.message_dict)
    report = annual.annual_report_save(area["unit"], studio, YEAR, REPORT, submit=True)
    assert report.status == ReportStatus.SUBMITTED and report.submitted_at
    assert Notification.objects.filter(recipient=area["county"], title__contains="年度运行情况").exists()
    with pytest.raises(StaleAction):
        annual.annual_report_save(area["unit"], studio, YEAR, REPORT)
    annual.annual_report_return(area["county"], report, comment="请补充经费使用明细。")
    assert AnnualReport.objects.get(pk=report.pk).status == ReportStatus.RETURNED
    annual.annual_report_save(area["unit"], studio, YEAR, REPORT, submit=True)
    assert AnnualReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


@pytest.mark.parametrize("actor", ["county", "city", "other_county"])
def test_only_the_studios_unit_reports(area, actor):
    with pytest.raises(PermissionDenied):
        annual.annual_report_save(area[actor], area["studios"][0], YEAR, REPORT, submit=True)
    assert not AnnualReport.objects.exists()


@pytest.mark.parametrize("actor", ["unit", "city", "other_county"])
def test_only_the_recommending_union_assesses_whom_it_recommended(area, actor):
    with pytest.raises(PermissionDenied):
        annual.annual_assess(area[actor], area["studios"][0], YEAR, RATINGS)
    assert not AnnualAssessment.objects.exists()


def test_every_point_of_article_9_must_be_rated(area):
    with pytest.raises(ValidationError) as error:
        annual.annual_assess(area["county"], area["studios"][0], YEAR, {"system_rating": "excellent", "comment": ""})
    assert set(error.value.message_dict) == {"system_rating", "funding_rating", "training_rating", "transfer_rating",
                                             "demonstration_rating", "comment"}


def test_reporting_up_needs_every_named_studio_assessed_and_then_freezes_them(area):
    first, second = area["studios"]
    annual.annual_assess(area["county"], first, YEAR, RATINGS)
    with pytest.raises(Conflict, match="还有 1 个工作室未考核"):
        annual.annual_assessments_report(area["county"], YEAR)
    annual.annual_assess(area["county"], second, YEAR, RATINGS)
    assert annual.annual_assessments_report(area["county"], YEAR) == 2
    assert set(AnnualAssessment.objects.values_list("status", flat=True)) == {AssessmentStatus.REPORTED}
    assert Notification.objects.filter(recipient=area["city"], title__contains="报送了").exists()
    with pytest.raises(StaleAction):
        annual.annual_assess(area["county"], first, YEAR, RATINGS)
    with pytest.raises(StaleAction):
        annual.annual_assessments_report(area["county"], YEAR)
    assert TransitionLog.objects.filter(transition="annual_report_to_city").count() == 2


def test_a_delisted_studio_is_no_longer_reported_or_assessed(area, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    studio = area["studios"][0]
    life.studio_delist(area["city"], studio, reason="4", facts="整改后仍不能运转。", decision_number="揭工总〔2026〕3号",
                       decided_on=timezone.localdate())
    with pytest.raises(Conflict, match="不再报告和考核"):
        annual.annual_report_save(area["unit"], studio, YEAR, REPORT)
    with pytest.raises(Conflict, match="不再报告和考核"):
        annual.annual_assess(area["county"], studio, YEAR, RATINGS)
    annual.annual_assess(area["county"], area["studios"][1], YEAR, RATINGS)
    assert annual.annual_assessments_report(area["county"], YEAR) == 1  # the delisted one is not waited for


def test_the_overview_counts_per_recommending_union_and_flags_lateness(area, published_rules):
    first, second = area["studios"]
    annual.annual_report_save(area["unit"], first, YEAR, REPORT, submit=True)
    annual.annual_assess(area["county"], first, YEAR, RATINGS)
    rows = {row["unit__recommending_union__name"]: row for row in annual_overview(YEAR)}
    mine = rows["榕城区总工会"]
    assert (mine["studios"], mine["reports"], mine["assessed"], mine["sent"], mine["rate"]) == (2, 1, 1, 0, 0)
    assert rows["普宁市总工会"]["studios"] == 1
    type(published_rules).objects.filter(pk=published_rules.pk).update(annual_report_month=1, annual_report_day=1)
    late = {row["unit__recommending_union__name"]: row for row in annual_overview(YEAR)}
    assert late["榕城区总工会"]["reports_late"] == (timezone.localdate() > datetime.date(YEAR, 1, 1))


def test_the_pages_take_a_studio_from_report_to_assessment(area, login):
    studio = area["studios"][0]
    url = reverse("assessments:annual_studio", args=[studio.pk, YEAR])
    unit = login(area["unit"])
    response = unit.post(url, {"action": "submit", **{f"report-{k}": v for k, v in REPORT.items()}})
    assert response.status_code == 302 and AnnualReport.objects.get().status == ReportStatus.SUBMITTED
    county = login(area["county"])
    page = county.get(url).content.decode()
    assert "获国家实用新型专利 1 项" in page and "保存考核结果" in page
    county.post(url, {"action": "assess", **{f"assess-{k}": v for k, v in RATINGS.items()}})
    assert AnnualAssessment.objects.get().transfer_rating == "basic"
    listing = county.get(reverse("assessments:annual")).content.decode()
    assert "报送市总工会" in listing and studio.name in listing


def test_another_unions_studio_is_404_and_experts_have_no_page(area, login):
    url = reverse("assessments:annual_studio", args=[area["other_studio"].pk, YEAR])
    assert login(area["county"]).get(url).status_code == 404
    assert login(area["unit"]).post(url, {"action": "submit", **{f"report-{k}": v for k, v in REPORT.items()}}).status_code == 404
    assert login(factories.user_with_role(Role.EXPERT)).get(reverse("assessments:annual")).status_code == 403
    assert not AnnualReport.objects.exists()


def test_the_overview_and_the_area_list_keep_their_query_counts(area, login):
    def count(client, url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    city, county = login(area["city"]), None
    before = count(city, reverse("assessments:annual"))
    county_client = login(area["county"])
    area_before = count(county_client, reverse("assessments:annual"))
    for n in range(4):
        studio = factories.StudioFactory(unit=area["studios"][0].unit)
        annual.annual_assess(area["county"], studio, YEAR, RATINGS)
        factories.StudioFactory(unit=factories.unit_union(factories.county_union()))
    assert count(login(area["city"]), reverse("assessments:annual")) == before
    assert count(login(area["county"]), reverse("assessments:annual")) == area_before


def test_reminders_go_out_before_each_deadline_and_again_when_it_passes(area, published_rules):
    from assessments.tasks import remind_annual

    report_due, assessment_due = published_rules.annual_deadlines(YEAR)
    days = published_rules.reminder_days_before
    annual.annual_report_save(area["unit"], area["studios"][0], YEAR, REPORT, submit=True)  # one of two reported
    assert remind_annual((report_due - datetime.timedelta(days=days + 1)).isoformat()) == 0  # not a reminder day
    assert remind_annual((report_due - datetime.timedelta(days=days)).isoformat()) == 1  # the unit still to report
    assert Notification.objects.filter(recipient=area["unit"], title="请报告创新工作室年度运行情况").exists()
    remind_annual((report_due + datetime.timedelta(days=1)).isoformat())
    assert Notification.objects.filter(recipient=area["county"], title="年度运行情况报告已逾期").exists()
    for studio in area["studios"]:
        annual.annual_assess(area["county"], studio, YEAR, RATINGS)
    annual.annual_assessments_report(area["county"], YEAR)
    remind_annual((assessment_due + datetime.timedelta(days=1)).isoformat())
    late = Notification.objects.filter(title="年度考核情况逾期未报送")
    assert not late.filter(recipient=area["county"]).exists()  # reported in time
    assert late.filter(recipient=area["other_county"]).exists() and late.filter(recipient=area["city"]).exists()


def test_the_reminder_job_run_twice_reminds_once(area, published_rules):
    from assessments.tasks import remind_annual
    from tests.conftest import row_counts

    report_due, assessment_due = published_rules.annual_deadlines(YEAR)
    for day in (report_due - datetime.timedelta(days=published_rules.reminder_days_before),
                report_due + datetime.timedelta(days=1), assessment_due + datetime.timedelta(days=1)):
        assert remind_annual(day.isoformat()) > 0
        once = row_counts()
        assert remind_annual(day.isoformat()) == 0
        assert row_counts() == once


def test_a_studio_reports_from_the_year_after_its_naming(area):
    fresh = factories.StudioFactory(unit=area["studios"][0].unit, named_year=YEAR)
    with pytest.raises(Conflict, match="从下一年度起报告和考核"):
        annual.annual_report_save(area["unit"], fresh, YEAR, REPORT)
    for studio in area["studios"]:
        annual.annual_assess(area["county"], studio, YEAR, RATINGS)
    assert annual.annual_assessments_report(area["county"], YEAR) == 2  # the new one is not waited for


def test_the_years_results_export_to_excel_within_scope(area, login):
    import io

    from openpyxl import load_workbook

    annual.annual_report_save(area["unit"], area["studios"][0], YEAR, REPORT, submit=True)
    annual.annual_assess(area["county"], area["studios"][0], YEAR, RATINGS)
    response = login(area["county"]).get(reverse("assessments:annual_export"), {"year": YEAR})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header = [c.value for c in sheet[1]]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert header[:4] == ["推荐单位", "工作室", "所在单位", "运行情况报告"] and "成果转化" in header
    assert len(rows) == 2  # the county's two studios, not the other county's
    first = next(r for r in rows if r[1] == area["studios"][0].name)
    assert first[3] == "已报告" and first[header.index("成果转化")] == "一般"
    assert isinstance(first[4], datetime.datetime)
    assert login(factories.user_with_role(Role.EXPERT)).get(reverse("assessments:annual_export")).status_code == 403
