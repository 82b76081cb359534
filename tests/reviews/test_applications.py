"""Applications (第五条, 第六条): drafts, the eligibility panel, submission and the preliminary review."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.conflicts import Conflict
from core.models import Notification, TransitionLog
from reviews import application_services as apps
from reviews.eligibility import FAIL, PASS, WARNING
from reviews.models import Application, ApplicationStatus, RoundPhase
from reviews.services import StaleAction
from tests import factories
from tests.reviews.conftest import COMPLETE, MEMBERS, RESULTS, advance_to, complete_draft
from unions.models import Role


def _checks(application):
    return {c.article: c for c in apps.eligibility(application)}


def test_a_complete_application_passes_every_condition(unit_user, open_round):
    application = complete_draft(unit_user, open_round)
    assert {c.outcome for c in apps.eligibility(application)} == {PASS}
    assert application.studio_name == "陈伟劳模和工匠人才创新工作室"  # 第六条


def test_less_than_two_years_fails_citing_article_5_1(unit_user, open_round):
    founded = datetime.date.today() - datetime.timedelta(days=400)
    check = _checks(complete_draft(unit_user, open_round, founded_on=founded))["第五条(一)"]
    assert check.outcome == FAIL and "不足 2 年" in check.reasons[0]


def test_no_lower_naming_is_only_a_warning(unit_user, open_round):
    check = _checks(complete_draft(unit_user, open_round, lower_naming=""))["第五条"]
    assert check.outcome == WARNING and "原则上" in check.reasons[0]


def test_a_year_without_results_fails_article_5_7(unit_user, open_round):
    application = apps.application_create(unit_user, open_round)
    application = apps.application_save(unit_user, application, COMPLETE, MEMBERS, RESULTS[:1])
    check = _checks(application)["第五条(七)"]
    assert check.outcome == FAIL and "2025 年" in check.reasons[0]


def test_missing_declaration_fails_article_5_9(unit_user, open_round):
    assert _checks(complete_draft(unit_user, open_round, not_rnd_declaration=False))["第五条(九)"].outcome == FAIL


def test_submission_is_refused_with_every_reason_while_a_condition_fails(unit_user, open_round):
    application = complete_draft(unit_user, open_round, annual_plan="", not_rnd_declaration=False)
    with pytest.raises(ValidationError) as error:
        apps.application_submit(unit_user, application, from_status=ApplicationStatus.DRAFT)
    text = "".join(error.value.messages)
    assert "第五条(三)" in text and "第五条(九)" in text
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.DRAFT


def test_submit_tells_the_recommending_union(unit_user, county_user, open_round):
    application = complete_draft(unit_user, open_round)
    apps.application_submit(unit_user, application, from_status=ApplicationStatus.DRAFT)
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.SUBMITTED
    assert Notification.objects.filter(recipient=county_user, title__contains="请初审").exists()


def test_only_the_units_own_staff_create_and_edit(unit, open_round, county_user):
    other_unit_user = factories.user_with_role(Role.UNIT_STAFF)
    with pytest.raises(PermissionDenied):
        apps.application_create(county_user, open_round)
    application = complete_draft(factories.user_with_role(Role.UNIT_STAFF, unit), open_round)
    with pytest.raises(PermissionDenied):
        apps.application_save(other_unit_user, application, {"leader_name": "张三"}, [], [])
    assert Application.objects.get(pk=application.pk).leader_name == "陈伟"


def test_no_new_application_outside_the_application_phase(city, unit_user, open_round):
    naming_round = advance_to(city, open_round, RoundPhase.PRELIMINARY)
    with pytest.raises(Conflict, match="当前处于“初审推荐”阶段，不能新建申报"):
        apps.application_create(unit_user, naming_round)


def test_preliminary_review_only_in_its_phase_and_by_its_union(city, unit_user, county_user, open_round):
    application = complete_draft(unit_user, open_round)
    apps.application_submit(unit_user, application, from_status=ApplicationStatus.DRAFT)
    with pytest.raises(Conflict, match="当前处于“申报”阶段"):
        apps.application_recommend(county_user, application, from_status=ApplicationStatus.SUBMITTED)
    advance_to(city, open_round, RoundPhase.PRELIMINARY)
    other_county = factories.user_with_role(Role.RECOMMENDING_STAFF)
    with pytest.raises(PermissionDenied):
        apps.application_recommend(other_county, application, from_status=ApplicationStatus.SUBMITTED)
    apps.application_recommend(county_user, application, from_status=ApplicationStatus.SUBMITTED, comment="同意推荐")
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.RECOMMENDED
    assert Notification.objects.filter(recipient=city, title__contains="请审核").exists()


def test_return_needs_a_comment_and_the_unit_can_resubmit(city, unit_user, county_user, open_round):
    application = complete_draft(unit_user, open_round)
    apps.application_submit(unit_user, application, from_status=ApplicationStatus.DRAFT)
    advance_to(city, open_round, RoundPhase.PRELIMINARY)
    with pytest.raises(ValidationError):
        apps.application_return(county_user, application, from_status=ApplicationStatus.SUBMITTED, comment=" ")
    apps.application_return(county_user, application, from_status=ApplicationStatus.SUBMITTED,
                            comment="请补充 2025 年成果的认可文件")
    application = Application.objects.get(pk=application.pk)
    assert application.status == ApplicationStatus.RETURNED
    apps.application_save(unit_user, application, {**COMPLETE, "annual_plan": "补充后的计划"}, MEMBERS, RESULTS)
    apps.application_submit(unit_user, application, from_status=ApplicationStatus.RETURNED)
    log = list(TransitionLog.objects.for_object(application).values_list("label", flat=True))
    assert log == ["新建申报", "提交申报", "初审退回修改", "重新提交申报"]


def test_reject_records_the_stage_and_reason(city, unit_user, county_user, open_round):
    application = complete_draft(unit_user, open_round)
    apps.application_submit(unit_user, application, from_status=ApplicationStatus.DRAFT)
    advance_to(city, open_round, RoundPhase.PRELIMINARY)
    apps.application_reject(county_user, application, from_status=ApplicationStatus.SUBMITTED, comment="属原有研发班组")
    entry = TransitionLog.objects.for_object(application).last()
    assert (entry.label, entry.source, entry.target, entry.comment) == (
        "初审不予推荐", ApplicationStatus.SUBMITTED, ApplicationStatus.REJECTED, "属原有研发班组")


def test_a_repeated_action_is_stale_and_changes_nothing(unit_user, open_round):
    application = complete_draft(unit_user, open_round)
    apps.application_submit(unit_user, application, from_status=ApplicationStatus.DRAFT)
    with pytest.raises(StaleAction):
        apps.application_submit(unit_user, application, from_status=ApplicationStatus.DRAFT)
    assert TransitionLog.objects.for_object(application).filter(transition="submit").count() == 1


def test_a_forged_from_status_is_refused_not_a_server_error(city, unit_user, county_user, open_round):
    application = complete_draft(unit_user, open_round)
    advance_to(city, open_round, RoundPhase.PRELIMINARY)
    with pytest.raises(Conflict, match="只有已提交、待初审的申报可以初审，该申报为“草稿”"):
        apps.application_recommend(county_user, application, from_status=ApplicationStatus.DRAFT)


def test_withdraw_needs_a_reason_and_is_logged(unit_user, open_round):
    application = complete_draft(unit_user, open_round)
    with pytest.raises(ValidationError):
        apps.application_withdraw(unit_user, application, from_status=ApplicationStatus.DRAFT)
    apps.application_withdraw(unit_user, application, from_status=ApplicationStatus.DRAFT, comment="领衔人调岗")
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.WITHDRAWN
    with pytest.raises(Conflict):
        apps.application_save(unit_user, Application.objects.get(pk=application.pk), {"leader_name": "x"}, [], [])


def test_a_submitted_application_cannot_be_edited(unit_user, open_round):
    application = complete_draft(unit_user, open_round)
    apps.application_submit(unit_user, application, from_status=ApplicationStatus.DRAFT)
    with pytest.raises(Conflict, match="不能修改"):
        apps.application_save(unit_user, Application.objects.get(pk=application.pk), COMPLETE, [], [])


def _recommended(city, unit_user, county_user, open_round):
    application = complete_draft(unit_user, open_round)
    apps.application_submit(unit_user, application, from_status=ApplicationStatus.DRAFT)
    advance_to(city, open_round, RoundPhase.PRELIMINARY)
    apps.application_recommend(county_user, application, from_status=ApplicationStatus.SUBMITTED)
    return application


def test_municipal_audit_accepts_only_in_the_audit_phase(city, unit_user, county_user, open_round):
    application = _recommended(city, unit_user, county_user, open_round)
    with pytest.raises(Conflict, match="当前处于“初审推荐”阶段"):
        apps.application_accept(city, application, from_status=ApplicationStatus.RECOMMENDED)
    advance_to(city, open_round, RoundPhase.AUDIT)
    for other in (county_user, unit_user, factories.user_with_role(Role.ADMIN)):
        with pytest.raises(PermissionDenied):
            apps.application_accept(other, application, from_status=ApplicationStatus.RECOMMENDED)
    apps.application_accept(city, application, from_status=ApplicationStatus.RECOMMENDED, comment="材料齐全")
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.ACCEPTED


def test_audit_return_goes_back_through_the_recommending_union(city, unit_user, county_user, open_round):
    application = _recommended(city, unit_user, county_user, open_round)
    advance_to(city, open_round, RoundPhase.AUDIT)
    apps.application_audit_return(city, application, from_status=ApplicationStatus.RECOMMENDED, comment="补充专利证书")
    application = Application.objects.get(pk=application.pk)
    apps.application_save(unit_user, application, COMPLETE, MEMBERS, RESULTS)
    apps.application_submit(unit_user, application, from_status=ApplicationStatus.RETURNED)
    apps.application_recommend(county_user, application, from_status=ApplicationStatus.SUBMITTED)
    apps.application_accept(city, application, from_status=ApplicationStatus.RECOMMENDED)
    labels = list(TransitionLog.objects.for_object(application).values_list("label", flat=True))
    assert labels[-4:] == ["审核退回修改", "重新提交申报", "初审推荐", "审核通过"]


def test_audit_reject_needs_a_reason(city, unit_user, county_user, open_round):
    application = _recommended(city, unit_user, county_user, open_round)
    advance_to(city, open_round, RoundPhase.AUDIT)
    with pytest.raises(ValidationError):
        apps.application_audit_reject(city, application, from_status=ApplicationStatus.RECOMMENDED)
    apps.application_audit_reject(city, application, from_status=ApplicationStatus.RECOMMENDED, comment="属研发班组")
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.REJECTED


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_acting_at_once_have_exactly_one_effect(root, published_rules):
    """One county officer recommends while a colleague returns the same application: one wins, one is told."""
    import threading

    from django.db import connection, connections

    from reviews import services

    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; .ci/run runs this there")
    city = factories.user_with_role(Role.MUNICIPAL_STAFF)
    county = factories.county_union("并发县总工会")
    unit_user = factories.user_with_role(Role.UNIT_STAFF, factories.unit_union(county))
    naming_round = advance_to(city, services.round_create(city, year=2026), RoundPhase.APPLICATION)
    application = complete_draft(unit_user, naming_round)
    apps.application_submit(unit_user, application, from_status=ApplicationStatus.DRAFT)
    advance_to(city, naming_round, RoundPhase.PRELIMINARY)
    officers = [factories.user_with_role(Role.RECOMMENDING_STAFF, county) for _ in range(2)]
    actions = [apps.application_recommend, apps.application_return]
    barrier, outcomes = threading.Barrier(2), []

    def act(officer, action):
        try:
            barrier.wait()
            action(officer, application, from_status=ApplicationStatus.SUBMITTED, comment="并发测试")
            outcomes.append("ok")
        except StaleAction as error:
            outcomes.append("stale" if "请刷新页面" in str(error) else "?")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=pair) for pair in zip(officers, actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "stale"]
    final = Application.objects.get(pk=application.pk).status
    assert final in (ApplicationStatus.RECOMMENDED, ApplicationStatus.RETURNED)
    assert TransitionLog.objects.for_object(application).filter(
        transition__in=["recommend", "return_for_revision"]).count() == 1
