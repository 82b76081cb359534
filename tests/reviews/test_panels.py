"""Expert panels (第六条: 专家评审): assignment with conflicts avoided, guardian access, recusal, final scores."""
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.conflicts import Conflict
from reviews import application_services as apps
from reviews import panel_services
from reviews.models import Application, ApplicationStatus, Assignment, AssignmentStatus, RoundPhase, ScoreItem
from reviews.scoring import combine
from reviews.services import StaleAction
from rules.models import Aggregation
from tests import factories
from tests.reviews.conftest import advance_to, complete_draft
from unions.models import Role


@pytest.mark.parametrize("method,expected", [
    (Aggregation.MEAN, Decimal("80.0")), (Aggregation.MEDIAN, Decimal("85.0")),
    (Aggregation.TRIMMED_MEAN, Decimal("85.0")),
])
def test_combining_scores(method, expected):
    assert combine([Decimal("60"), Decimal("85"), Decimal("95")], method) == expected


def test_trimmed_mean_of_two_is_the_mean():
    assert combine([Decimal("70"), Decimal("80")], Aggregation.TRIMMED_MEAN) == Decimal("75.0")


@pytest.fixture
def reviewing(city, open_round):
    """Three accepted applications from units under two counties, and four experts."""
    counties = [factories.county_union("甲县总工会"), factories.county_union("乙县总工会")]
    drafts = []
    for i in range(3):
        unit = factories.unit_union(counties[i % 2])
        unit_user = factories.user_with_role(Role.UNIT_STAFF, unit)
        application = complete_draft(unit_user, open_round, leader_name=f"领衔人{i}")
        apps.application_submit(unit_user, application, from_status=ApplicationStatus.DRAFT)
        drafts.append(application)
    naming_round = advance_to(city, open_round, RoundPhase.PRELIMINARY)
    for application, county in zip(drafts, [counties[0], counties[1], counties[0]]):
        county_user = factories.user_with_role(Role.RECOMMENDING_STAFF, county)
        apps.application_recommend(county_user, application, from_status=ApplicationStatus.SUBMITTED)
    naming_round = advance_to(city, naming_round, RoundPhase.AUDIT)
    for application in drafts:
        apps.application_accept(city, application, from_status=ApplicationStatus.RECOMMENDED)
    experts = [factories.user_with_role(Role.EXPERT, full_name=f"专家{i}") for i in range(4)]
    panel = panel_services.panel_save(city, naming_round, experts)
    return {"round": naming_round, "applications": drafts, "experts": experts, "panel": panel,
            "counties": counties}


def test_only_municipal_staff_compose_the_panel_and_only_with_experts(reviewing, city):
    with pytest.raises(PermissionDenied):
        panel_services.panel_save(factories.user_with_role(Role.ADMIN), reviewing["round"], reviewing["experts"])
    with pytest.raises(ValidationError, match="不是有效的评审专家账号"):
        panel_services.panel_save(city, reviewing["round"], [factories.user_with_role(Role.MUNICIPAL_STAFF)])


def test_a_conflicted_expert_is_refused_with_the_reason(reviewing, city):
    application = reviewing["applications"][0]
    same_unit = factories.user_with_role(Role.EXPERT, application.unit)
    same_county = factories.user_with_role(Role.EXPERT, reviewing["counties"][0])
    panel = panel_services.panel_save(city, reviewing["round"], [*reviewing["experts"], same_unit, same_county])
    with pytest.raises(ValidationError, match="同属"):
        panel_services.assign(city, panel, application, same_unit)
    with pytest.raises(ValidationError, match="推荐单位"):
        panel_services.assign(city, panel, application, same_county)
    assert not Assignment.objects.exists()


def test_assignment_grants_object_permission_and_starts_the_review(reviewing, city):
    application, expert = reviewing["applications"][0], reviewing["experts"][0]
    panel_services.assign(city, reviewing["panel"], application, expert)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.UNDER_REVIEW
    assert expert.has_perm("reviews.review_application", application)
    assert not reviewing["experts"][1].has_perm("reviews.review_application", application)


