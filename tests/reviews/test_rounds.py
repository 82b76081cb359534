"""The naming round (第六条): phases in order, moved only by municipal staff, logged and announced."""
import datetime
import threading

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.conflicts import Conflict
from core.models import Notification, TransitionLog
from reviews import services
from reviews.models import PHASE_ORDER, NamingRound, RoundPhase
from rules.models import RuleSet
from tests import factories
from tests.reviews.conftest import advance_to
from unions.models import Role


@pytest.fixture
def naming_round(city):
    return services.round_create(city, year=2026)


def test_create_uses_the_current_rule_set_and_its_phase_lengths(city):
    naming_round = services.round_create(city, year=2026)
    rule_set = RuleSet.objects.current()
    assert naming_round.rule_set == rule_set and naming_round.phase == RoundPhase.DRAFT
    gaps = [naming_round.preliminary_deadline - naming_round.application_deadline,
            naming_round.audit_deadline - naming_round.preliminary_deadline]
    assert gaps == [datetime.timedelta(days=rule_set.preliminary_review_days),
                    datetime.timedelta(days=rule_set.audit_days)]
    assert TransitionLog.objects.for_object(naming_round).get().label == "创建批次"


def test_a_round_keeps_its_rule_set_when_a_new_version_is_published(naming_round):
    from rules.services import ruleset_copy, ruleset_publish

    new = ruleset_copy(RuleSet.objects.current())
    ruleset_publish(new)
    assert NamingRound.objects.get(pk=naming_round.pk).rule_set.version == 1
    assert RuleSet.objects.current() == new


def test_one_round_per_year(city, naming_round):
    with pytest.raises(ValidationError, match="2026 年度已有市级命名批次"):
        services.round_create(city, year=2026)


def test_deadlines_must_follow_the_phase_order(city):
    day = datetime.date(2026, 12, 1)
    with pytest.raises(ValidationError, match="必须晚于上一阶段"):
        services.round_create(city, year=2027, application_deadline=day, preliminary_deadline=day)
    assert not NamingRound.objects.filter(year=2027).exists()


@pytest.mark.parametrize("role", [Role.UNIT_STAFF, Role.RECOMMENDING_STAFF, Role.EXPERT, Role.ADMIN])
def test_only_municipal_staff_create_and_advance(root, naming_round, role):
    user = factories.user_with_role(role)
    with pytest.raises(PermissionDenied):
        services.round_create(user, year=2030)
    with pytest.raises(PermissionDenied):
        services.round_advance(user, naming_round, from_phase=RoundPhase.DRAFT)
    assert NamingRound.objects.get(pk=naming_round.pk).phase == RoundPhase.DRAFT


def test_phases_follow_article_6_in_order_and_each_step_is_logged(city, naming_round):
    for expected in PHASE_ORDER[1:PHASE_ORDER.index(RoundPhase.DECISION) + 1]:
        naming_round = services.round_advance(city, naming_round, from_phase=naming_round.phase, comment="按期推进")
        assert naming_round.phase == expected
    log = list(TransitionLog.objects.for_object(naming_round).values_list("source", "target"))
    assert log[1:] == list(zip(PHASE_ORDER, PHASE_ORDER[1:PHASE_ORDER.index(RoundPhase.DECISION) + 1]))


def test_publicity_needs_the_collective_decision_first(city, naming_round):
    naming_round = advance_to(city, naming_round, RoundPhase.DECISION)
    with pytest.raises(Conflict, match="请先记录集体研究结果"):
        services.round_advance(city, naming_round, from_phase=RoundPhase.DECISION)
    assert NamingRound.objects.get(pk=naming_round.pk).phase == RoundPhase.DECISION


def test_a_stale_phase_is_refused_and_changes_nothing(city, naming_round):
    services.round_advance(city, naming_round, from_phase=RoundPhase.DRAFT)
    with pytest.raises(services.StaleAction, match="已处于“申报”阶段"):
        services.round_advance(city, naming_round, from_phase=RoundPhase.DRAFT)
    assert NamingRound.objects.get(pk=naming_round.pk).phase == RoundPhase.APPLICATION
    assert TransitionLog.objects.for_object(naming_round).count() == 2


def test_opening_applications_tells_the_unit_and_recommending_unions(city, naming_round,
                                                                      django_capture_on_commit_callbacks):
    unit_user = factories.user_with_role(Role.UNIT_STAFF)
    county_user = factories.user_with_role(Role.RECOMMENDING_STAFF)
    expert = factories.user_with_role(Role.EXPERT)
    with django_capture_on_commit_callbacks(execute=True):
        services.round_advance(city, naming_round, from_phase=RoundPhase.DRAFT)
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {unit_user.username, county_user.username}
    assert expert.username not in told
    assert len(mail.outbox) == 1 and "申报" in mail.outbox[0].subject


