"""集体研究、社会公示、择优命名 (第六条): quota, working-day publicity, objections, approval, the named studios."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.conflicts import Conflict
from core.models import CalendarDay
from reviews import application_services as apps
from reviews import decision_services as decisions
from reviews import panel_services, services
from reviews.models import Application, ApplicationStatus, NamingRound, Objection, RoundPhase
from reviews.tasks import approve_ended_publicities
from rules.models import RuleSet
from studios.models import Studio
from tests import factories
from tests.conftest import row_counts
from tests.reviews.conftest import advance_to, complete_draft
from unions.models import Role

LEADERS = ["陈伟", "林芳", "黄强", "郑丽", "吴海", "许华"]


@pytest.fixture
def scored(city, open_round, published_rules):
    """Six applications scored by three experts, the round in its collective decision."""
    RuleSet.objects.filter(pk=published_rules.pk).update(quota_min=2, quota_max=4)
    # A publicity started late in December runs into a year the calendar library may not know yet.
    CalendarDay.objects.get_or_create(date=datetime.date(2027, 1, 1), defaults={"kind": "holiday", "note": "元旦"})
    county = factories.county_union("甲县总工会")
    applications = []
    for leader in LEADERS:
        unit_user = factories.user_with_role(Role.UNIT_STAFF, factories.unit_union(county))
        application = complete_draft(unit_user, open_round, leader_name=leader)
        apps.application_submit(unit_user, application, from_status=ApplicationStatus.DRAFT)
        applications.append(application)
    naming_round = advance_to(city, open_round, RoundPhase.PRELIMINARY)
    county_user = factories.user_with_role(Role.RECOMMENDING_STAFF, county)
    for application in applications:
        apps.application_recommend(county_user, application, from_status=ApplicationStatus.SUBMITTED)
    naming_round = advance_to(city, naming_round, RoundPhase.AUDIT)
    for application in applications:
        apps.application_accept(city, application, from_status=ApplicationStatus.RECOMMENDED)
    panel = panel_services.panel_save(city, naming_round, [factories.user_with_role(Role.EXPERT) for _ in range(3)])
    panel_services.auto_assign(city, panel)
    naming_round = advance_to(city, naming_round, RoundPhase.EXPERT_REVIEW)
    criteria = list(naming_round.rule_set.criteria.all())
    for rank, application in enumerate(applications):
        for assignment in application.assignments.all():
            points = {c.pk: c.max_score * Decimal(100 - 5 * rank) / 100 for c in criteria}
            panel_services.submit_scores(assignment.expert, assignment, points, "同意")
    return {"round": advance_to(city, naming_round, RoundPhase.DECISION), "applications": applications}


def _decide(city, scored, picks):
    decisions.deliberation_record(city, scored["round"], meeting_date=datetime.date(2026, 11, 20),
                                  minutes_ref="市总党组会议纪要〔2026〕9号", shortlisted=picks)


def test_the_shortlist_must_respect_the_rounds_quota(city, scored):
    with pytest.raises(ValidationError, match="第六条：每年命名 2-4 家，本次选了 5 家"):
        _decide(city, scored, scored["applications"][:5])
    with pytest.raises(ValidationError, match="本次选了 1 家"):
        _decide(city, scored, scored["applications"][:1])
    assert not Application.objects.filter(status=ApplicationStatus.SHORTLISTED).exists()


def test_decision_shortlists_and_declines_the_rest(city, scored):
    _decide(city, scored, scored["applications"][:3])
    statuses = [Application.objects.get(pk=a.pk).status for a in scored["applications"]]
    assert statuses == [ApplicationStatus.SHORTLISTED] * 3 + [ApplicationStatus.NOT_SELECTED] * 3


def _in_publicity(city, scored, picks=3):
    _decide(city, scored, scored["applications"][:picks])
    return services.round_advance(city, scored["round"], from_phase=RoundPhase.DECISION)


def test_publicity_runs_the_rule_sets_working_days(city, scored):
    naming_round = _in_publicity(city, scored)
    from core.workdays import add_working_days

    assert naming_round.publicity_end == add_working_days(naming_round.publicity_start, 5)
    assert Application.objects.filter(status=ApplicationStatus.IN_PUBLICITY).count() == 3


def test_the_public_page_lists_the_shortlist_and_takes_an_objection(city, scored, client):
    naming_round = _in_publicity(city, scored)
    page = client.get(reverse("public:publicity_detail", args=[naming_round.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "陈伟劳模和工匠人才创新工作室" in html and "郑丽" not in html
    target = Application.objects.get(leader_name="陈伟")
    response = client.post(reverse("public:publicity_detail", args=[naming_round.pk]), {
        "application": target.pk, "objector_kind": "person", "objector_name": "张三", "contact": "13800000000",
        "facts": "该工作室的专利并非团队成员完成，申报材料不实。"}, follow=True)
    assert "您的异议已收到" in response.content.decode()
    assert Objection.objects.get().channel == "online"


def test_anonymous_or_vague_objections_and_units_without_letters_are_refused(city, scored, client):
    naming_round = _in_publicity(city, scored)
    target = Application.objects.get(leader_name="陈伟")
    url = reverse("public:publicity_detail", args=[naming_round.pk])
    response = client.post(url, {"application": target.pk, "objector_kind": "unit", "objector_name": "某公司",
                                 "contact": "0663-1234567", "facts": "该工作室的专利并非团队成员完成。"})
    assert "单位提出异议须附加盖公章的函" in response.content.decode()
    response = client.post(url, {"application": target.pk, "objector_kind": "person", "objector_name": "张三",
                                 "contact": "138", "facts": "不实"})
    assert "不少于 10 个字" in response.content.decode()
    assert not Objection.objects.exists()


def test_an_upheld_objection_removes_the_studio_and_the_rest_are_approved(city, scored, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    naming_round = _in_publicity(city, scored)
    target = Application.objects.get(leader_name="陈伟")
    objection = decisions.objection_submit(
        target, channel="letter", objector_kind="unit", objector_name="某公司", contact="0663-1234567",
        facts="该工作室的专利并非团队成员完成。", letter=SimpleUploadedFile("函.pdf", b"%PDF-1.4\n%%EOF\n"),
        recorded_by=city)
    with pytest.raises(Conflict, match="公示期尚未结束"):
        decisions.approve_after_publicity(naming_round, city)
    after = naming_round.publicity_end + datetime.timedelta(days=1)
    approved, waiting = decisions.approve_after_publicity(naming_round, city, today=after)
    assert (approved, waiting) == (2, 1)  # the objection is still being verified
    decisions.objection_handle(city, objection, upheld=True, handling="经核实，专利权属不实。")
    assert Application.objects.get(pk=target.pk).status == ApplicationStatus.NOT_SELECTED
    assert Application.objects.filter(status=ApplicationStatus.APPROVED).count() == 2


def test_the_nightly_job_confirms_an_ended_publicity(city, scored):
    naming_round = _in_publicity(city, scored)
    NamingRound.objects.filter(pk=naming_round.pk).update(
        publicity_start=datetime.date(2026, 11, 2), publicity_end=datetime.date(2026, 11, 6))
    assert approve_ended_publicities() == {naming_round.pk: (3, 0)}
    assert Application.objects.filter(status=ApplicationStatus.APPROVED).count() == 3


def test_the_nightly_job_run_twice_confirms_once(city, scored):
    naming_round = _in_publicity(city, scored)
    NamingRound.objects.filter(pk=naming_round.pk).update(
        publicity_start=datetime.date(2026, 11, 2), publicity_end=datetime.date(2026, 11, 6))
    assert approve_ended_publicities() == {naming_round.pk: (3, 0)}
    once = row_counts()
    assert approve_ended_publicities() == {naming_round.pk: (0, 0)}
    assert row_counts() == once


def test_naming_creates_the_studios_by_article_6_and_concludes_the_round(city, scored, client):
    naming_round = _in_publicity(city, scored)
    decisions.approve_after_publicity(naming_round, city, today=naming_round.publicity_end + datetime.timedelta(1))
    with pytest.raises(ValidationError, match="文号格式"):
        decisions.naming_issue(city, naming_round, decision_number="揭工总[2026]012号",
                               decision_date=datetime.date(2026, 12, 1))
    assert decisions.naming_issue(city, naming_round, decision_number="揭工总〔2026〕12号",
                                  decision_date=datetime.date(2026, 12, 1)) == 3
    studio = Studio.objects.get(name="陈伟劳模和工匠人才创新工作室")
    assert studio.named_year == 2026 and studio.decision_number == "揭工总〔2026〕12号"
    assert studio.members.count() == 3 and studio.leader.honour == "provincial_model"
    concluded = NamingRound.objects.get(pk=naming_round.pk)
    assert concluded.phase == RoundPhase.CONCLUDED
    assert (concluded.decision_number, concluded.decision_date) == ("揭工总〔2026〕12号", datetime.date(2026, 12, 1))
    assert set(Application.objects.filter(status=ApplicationStatus.NAMED).values_list("leader_name", flat=True)) == {
        "陈伟", "林芳", "黄强"}
    registry = client.get(reverse("public:registry")).content.decode()
    assert "陈伟劳模和工匠人才创新工作室" in registry and "郑丽劳模和工匠人才创新工作室" not in registry


def test_naming_waits_for_every_publicity_result(city, scored):
    naming_round = _in_publicity(city, scored)
    with pytest.raises(Conflict, match="公示结果未确认"):
        decisions.naming_issue(city, naming_round, decision_number="揭工总〔2026〕12号",
                               decision_date=datetime.date(2026, 12, 1))


def test_staff_pages_decide_handle_and_name(city, scored, login, client):
    staff = login(city)
    page = staff.get(reverse("reviews:decision", args=[scored["round"].pk])).content.decode()
    assert "拟命名名单（按排名预选）" in page
    picks = [a.pk for a in scored["applications"][:3]]
    response = staff.post(reverse("reviews:decision", args=[scored["round"].pk]), {
        "meeting_date": "2026-11-20", "minutes_ref": "纪要〔2026〕9号", "shortlisted": picks})
    assert response.status_code == 302
    staff.post(reverse("reviews:round_advance", args=[scored["round"].pk]), {"from_phase": RoundPhase.DECISION})
    naming_round = NamingRound.objects.get(pk=scored["round"].pk)
    assert naming_round.phase == RoundPhase.PUBLICITY
    assert "公示与异议" in staff.get(reverse("reviews:objections", args=[naming_round.pk])).content.decode()
    decisions.approve_after_publicity(naming_round, city, today=naming_round.publicity_end + datetime.timedelta(1))
    response = staff.post(reverse("reviews:naming", args=[naming_round.pk]),
                          {"decision_number": "揭工总〔2026〕12号", "decision_date": "2026-12-01"}, follow=True)
    assert "命名决定已发布，3 家工作室已列入名录" in response.content.decode()


@pytest.mark.parametrize("role", [Role.RECOMMENDING_STAFF, Role.UNIT_STAFF, Role.EXPERT, Role.ADMIN])
def test_decision_pages_are_for_municipal_staff(scored, login, role):
    client = login(factories.user_with_role(role))
    for name in ("reviews:decision", "reviews:objections", "reviews:naming"):
        assert client.get(reverse(name, args=[scored["round"].pk])).status_code == 403
    assert client.post(reverse("reviews:publicity_approve", args=[scored["round"].pk])).status_code == 403


def test_public_pages_need_no_login_and_hide_rounds_not_in_publicity(scored, client):
    assert client.get(reverse("public:publicity_index")).status_code == 200
    assert client.get(reverse("public:publicity_detail", args=[scored["round"].pk])).status_code == 404
    assert client.get(reverse("public:registry")).status_code == 200


def test_registry_queries_do_not_grow(db, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("public:registry")).status_code == 200
        return len(ctx)

    factories.StudioFactory()
    one = count()
    factories.StudioFactory.create_batch(3)
    assert count() == one


@pytest.mark.parametrize("role", [Role.UNIT_STAFF, Role.RECOMMENDING_STAFF, Role.EXPERT, Role.ADMIN])
def test_only_municipal_staff_decide_confirm_and_name_and_refusals_write_nothing(city, scored, role):
    from django.core.exceptions import PermissionDenied

    from core.models import TransitionLog

    other = factories.user_with_role(role)
    picks = scored["applications"][:3]
    steps = [
        lambda actor: _decide(actor, scored, picks),
        lambda actor: services.round_advance(actor, scored["round"], from_phase=RoundPhase.DECISION),
        lambda actor: decisions.approve_after_publicity(
            scored["round"], actor, today=NamingRound.objects.get(pk=scored["round"].pk).publicity_end
            + datetime.timedelta(days=1)),
        lambda actor: decisions.naming_issue(actor, scored["round"], decision_number="揭工总〔2026〕12号",
                                             decision_date=datetime.date(2026, 12, 31)),
    ]
    for step in steps:
        before = (TransitionLog.objects.count(), list(Application.objects.order_by("pk").values_list("status")),
                  NamingRound.objects.get(pk=scored["round"].pk).phase)
        with pytest.raises(PermissionDenied):
            step(other)
        assert before == (TransitionLog.objects.count(),
                          list(Application.objects.order_by("pk").values_list("status")),
                          NamingRound.objects.get(pk=scored["round"].pk).phase)
        step(city)  # the same step by municipal staff goes through, and the next one is tried
    assert NamingRound.objects.get(pk=scored["round"].pk).phase == RoundPhase.CONCLUDED


def test_decision_steps_outside_their_phase_name_the_phase(city, scored):
    naming = lambda: decisions.naming_issue(city, scored["round"], decision_number="揭工总〔2026〕12号",  # noqa: E731
                                           decision_date=datetime.date(2026, 12, 31))
    with pytest.raises(Conflict, match="集体研究"):
        naming()
    _decide(city, scored, scored["applications"][:3])
    with pytest.raises(Conflict, match="公示期尚未结束"):
        decisions.approve_after_publicity(scored["round"], city)
