"""The pages of 第十条, 第十一条 and 第十四条: who sees what, the forms, refusals, and constant queries."""
import datetime

from django.urls import reverse
from django.utils import timezone

from assessments import cycle_services as cycles
from assessments.models import (
    AssessmentCycle, CycleEvaluation, CyclePhase, CycleReview, EvaluationStatus, Recommendation, Rectification,
    RectificationStatus,
)
from studios.models import Studio, StudioStatus
from tests import factories

from .conftest import SELF, YEAR, decided_cycle, evaluation_of, reviewed_cycle

TODAY = timezone.localdate()


def _page(cycle, evaluation):
    return reverse("assessments:cycle_evaluation", args=[cycle.pk, evaluation.pk])


def test_municipal_staff_open_a_cycle_from_the_list(city_area, login):
    client = login(city_area["city"])
    page = client.get(reverse("assessments:cycle_list"))
    assert page.status_code == 200 and "将纳入考核" in page.content.decode()
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: (v.isoformat() if isinstance(v, datetime.date) else v or "") for k, v in data.items()}
    response = client.post(reverse("assessments:cycle_list"), data)
    cycle = AssessmentCycle.objects.get()
    assert response.url == reverse("assessments:cycle_detail", args=[cycle.pk])
    assert cycle.evaluations.count() == 4


def test_others_cannot_open_a_cycle(city_area, login):
    for role in ("unit", "county", "admin"):
        response = login(city_area[role]).post(reverse("assessments:cycle_list"), {"year": YEAR})
        assert response.status_code == 403
    assert not AssessmentCycle.objects.exists()


def test_the_unit_fills_in_its_self_evaluation_on_the_page(city_area, login):
    cycle = cycles.cycle_open(city_area["city"], year=YEAR)
    evaluation = evaluation_of(cycle, city_area["studios"][0])
    client = login(city_area["unit"])
    page = client.get(_page(cycle, evaluation))
    assert page.status_code == 200 and "self" in page.context["forms"]
    response = client.post(_page(cycle, evaluation), {"action": "self_submit", "self-self_summary": "",
                                                      "self-self_grade": ""})
    assert response.status_code == 200 and response.context["forms"]["self"].errors  # the service's refusal shown
    response = client.post(_page(cycle, evaluation), {"action": "self_submit", "self-self_summary": SELF["summary"],
                                                      "self-self_grade": "pass"})
    assert response.status_code == 302
    assert CycleEvaluation.objects.get(pk=evaluation.pk).status == EvaluationStatus.SELF_SUBMITTED
    # Posting an action the role has no form for is refused and changes nothing.
    response = client.post(_page(cycle, evaluation), {"action": "evaluate", "evaluate-evaluation_comment": "好"})
    assert response.status_code == 403


def test_another_unions_user_gets_404_and_the_county_evaluates(city_area, login):
    cycle = cycles.cycle_open(city_area["city"], year=YEAR)
    evaluation = cycles.self_evaluation_save(city_area["unit"], evaluation_of(cycle, city_area["studios"][0]),
                                             submit=True, **SELF)
    for user in (city_area["other_unit"], city_area["other_county"], city_area["experts"][0]):
        assert login(user).get(_page(cycle, evaluation)).status_code == 404
        assert login(user).post(_page(cycle, evaluation), {"action": "return", "comment": "x"}).status_code == 404
    client = login(city_area["county"])
    response = client.post(_page(cycle, evaluation), {
        "action": "evaluate", "evaluate-operation_rating": "good", "evaluate-innovation_rating": "fair",
        "evaluate-leadership_rating": "good", "evaluate-evaluation_comment": "规范。"})
    assert response.status_code == 302
    assert CycleEvaluation.objects.get(pk=evaluation.pk).status == EvaluationStatus.EVALUATED
    page = client.get(reverse("assessments:cycle_detail", args=[cycle.pk]))
    assert page.context["can_recommend"] is True


def test_an_expert_sees_only_assigned_studios_and_scores_on_the_page(city_area, login):
    cycle = cycles.cycle_open(city_area["city"], year=YEAR)
    from .conftest import through_evaluation

    through_evaluation(city_area, cycle, city_area["studios"])
    cycles.cycle_start_expert_review(city_area["city"], cycle, from_phase="evaluation", panel=city_area["panel"])
    review = CycleReview.objects.select_related("expert", "evaluation").first()
    client = login(review.expert)
    assert client.get(reverse("assessments:cycle_reviews")).status_code == 200
    page = client.get(_page(cycle, review.evaluation))
    assert page.status_code == 200 and "review" in page.context["forms"]
    assert page.context["history"] is None and page.context["reviews"] is None  # no other experts' names
    assert client.get(_page(cycle, evaluation_of(cycle, city_area["other_studio"]))).status_code == 404
    assert client.get(reverse("assessments:cycle_detail", args=[cycle.pk])).status_code == 403
    response = client.post(_page(cycle, review.evaluation), {"action": "review", "review-total": "150",
                                                             "review-comment": "好"})
    assert response.status_code == 200 and CycleReview.objects.get(pk=review.pk).status == "assigned"
    client.post(_page(cycle, review.evaluation), {"action": "review", "review-total": "88.5", "review-comment": "好"})
    assert CycleReview.objects.get(pk=review.pk).total == 88.5