def test_auto_assign_balances_loads_and_avoids_conflicts(reviewing, city):
    conflicted = factories.user_with_role(Role.EXPERT, reviewing["counties"][1])  # recommends application 1
    panel = panel_services.panel_save(city, reviewing["round"], [*reviewing["experts"], conflicted])
    assert panel_services.auto_assign(city, panel) == 9  # 3 applications × 3 experts
    loads = [Assignment.objects.filter(expert=e).count() for e in [*reviewing["experts"], conflicted]]
    assert max(loads) - min(loads) <= 1
    assert not Assignment.objects.filter(expert=conflicted, application=reviewing["applications"][1]).exists()
    assert all(a.assignments.count() == 3 for a in Application.objects.all())
    assert panel_services.auto_assign(city, panel) == 0  # nothing left to do


def test_auto_assign_with_too_few_experts_assigns_nothing(reviewing, city):
    panel = panel_services.panel_save(city, reviewing["round"], reviewing["experts"][:2])
    with pytest.raises(Conflict, match="还需 3 位专家，只有 2 位可用"):
        panel_services.auto_assign(city, panel)
    assert not Assignment.objects.exists()


@pytest.fixture
def assigned(reviewing, city):
    panel_services.auto_assign(city, reviewing["panel"])
    return reviewing


def _points(naming_round, value):
    return {c.pk: min(Decimal(value), c.max_score) for c in naming_round.rule_set.criteria.all()}


def test_scoring_waits_for_the_expert_review_phase(assigned):
    assignment = Assignment.objects.first()
    with pytest.raises(Conflict, match="专家评审阶段才能评分"):
        panel_services.submit_scores(assignment.expert, assignment, _points(assigned["round"], 10), "好")


def test_scores_are_bounded_final_and_complete_the_application(assigned, city):
    naming_round = advance_to(city, assigned["round"], RoundPhase.EXPERT_REVIEW)
    application = assigned["applications"][0]
    assignments = list(Assignment.objects.filter(application=application))
    first = assignments[0]
    too_high = {**_points(naming_round, 10), naming_round.rule_set.criteria.first().pk: Decimal("99")}
    with pytest.raises(ValidationError, match="得分应在 0 到"):
        panel_services.submit_scores(first.expert, first, too_high, "意见")
    assert not ScoreItem.objects.exists()
    panel_services.submit_scores(first.expert, first, _points(naming_round, 10), "创新成果突出")
    with pytest.raises(StaleAction, match="不能修改"):
        panel_services.submit_scores(first.expert, first, _points(naming_round, 5), "改分")
    assert Assignment.objects.get(pk=first.pk).total == sum(_points(naming_round, 10).values())
    for other in assignments[1:]:
        panel_services.submit_scores(other.expert, other, _points(naming_round, 8), "同意")
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.SCORED


def test_another_experts_task_is_not_theirs(assigned):
    assignment = Assignment.objects.first()
    outsider = factories.user_with_role(Role.EXPERT)
    with pytest.raises(PermissionDenied):
        panel_services.submit_scores(outsider, assignment, {}, "x")


def test_recusal_removes_access_and_tells_municipal_staff(assigned, city):
    assignment = Assignment.objects.first()
    with pytest.raises(ValidationError):
        panel_services.recuse(assignment.expert, assignment, " ")
    panel_services.recuse(assignment.expert, assignment, "曾在该单位任职")
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.RECUSED
    expert = type(assignment.expert).objects.get(pk=assignment.expert_id)  # fresh permission cache
    assert not expert.has_perm("reviews.review_application", assignment.application)
    assert city.notifications.filter(title__contains="回避").exists()


# --- pages ----------------------------------------------------------------------------------


def test_expert_scores_through_the_pages(assigned, city, login):
    naming_round = advance_to(city, assigned["round"], RoundPhase.EXPERT_REVIEW)
    assignment = Assignment.objects.first()
    client = login(assignment.expert)
    assert assignment.application.studio_name in client.get(reverse("reviews:assignment_list")).content.decode()
    page = client.get(reverse("reviews:assignment_detail", args=[assignment.pk])).content.decode()
    assert "提交评分" in page and "声明回避" in page
    data = {f"c{pk}": str(v) for pk, v in _points(naming_round, 9).items()} | {"comment": "建议命名"}
    client.post(reverse("reviews:assignment_score", args=[assignment.pk]), data)
    assert Assignment.objects.get(pk=assignment.pk).status == AssignmentStatus.SCORED
    assert client.get(reverse("reviews:assignment_detail", args=[assignment.pk])).status_code == 404