def test_deadlines_can_be_moved_and_the_change_is_logged(city, naming_round):
    later = naming_round.decision_deadline + datetime.timedelta(days=10)
    services.round_update_deadlines(city, naming_round, decision_deadline=later)
    assert NamingRound.objects.get(pk=naming_round.pk).decision_deadline == later
    assert "集体研究截止日" in TransitionLog.objects.for_object(naming_round).last().comment


# --- views -------------------------------------------------------------------------------


def test_round_pages_for_municipal_staff(city, login):
    client = login(city)
    assert "还没有命名批次" in client.get(reverse("reviews:round_list")).content.decode()
    page = client.get(reverse("reviews:round_create")).content.decode()
    assert "采用第 1 版规则参数" in page
    response = client.post(reverse("reviews:round_create"), {
        "year": 2026, "application_deadline": "2026-12-20", "preliminary_deadline": "2027-01-05",
        "audit_deadline": "2027-01-20", "expert_deadline": "2027-02-10", "decision_deadline": "2027-02-20"})
    naming_round = NamingRound.objects.get(year=2026)
    assert response.url == reverse("reviews:round_detail", args=[naming_round.pk])
    html = client.get(response.url).content.decode()
    assert "2026 年度市级劳模和工匠人才创新工作室命名" in html and "进入下一阶段" in html and "创建批次" in html


def test_advance_view_double_submit_acts_once(city, naming_round, login):
    client = login(city)
    url = reverse("reviews:round_advance", args=[naming_round.pk])
    client.post(url, {"from_phase": RoundPhase.DRAFT, "comment": "开始申报"})
    response = client.post(url, {"from_phase": RoundPhase.DRAFT, "comment": "开始申报"})
    assert response.status_code == 409 and "可能已由他人推进" in response.content.decode()
    assert NamingRound.objects.get(pk=naming_round.pk).phase == RoundPhase.APPLICATION


@pytest.mark.parametrize("role", [Role.UNIT_STAFF, Role.RECOMMENDING_STAFF, Role.EXPERT, Role.ADMIN])
def test_other_roles_see_rounds_but_cannot_act(root, naming_round, login, role):
    client = login(factories.user_with_role(role))
    detail = client.get(reverse("reviews:round_detail", args=[naming_round.pk]))
    assert detail.status_code == 200 and "进入下一阶段" not in detail.content.decode()
    assert client.get(reverse("reviews:round_create")).status_code == 403
    assert client.post(reverse("reviews:round_advance", args=[naming_round.pk]),
                       {"from_phase": RoundPhase.DRAFT}).status_code == 403
    assert client.get(reverse("reviews:round_deadlines", args=[naming_round.pk])).status_code == 403
    assert NamingRound.objects.get(pk=naming_round.pk).phase == RoundPhase.DRAFT


def test_advance_is_post_only(city, naming_round, login):
    assert login(city).get(reverse("reviews:round_advance", args=[naming_round.pk])).status_code == 405


def test_round_list_queries_do_not_grow(city, login):
    client = login(city)
    services.round_create(city, year=2024)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("reviews:round_list")).status_code == 200
        return len(ctx)

    one = count()
    services.round_create(city, year=2025)
    services.round_create(city, year=2026)
    assert count() == one


def test_round_detail_queries_do_not_grow_with_history(city, naming_round, login):
    client = login(city)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("reviews:round_detail", args=[naming_round.pk])).status_code == 200
        return len(ctx)

    one = count()
    for _ in range(3):
        naming_round = services.round_advance(city, naming_round, from_phase=naming_round.phase)
    assert count() == one


@pytest.mark.django_db(transaction=True)
def test_two_officers_advancing_at_once_advance_it_once(root, published_rules):
    """Two municipal officers press the button at the same moment: exactly one transition happens."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; .ci/run runs this there")
    officers = [factories.user_with_role(Role.MUNICIPAL_STAFF) for _ in range(2)]
    naming_round = services.round_create(officers[0], year=2026)
    barrier = threading.Barrier(2)
    outcomes = []

    def act(officer):
        from django.db import connections

        try:
            barrier.wait()
            services.round_advance(officer, naming_round, from_phase=RoundPhase.DRAFT)
            outcomes.append("ok")
        except services.StaleAction:
            outcomes.append("stale")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=(o,)) for o in officers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "stale"]
    assert NamingRound.objects.get(pk=naming_round.pk).phase == RoundPhase.APPLICATION
    assert TransitionLog.objects.for_object(naming_round).filter(target=RoundPhase.APPLICATION).count() == 1


def test_dates_follow_the_chosen_language(city, naming_round, login):
    naming_round = services.round_update_deadlines(city, naming_round, application_deadline=datetime.date(2026, 9, 5))
    advance_to(city, naming_round, RoundPhase.APPLICATION)  # the current phase's deadline is shown in full
    client = login(city)
    html = client.get(reverse("reviews:round_detail", args=[naming_round.pk])).content.decode()
    assert "2026年9月5日" in html and "9月5日" in html and "09月" not in html
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("reviews:round_detail", args=[naming_round.pk])).content.decode()
    assert "Sept. 5, 2026" in html and "September 5" in html and "年9月" not in html