def test_only_the_city_sees_who_reviews_a_studio(city_area, login):
    cycle = reviewed_cycle(city_area, {s: 80 for s in city_area["studios"]})
    evaluation = evaluation_of(cycle, city_area["studios"][0])
    expert_names = {r.expert.display_name for r in evaluation.reviews.select_related("expert")}
    unit_page = login(city_area["unit"]).get(_page(cycle, evaluation)).content.decode()
    studio_page = login(city_area["unit"]).get(reverse("studios:record", args=[evaluation.studio_id])).content.decode()
    assert not any(name in unit_page or name in studio_page for name in expert_names)
    city_page = login(city_area["city"]).get(_page(cycle, evaluation)).content.decode()
    assert all(name in city_page for name in expert_names)


def test_the_decision_page_grades_every_studio(city_area, login):
    excellent, passing, failing = city_area["studios"]
    cycle = reviewed_cycle(city_area, {excellent: 95, passing: 80, failing: 50})
    client = login(city_area["city"])
    url = reverse("assessments:cycle_decision", args=[cycle.pk])
    page = client.get(url)
    assert page.status_code == 200 and len(page.context["form"].rows) == 4
    data = {"from_phase": "decision", "meeting_date": TODAY.isoformat(), "minutes_ref": "纪要〔2026〕3号"}
    for studio, grade in ((excellent, "excellent"), (passing, "pass"), (failing, "fail"),
                          (city_area["other_studio"], "fail")):
        data[f"grade_{evaluation_of(cycle, studio).pk}"] = grade
    response = client.post(url, data)
    assert response.status_code == 200 and "整改要求" in response.content.decode()  # notes missing for 不合格
    assert AssessmentCycle.objects.get(pk=cycle.pk).phase == CyclePhase.DECISION
    for studio in (failing, city_area["other_studio"]):
        data[f"note_{evaluation_of(cycle, studio).pk}"] = "制度未落实。"
    assert client.post(url, data).status_code == 302
    assert AssessmentCycle.objects.get(pk=cycle.pk).phase == CyclePhase.CONCLUDED
    assert Studio.objects.get(pk=failing.pk).status == StudioStatus.RECTIFYING
    assert login(city_area["county"]).get(url).status_code == 403


def test_the_rectification_pages_take_the_report_and_the_recheck(city_area, login):
    excellent, passing, failing = city_area["studios"]
    decided_cycle(city_area, {excellent: 95, passing: 80, failing: 50}, {
        excellent: {"grade": "excellent"}, passing: {"grade": "pass"}, failing: {"grade": "fail", "note": "制度未落实。"},
        city_area["other_studio"]: {"grade": "fail", "note": "未参加。"}})
    rectification = Rectification.objects.get(studio=failing)
    url = reverse("assessments:rectification_detail", args=[rectification.pk])
    assert login(city_area["other_unit"]).get(url).status_code == 404
    listing = login(city_area["unit"]).get(reverse("assessments:rectification_list"))
    assert [r.pk for r in listing.context["page"].object_list] == [rectification.pk]
    login(city_area["unit"]).post(url, {"action": "report", "report-report": "已整改。"})
    assert Rectification.objects.get(pk=rectification.pk).status == RectificationStatus.REPORTED
    assert login(city_area["unit"]).post(url, {"action": "recheck", "recheck-passed": "yes",
                                               "recheck-recheck_comment": "x"}).status_code == 403
    login(city_area["city"]).post(url, {"action": "recheck", "recheck-passed": "no",
                                        "recheck-recheck_comment": "仍不能运转。"})
    assert Rectification.objects.get(pk=rectification.pk).status == RectificationStatus.FAILED
    page = login(city_area["city"]).get(url)
    assert "delist" in page.context["forms"] and "复查不合格：仍不能运转" in page.context["forms"]["delist"]["facts"].value()
    login(city_area["city"]).post(url, {"action": "delist", "delist-decision_number": "揭工总〔2026〕20号",
                                        "delist-decided_on": TODAY.isoformat(), "delist-facts": "整改不力。"})
    assert Studio.objects.get(pk=failing.pk).status == StudioStatus.DELISTED