def test_assignment_pages_are_404_for_anyone_else(assigned, login):
    assignment = Assignment.objects.first()
    for user in (factories.user_with_role(Role.EXPERT), factories.user_with_role(Role.MUNICIPAL_STAFF)):
        client = login(user)
        assert client.get(reverse("reviews:assignment_detail", args=[assignment.pk])).status_code == 404
        assert client.post(reverse("reviews:assignment_recuse", args=[assignment.pk]),
                           {"reason": "x"}).status_code == 404
    assert Assignment.objects.get(pk=assignment.pk).status == AssignmentStatus.ASSIGNED


def test_experts_see_only_their_applications(assigned, login):
    assignment = Assignment.objects.first()
    client = login(assignment.expert)
    assert client.get(reverse("reviews:application_detail", args=[assignment.application.pk])).status_code == 404
    mine = set(client.get(reverse("reviews:assignment_list")).context["page"].object_list)
    assert mine == set(Assignment.objects.filter(expert=assignment.expert))


def test_panel_page_ranks_and_flags_a_large_spread(assigned, city, login):
    naming_round = advance_to(city, assigned["round"], RoundPhase.EXPERT_REVIEW)
    application = assigned["applications"][2]
    for value, assignment in zip((100, 100, 10), Assignment.objects.filter(application=application)):
        panel_services.submit_scores(assignment.expert, assignment, _points(naming_round, value), "意见")
    response = login(city).get(reverse("reviews:panel", args=[naming_round.pk]))
    rows = response.context["rows"]
    assert rows[0]["application"] == application and rows[0]["rank"] == 1
    assert rows[0]["spread_alert"] is True
    assert rows[1]["rank"] is None  # not yet scored
    assert "尚未评分" in response.content.decode()


def test_a_partly_scored_application_shows_a_provisional_score_and_no_rank(assigned, city, login):
    naming_round = advance_to(city, assigned["round"], RoundPhase.EXPERT_REVIEW)
    done, partial = assigned["applications"][0], assigned["applications"][1]
    for assignment in Assignment.objects.filter(application=done):
        panel_services.submit_scores(assignment.expert, assignment, _points(naming_round, 50), "意见")
    first = Assignment.objects.filter(application=partial).first()
    panel_services.submit_scores(first.expert, first, _points(naming_round, 100), "意见")
    response = login(city).get(reverse("reviews:panel", args=[naming_round.pk]))
    rows = {row["application"]: row for row in response.context["rows"]}
    assert rows[done]["rank"] == 1 and rows[done]["complete"]
    # 100 points from one expert of three does not outrank a finished application
    assert rows[partial]["rank"] is None and rows[partial]["score"] == 100
    assert response.context["rows"][0]["application"] == done
    assert "暂计 100.0" in response.content.decode()


def test_panel_page_is_for_municipal_staff_only(assigned, login):
    for role in (Role.RECOMMENDING_STAFF, Role.EXPERT, Role.ADMIN, Role.UNIT_STAFF):
        client = login(factories.user_with_role(role))
        assert client.get(reverse("reviews:panel", args=[assigned["round"].pk])).status_code == 403


def test_panel_page_queries_do_not_grow_with_applications(reviewing, city, login):
    client = login(city)
    panel_services.assign(city, reviewing["panel"], reviewing["applications"][0], reviewing["experts"][0])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("reviews:panel", args=[reviewing["round"].pk])).status_code == 200
        return len(ctx)

    one = count()
    panel_services.auto_assign(city, reviewing["panel"])
    assert count() == one


def test_score_form_labels_show_plain_maximums(assigned, city, login):
    advance_to(city, assigned["round"], RoundPhase.EXPERT_REVIEW)
    assignment = Assignment.objects.first()
    page = login(assignment.expert).get(reverse("reviews:assignment_detail", args=[assignment.pk])).content.decode()
    assert "工作平台（10 分）" in page and "E+" not in page


def test_experts_are_reminded_before_the_deadline_and_on_the_day(assigned, city):
    import datetime

    from django.utils import timezone

    from core.models import Notification
    from reviews.models import NamingRound
    from reviews.tasks import remind_experts

    naming_round = advance_to(city, assigned["round"], RoundPhase.EXPERT_REVIEW)
    today = timezone.localdate()
    NamingRound.objects.filter(pk=naming_round.pk).update(expert_deadline=today + datetime.timedelta(days=3))
    assert remind_experts() == 4
    assert Notification.objects.filter(title__startswith="评分提醒").count() == 4
    NamingRound.objects.filter(pk=naming_round.pk).update(expert_deadline=today + datetime.timedelta(days=2))
    assert remind_experts() == 0
    NamingRound.objects.filter(pk=naming_round.pk).update(expert_deadline=today)
    done = Assignment.objects.filter(expert=assigned["experts"][0])
    for assignment in done:
        panel_services.recuse(assignment.expert, assignment, "回避")
    assert remind_experts() == 3  # the expert with nothing left to score is not reminded


def test_the_expert_reminder_job_run_twice_reminds_once(assigned, city):
    import datetime

    from django.utils import timezone

    from core.models import OutboxMessage
    from reviews.models import NamingRound
    from reviews.tasks import remind_experts
    from tests.conftest import row_counts

    naming_round = advance_to(city, assigned["round"], RoundPhase.EXPERT_REVIEW)
    NamingRound.objects.filter(pk=naming_round.pk).update(expert_deadline=timezone.localdate())
    emails = OutboxMessage.objects.count()
    assert remind_experts() == 4
    assert OutboxMessage.objects.count() == emails + 4  # one e-mail to each expert
    once = row_counts()
    assert remind_experts() == 0
    assert row_counts() == once


def test_a_site_visit_is_recorded_between_audit_and_expert_review(reviewing, city, login):
    import datetime

    from django.utils import timezone

    from core.models import TransitionLog
    from reviews import decision_services

    application = reviewing["applications"][0]
    with pytest.raises(ValidationError, match="请在考察后记录"):
        decision_services.site_visit_record(city, application, visited_on=timezone.localdate() + datetime.timedelta(1),
                                            visitors="张华、林教授", findings="场所、牌匾、设备与申报一致。")
    client = login(city)
    client.post(reverse("reviews:site_visit", args=[application.pk]), {
        "visited_on": timezone.localdate().isoformat(), "visitors": "张华、林教授", "findings": "场所、牌匾、设备与申报一致。"})
    assert application.site_visits.get().findings == "场所、牌匾、设备与申报一致。"
    assert TransitionLog.objects.for_object(application).filter(label="现场考察").exists()
    assert "场所、牌匾、设备与申报一致" in client.get(
        reverse("reviews:application_detail", args=[application.pk])).content.decode()
    county_user = factories.user_with_role(Role.RECOMMENDING_STAFF, reviewing["counties"][0])
    assert login(county_user).post(reverse("reviews:site_visit", args=[application.pk]), {
        "visited_on": timezone.localdate().isoformat(), "visitors": "x", "findings": "y"}).status_code == 403
    assert application.site_visits.count() == 1


def test_only_municipal_staff_see_who_reviews_an_application(assigned, city, login):
    naming_round = advance_to(city, assigned["round"], RoundPhase.EXPERT_REVIEW)
    assignment = Assignment.objects.first()
    panel_services.submit_scores(assignment.expert, assignment, _points(naming_round, 80), "意见")
    application, expert = assignment.application, assignment.expert.display_name
    url = reverse("reviews:application_detail", args=[application.pk])
    assert expert in login(city).get(url).content.decode()
    for user in (application.created_by, factories.user_with_role(Role.RECOMMENDING_STAFF,
                                                                   union=application.unit.recommending_union)):
        html = login(user).get(url).content.decode()
        assert "专家提交评分" in html and "分配评审专家" in html
        assert expert not in html
    round_url = reverse("reviews:round_detail", args=[naming_round.pk])
    assert expert in login(city).get(round_url).content.decode()
    assert expert not in login(application.created_by).get(round_url).content.decode()