def test_the_recommendation_pages(city_area, login):
    excellent, passing, failing = city_area["studios"]
    cycle = decided_cycle(city_area, {excellent: 95, passing: 80, failing: 70}, {
        excellent: {"grade": "excellent"}, passing: {"grade": "pass"}, failing: {"grade": "pass"},
        city_area["other_studio"]: {"grade": "fail", "note": "未参加。"}})
    client = login(city_area["city"])
    listing = client.get(reverse("assessments:recommendation_list"))
    assert [c.studio for c in listing.context["candidates"]] == [excellent]
    evaluation = evaluation_of(cycle, excellent)
    url = reverse("assessments:recommendation_create") + f"?studio={excellent.pk}&evaluation={evaluation.pk}"
    assert client.get(url).context["form"]["evaluation"].value() == evaluation.pk
    response = client.post(url, {"year": YEAR, "honour": "provincial_studio", "evaluation": evaluation.pk,
                                 "grounds": "周期考核优秀。"})
    assert response.status_code == 302
    rec = Recommendation.objects.get()
    client.post(reverse("assessments:recommendation_advance", args=[rec.pk, "submit"]), {"from_status": "proposed"})
    assert Recommendation.objects.get().status == "submitted"
    for role in ("unit", "county"):
        assert login(city_area[role]).get(url).status_code == 403
    assert login(city_area["other_unit"]).post(
        reverse("assessments:recommendation_advance", args=[rec.pk, "award"]),
        {"from_status": "submitted"}).status_code == 404
    assert Recommendation.objects.get().status == "submitted"


def _queries(client, url, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_cycle_and_rectification_lists_keep_a_constant_number_of_queries(city_area, login,
                                                                            django_assert_max_num_queries):
    cycle = cycles.cycle_open(city_area["city"], year=YEAR)
    client = login(city_area["city"])
    urls = [reverse("assessments:cycle_detail", args=[cycle.pk]), reverse("assessments:rectification_list"),
            reverse("assessments:recommendation_list"), reverse("assessments:cycle_list")]
    unit = city_area["studios"][0].unit

    def add_rectified_studios(count):
        for _ in range(count):
            studio = factories.StudioFactory(unit=unit, named_year=YEAR - 4)
            evaluation = CycleEvaluation.objects.create(cycle=cycle, studio=studio, status=EvaluationStatus.GRADED,
                                                        grade="fail")
            Rectification.objects.create(evaluation=evaluation, studio=studio, problems="问题", deadline=TODAY)
            Recommendation.objects.create(year=YEAR, honour="municipal_award", studio=studio, grounds="理由",
                                          created_by=city_area["city"])

    add_rectified_studios(1)
    before = [_queries(client, url, django_assert_max_num_queries) for url in urls]
    add_rectified_studios(6)
    after = [_queries(client, url, django_assert_max_num_queries) for url in urls]
    assert after == before


def test_each_role_sees_what_waits_for_it_in_the_cycle_on_the_dashboard(city_area, login):
    def cards(user):
        response = login(user).get(reverse("dashboard"))
        return {str(c.label): c.value for c in response.context["cards"]}

    cycle = cycles.cycle_open(city_area["city"], year=YEAR)
    cycles.self_evaluation_save(city_area["unit"], evaluation_of(cycle, city_area["studios"][0]), submit=True, **SELF)
    assert cards(city_area["unit"])["待提交自评"] == 2
    assert cards(city_area["county"])["待评价"] == 1
    assert cards(city_area["other_county"])["待评价"] == 0
    assert f"{YEAR} 年度周期考核：自评、评价和初审推荐" in cards(city_area["city"])


def test_the_dashboard_shows_rectifications_waiting(city_area, login):
    excellent, passing, failing = city_area["studios"]
    decided_cycle(city_area, {excellent: 95, passing: 80, failing: 50}, {
        excellent: {"grade": "excellent"}, passing: {"grade": "pass"}, failing: {"grade": "fail", "note": "整改。"},
        city_area["other_studio"]: {"grade": "fail", "note": "未参加。"}})
    from assessments import rectification_services as rect

    unit_cards = {str(c.label): c.value for c in login(city_area["unit"]).get(reverse("dashboard")).context["cards"]}
    assert unit_cards["待报告整改情况"] == 1
    rect.rectification_report(city_area["unit"], Rectification.objects.get(studio=failing), report="已整改。")
    city_cards = {str(c.label): c.value for c in login(city_area["city"]).get(reverse("dashboard")).context["cards"]}
    assert city_cards["待复查整改"] == 1


def test_the_open_form_waits_for_the_next_cycle_year_and_a_double_submit_answers_409(city_area, login):
    client = login(city_area["city"])
    data = {"year": YEAR, "notes": "", **{k: v.isoformat() for k, v in cycles.default_deadlines(
        AssessmentCycle._meta.get_field("rule_set").related_model.objects.current(), TODAY).items()}}
    assert client.post(reverse("assessments:cycle_list"), data).status_code == 302
    again = client.post(reverse("assessments:cycle_list"), data)
    assert again.status_code == 409 and "已开启" in again.content.decode() and AssessmentCycle.objects.count() == 1
    page = client.get(reverse("assessments:cycle_list"))
    assert page.context["form"] is None and page.context["next_year"] == YEAR + 2
    cycle = AssessmentCycle.objects.get()
    assert [c.year for c in page.context["cycles"]] == [cycle.year]
