"""Two people acting on the same object at the same moment (issue 7, point 4): exactly one effect.

Each test starts both actions in threads released together, each on its own PostgreSQL connection in its own
transaction, and every query is slowed a little, so that both pass their checks before either writes unless a
row lock or a constraint makes the second wait. One action must succeed and the other get the service's own
refusal (never a deadlock or an integrity error, which the user would see as a server error); the transition is
logged once, its effect exists once, and nobody is notified or mailed twice. Where both actions may rightly
succeed (the last two experts scoring), they must still finish the review once.
"""
import threading
import time
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections

from assessments import annual_services as annual
from assessments import cycle_services as cycles
from assessments import recommendation_services as recommendations
from assessments import rectification_services as rectifications
from assessments.models import AssessmentCycle, EvaluationStatus, Recommendation, Rectification, RectificationStatus
from core.conflicts import Conflict
from core.models import Notification, TransitionLog
from reviews import application_services as apps
from reviews import decision_services as decisions
from reviews import panel_services
from reviews import services as round_services
from reviews.models import ApplicationStatus, ExpertPanel, NamingRound, RoundPhase
from studios import alliance_services as alliances
from studios import lifecycle_services as life
from studios.models import Alliance, ChangeStatus, FormerName, Studio, StudioResult, StudioStatus
from subsidies import grant_services, ledger_services
from subsidies.models import EntryKind, GrantStatus, LedgerEntry, SubsidyGrant, Transfer, TransferStatus
from tests import factories
from tests.assessments.conftest import EVALUATION, SELF, evaluation_of, reviewed_cycle, through_evaluation
from tests.subsidies.conftest import approved, prepared, receipt, transferred, with_account

from .worlds import DECISION_NUMBER, TODAY, YEAR, after_publicity, fresh, naming, pdf, people, rectification, score

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(connection.vendor != "postgresql",
                                 reason="row locks need PostgreSQL; .ci/run runs these there")]

REFUSALS = (Conflict, ValidationError, PermissionDenied)  # StaleAction is a Conflict
SLOWER = 0.01  # seconds added to every query in the race


@pytest.fixture
def w(root, published_rules, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return people(root, published_rules)


class Race:
    """What the actions started together wrote: transition logs, notifications and e-mails made since."""

    def __init__(self):
        self.logs_after = TransitionLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        self.notes_after = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        self.mails_after = len(mail.outbox)
        self.outcomes = []

    def run(self, *calls, stagger=0):
        """Runs the calls at once; returns how each ended, sorted: "ok", the refusal's class name, or the
        whole error for anything else. With `stagger`, each call starts that many seconds after the one
        before: the first then holds its locks when the next arrives, for a test about the one that waits."""
        barrier, lock = threading.Barrier(len(calls)), threading.Lock()

        def slowly(execute, sql, params, many, context):
            time.sleep(SLOWER)
            return execute(sql, params, many, context)

        def run(index, call):
            try:
                with connection.execute_wrapper(slowly):
                    barrier.wait()
                    time.sleep(index * stagger)
                    call()
                outcome = "ok"
            except REFUSALS as error:
                outcome = type(error).__name__
            except Exception as error:  # a deadlock, an integrity error: a server error for the user
                outcome = f"{type(error).__name__}: {error}"
            finally:
                connections.close_all()
            with lock:
                self.outcomes.append(outcome)

        threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return sorted(self.outcomes)

    def logs(self, transition, subject=None):
        logs = TransitionLog.objects.filter(pk__gt=self.logs_after, transition=transition)
        return (logs.for_object(subject) if subject is not None else logs).count()

    def told_once(self):
        """Every notification and e-mail of the race is unique, and there was at least one."""
        notes = list(Notification.objects.filter(pk__gt=self.notes_after).values_list(
            "recipient_id", "title", "body", "url"))
        mails = [(m.subject, tuple(m.recipients()), m.body) for m in mail.outbox[self.mails_after:]]
        assert notes and len(notes) == len(set(notes)), notes
        assert len(mails) == len(set(mails)), mails
        return len(notes)


def twice(service, *args, actors, **kwargs):
    """The same action by each of `actors` (a colleague, or the same person clicking twice)."""
    return [lambda actor=actor: service(actor, *args, **kwargs) for actor in actors]


# --- the naming workflow ---------------------------------------------------------------------------------------

def test_the_unit_submitting_twice_submits_once(w):
    made = naming(w, "draft", n=1)
    application, unit = made["applications"][0], made["units"][0]
    race = Race()
    assert race.run(*twice(apps.application_submit, application, from_status="draft",
                           actors=[unit, unit])) == ["StaleAction", "ok"]
    assert race.logs("submit", application) == 1
    assert race.told_once() == 2  # the county's two officers


def test_two_county_officers_recommending_the_same_application_recommend_once(w):
    application = naming(w, "preliminary", n=1)["applications"][0]
    race = Race()
    assert race.run(*twice(apps.application_recommend, application, from_status="submitted",
                           actors=[w["county"], w["county2"]])) == ["StaleAction", "ok"]
    assert race.logs("recommend", application) == 1
    assert fresh(application).status == ApplicationStatus.RECOMMENDED
    race.told_once()


def test_two_officers_advancing_a_round_advance_it_one_phase(w):
    naming_round = naming(w, "draft", n=1)["round"]
    race = Race()
    assert race.run(*twice(round_services.round_advance, naming_round, from_phase=RoundPhase.APPLICATION,
                           actors=[w["city"], w["city2"]])) == ["StaleAction", "ok"]
    assert fresh(naming_round).phase == RoundPhase.PRELIMINARY
    assert race.logs("start_preliminary_review", naming_round) == 1
    race.told_once()


def test_two_officers_creating_the_same_years_round_create_one(w):
    race = Race()
    assert race.run(*twice(round_services.round_create, year=YEAR + 1,
                           actors=[w["city"], w["city2"]])) == ["ValidationError", "ok"]
    assert NamingRound.objects.filter(year=YEAR + 1).count() == 1


@pytest.mark.parametrize("existing", [False, True], ids=["composing", "adjusting"])
def test_two_officers_changing_the_panel_at_once_take_turns(w, existing):
    """No from_status here: the second change applies to the first, but neither fails half-way."""
    naming_round = naming(w, "accepted")["round"]
    experts = w["experts"]
    if existing:
        panel_services.panel_save(w["city"], naming_round, experts[:2])
    race = Race()
    assert race.run(lambda: panel_services.panel_save(w["city"], fresh(naming_round), [*experts[:2], experts[3]]),
                    lambda: panel_services.panel_save(w["city2"], fresh(naming_round), experts[1:])) == ["ok", "ok"]
    panel = ExpertPanel.objects.get(naming_round=naming_round)
    assert set(panel.experts.all()) in ({*experts[:2], experts[3]}, set(experts[1:]))
    assert race.logs("panel", naming_round) == 2


def test_an_expert_scoring_in_one_tab_while_recusing_in_another_is_told_it_is_recused(w):
    """The recusal takes the expert's access back; the scores arriving just after are stale, not forbidden."""
    assignment = naming(w, "expert_review", n=1)["applications"][0].assignments.first()
    race = Race()
    assert race.run(lambda: panel_services.recuse(assignment.expert, fresh(assignment), "有合作关系。"),
                    lambda: score(fresh(assignment)), stagger=0.05) == ["StaleAction", "ok"]
    assert (race.logs("recuse"), race.logs("score")) == (1, 0)


def test_an_expert_clicking_submit_twice_scores_once(w):
    assignment = naming(w, "expert_review", n=1)["applications"][0].assignments.first()
    race = Race()
    assert race.run(lambda: score(fresh(assignment)), lambda: score(fresh(assignment))) == ["StaleAction", "ok"]
    assert race.logs("score") == 1
    assert fresh(assignment).items.count() == assignment.application.naming_round.rule_set.criteria.count()


def test_the_last_two_experts_scoring_at_once_finish_the_review_once(w):
    application = naming(w, "expert_review", n=1)["applications"][0]
    first, *last_two = application.assignments.order_by("pk")
    score(first)
    race = Race()
    assert race.run(*[lambda a=a: score(fresh(a)) for a in last_two]) == ["ok", "ok"]
    assert race.logs("score", application) == 2
    assert race.logs("finish_review", application) == 1
    assert fresh(application).status == ApplicationStatus.SCORED


def test_recording_the_collective_decision_twice_records_it_once(w):
    made = naming(w, "decision")
    race = Race()
    assert race.run(*twice(decisions.deliberation_record, made["round"], meeting_date=TODAY, minutes_ref="纪要",
                           shortlisted=made["applications"], actors=[w["city"], w["city2"]])) == ["StaleAction", "ok"]
    assert race.logs("deliberate") == 3  # the round and its two applications, once each
    race.told_once()


def test_handling_an_objection_twice_handles_it_once(w):
    application = naming(w, "publicity", n=1)["applications"][0]
    objection = decisions.objection_submit(application, channel="phone", objector_kind="person", objector_name="张三",
                                           contact="13800000000", facts="该工作室的专利并非团队成员完成。")
    race = Race()
    assert race.run(lambda: decisions.objection_handle(w["city"], fresh(objection), upheld=True, handling="属实。"),
                    lambda: decisions.objection_handle(w["city2"], fresh(objection), upheld=False, handling="不属实。")
                    ) == ["StaleAction", "ok"]
    assert race.logs("objection_upheld", application) == (fresh(objection).status == "upheld")


def test_confirming_the_publicity_twice_approves_once(w):
    """The nightly job and an officer's button at once: the second finds nothing left to approve."""
    naming_round = naming(w, "publicity")["round"]
    today = after_publicity(naming_round)
    race = Race()
    assert race.run(lambda: decisions.approve_after_publicity(fresh(naming_round), None, today=today),
                    lambda: decisions.approve_after_publicity(fresh(naming_round), w["city"], today=today)
                    ) == ["ok", "ok"]
    assert race.logs("approve") == 2  # the two applications, once each


def test_issuing_the_naming_decision_twice_names_each_studio_once(w):
    made = naming(w, "approved")
    race = Race()
    assert race.run(*twice(decisions.naming_issue, made["round"], decision_number=DECISION_NUMBER,
                           decision_date=TODAY, actors=[w["city"], w["city2"]])) == ["Conflict", "ok"]
    assert Studio.objects.filter(name__in=[a.studio_name for a in made["applications"]]).count() == 2
    assert race.logs("name") == 2 and race.logs("conclude") == 1
    race.told_once()


# --- a studio's life -------------------------------------------------------------------------------------------

def recommended_change(w, kind="change_leader"):
    leader = factories.NEW_LEADER if kind != "cancel" else {}
    change = life.change_request_create(w["unit"], w["studio"], kind=kind, reason="retired", evidence=pdf(),
                                        explanation="陈伟同志已于今年退休。", **leader)
    return life.change_review(w["county"], change, from_status=ChangeStatus.SUBMITTED, agree=True)


def test_approving_a_change_request_twice_changes_the_studio_once(w):
    change = recommended_change(w)
    race = Race()
    assert race.run(*twice(life.change_decide, change, from_status=ChangeStatus.RECOMMENDED, approve=True,
                           actors=[w["city"], w["city2"]])) == ["StaleAction", "ok"]
    assert FormerName.objects.filter(studio=w["studio"]).count() == 1
    assert race.logs("change_approve", w["studio"]) == 1
    race.told_once()


@pytest.mark.parametrize("kind", ["cancel", "change_leader"])
def test_approving_a_change_while_the_studio_is_delisted_does_both_in_turn(w, kind):
    """Both lock the studio and the change request: taken in the same order, one waits for the other instead of
    deadlocking, and the one waiting still finds the studio after its leader changed."""
    change = recommended_change(w, kind)
    race = Race()
    outcomes = race.run(
        lambda: life.change_decide(w["city"], fresh(change), from_status=ChangeStatus.RECOMMENDED, approve=True),
        lambda: life.studio_delist(w["city2"], fresh(w["studio"]), reason="3", facts="申报材料弄虚作假。",
                                   decision_number=DECISION_NUMBER, decided_on=TODAY))
    studio, change = fresh(w["studio"]), fresh(change)
    if change.status == ChangeStatus.REJECTED:  # delisted first: the open change was rejected with it
        assert (outcomes, studio.status) == (["StaleAction", "ok"], StudioStatus.DELISTED)
    elif kind == "cancel":  # cancelled first: a cancelled studio is not delisted
        assert (outcomes, studio.status) == (["StaleAction", "ok"], StudioStatus.CANCELLED)
    else:  # the new leader first, then the delisting of the renamed studio
        assert (outcomes, studio.status, studio.leader.name) == (["ok", "ok"], StudioStatus.DELISTED, "林海")


def test_changing_an_alliances_lead_while_a_studio_joins_does_both(w):
    """The joining waits for the new lead and must then still find the alliance (a lock taken through the join
    with the old lead found none)."""
    made = alliances.alliance_create(w["city"], name="智能制造创新工作室联盟", field="智能制造", lead=w["studios"][0],
                                     founded_on=TODAY)
    alliances.alliance_member_add(w["city"], made, studio=w["studios"][1], joined_on=TODAY)
    race = Race()
    assert race.run(
        lambda: alliances.alliance_update(w["city"], fresh(made), name=made.name, field=made.field,
                                          lead=fresh(w["studios"][1]), founded_on=made.founded_on),
        lambda: alliances.alliance_member_add(w["city2"], fresh(made), studio=fresh(w["studios"][2]), joined_on=TODAY),
        stagger=0.05) == ["ok", "ok"]
    made = fresh(made)
    assert made.lead == w["studios"][1] and made.memberships.count() == 3


def test_recommending_a_studio_while_its_new_leader_is_approved_does_both(w):
    """The recommendation waits for the leader change and must then still find the studio."""
    change = recommended_change(w)
    grounds = StudioResult.objects.create(studio=w["studio"], year=YEAR, kind="patent", title="一种数控夹具",
                                          patent_number="ZL202610000001.1", created_by=w["unit"])
    race = Race()
    assert race.run(
        lambda: life.change_decide(w["city"], fresh(change), from_status=ChangeStatus.RECOMMENDED, approve=True),
        lambda: recommendations.recommendation_create(w["city2"], year=YEAR, honour="national_innovation",
                                                      studio=fresh(w["studio"]), grounds="成果突出。", result=grounds),
        stagger=0.05) == ["ok", "ok"]
    assert fresh(w["studio"]).leader.name == "林海" and Recommendation.objects.count() == 1


def test_two_officers_forming_alliances_of_one_name_form_one(w):
    def form(actor, lead):
        return lambda: alliances.alliance_create(actor, name="智能制造创新工作室联盟", field="智能制造", lead=fresh(lead),
                                                 founded_on=TODAY)
    race = Race()
    assert race.run(form(w["city"], w["studios"][0]), form(w["city2"], w["studios"][1])) == ["ValidationError", "ok"]
    assert Alliance.objects.count() == 1


# --- assessments -----------------------------------------------------------------------------------------------

def test_reporting_the_years_assessments_twice_reports_once(w):
    for studio in annual.area_studios(w["county_union"], YEAR):
        annual.annual_assess(w["county"], studio, YEAR, {
            "system_rating": "good", "funding_rating": "good", "training_rating": "fair", "transfer_rating": "basic",
            "demonstration_rating": "good", "comment": "制度健全。"})
    race = Race()
    assert race.run(*twice(annual.annual_assessments_report, YEAR, actors=[w["county"], w["county2"]])) == [
        "StaleAction", "ok"]
    assert race.logs("annual_report_to_city") == 4
    race.told_once()


def test_two_officers_opening_the_years_cycle_open_one(w):
    race = Race()
    assert race.run(*twice(cycles.cycle_open, year=YEAR, actors=[w["city"], w["city2"]])) == ["StaleAction", "ok"]
    assert AssessmentCycle.objects.filter(year=YEAR).count() == 1
    assert race.logs("open") == 1


def test_recommending_the_areas_studios_twice_recommends_once(w):
    cycle = cycles.cycle_open(w["city"], year=YEAR)
    for studio in w["studios"]:
        cycles.self_evaluation_save(w["unit"], evaluation_of(cycle, studio), submit=True, **SELF)
        cycles.evaluation_save(w["county"], evaluation_of(cycle, studio), EVALUATION)
    race = Race()
    assert race.run(*twice(cycles.preliminary_recommend, cycle, actors=[w["county"], w["county2"]])) == [
        "StaleAction", "ok"]
    assert race.logs("cycle_recommend") == 3


def test_the_last_two_cycle_experts_at_once_finish_the_review_once(w):
    cycle = cycles.cycle_open(w["city"], year=YEAR)
    through_evaluation(w, cycle, w["studios"])
    cycles.cycle_start_expert_review(w["city"], cycle, from_phase="evaluation", panel=w["panel"])
    evaluation = evaluation_of(cycle, w["studios"][0])
    first, *last_two = evaluation.reviews.order_by("pk")
    cycles.cycle_review_submit(first.expert, first, total=90, comment="材料翔实。")
    race = Race()
    assert race.run(*[lambda r=r: cycles.cycle_review_submit(r.expert, fresh(r), total=80, comment="材料翔实。")
                      for r in last_two]) == ["ok", "ok"]
    assert race.logs("cycle_reviewed", w["studios"][0]) == 1
    assert fresh(evaluation).status == EvaluationStatus.REVIEWED


def test_a_cycle_expert_scoring_in_one_tab_while_recusing_in_another_is_told_it_is_recused(w):
    cycle = cycles.cycle_open(w["city"], year=YEAR)
    through_evaluation(w, cycle, w["studios"])
    cycles.cycle_start_expert_review(w["city"], cycle, from_phase="evaluation", panel=w["panel"])
    review = evaluation_of(cycle, w["studios"][0]).reviews.first()
    race = Race()
    assert race.run(lambda: cycles.cycle_review_recuse(review.expert, fresh(review), reason="有合作关系。"),
                    lambda: cycles.cycle_review_submit(review.expert, fresh(review), total=80, comment="材料翔实。"),
                    stagger=0.05) == ["StaleAction", "ok"]
    assert fresh(review).status == "recused"


def test_deciding_a_cycle_twice_decides_once(w):
    excellent, passing, failing = w["studios"]
    cycle = reviewed_cycle(w, {excellent: 95, passing: 80, failing: 50})
    grades = {evaluation_of(cycle, s).pk: g for s, g in {
        excellent: {"grade": "excellent"}, passing: {"grade": "pass"}, failing: {"grade": "fail", "note": "制度未落实。"},
        w["other_studio"]: {"grade": "fail", "note": "未参加。"}}.items()}
    race = Race()
    assert race.run(*twice(cycles.cycle_decide, cycle, from_phase="decision", meeting_date=TODAY, minutes_ref="纪要",
                           grades=grades, actors=[w["city"], w["city2"]])) == ["StaleAction", "ok"]
    assert Rectification.objects.count() == 2
    assert race.logs("conclude", cycle) == 1 and race.logs("cycle_grade") == 4
    race.told_once()


def test_rechecking_a_rectification_twice_rechecks_once(w):
    made = rectification(w, status=RectificationStatus.REPORTED)
    race = Race()
    assert race.run(
        lambda: rectifications.rectification_recheck(w["city"], fresh(made), passed=True, comment="整改到位。"),
        lambda: rectifications.rectification_recheck(w["city2"], fresh(made), passed=False, comment="仍未整改。"),
    ) == ["StaleAction", "ok"]
    assert race.logs("rectification_recheck") == 1
    passed = fresh(made).status == RectificationStatus.PASSED
    assert fresh(made.studio).status == (StudioStatus.ACTIVE if passed else StudioStatus.RECTIFYING)
    race.told_once()


# --- subsidies -------------------------------------------------------------------------------------------------

def test_two_transfers_of_one_grant_at_once_pay_it_once(w):
    grant = approved(w)
    with_account(w)
    race = Race()
    assert race.run(*twice(grant_services.transfer_prepare, grant, from_status=GrantStatus.APPROVED,
                           transferred_on=TODAY, voucher_number="记-2026-0815",
                           actors=[w["city"], w["city2"]])) == ["StaleAction", "ok"]
    assert Transfer.objects.filter(grant=grant).count() == 1
    race.told_once()


def test_approving_a_transfer_twice_pays_once(w):
    transfer = prepared(w)
    finance = w["city2"]
    race = Race()
    assert race.run(*twice(grant_services.transfer_approve, transfer, from_status=TransferStatus.PREPARED,
                           actors=[finance, finance])) == ["StaleAction", "ok"]
    assert LedgerEntry.objects.filter(kind=EntryKind.TRANSFER_IN).count() == 1
    assert race.logs("subsidy_transfer_approve") == 1
    race.told_once()


def test_approving_a_transfer_while_the_grant_is_cancelled_does_one_of_them(w):
    transfer = prepared(w)
    race = Race()
    assert race.run(
        lambda: grant_services.transfer_approve(w["city2"], Transfer.objects.get(pk=transfer.pk),
                                                from_status=TransferStatus.PREPARED),
        lambda: grant_services.grant_cancel(w["city"], fresh(transfer.grant), from_status=GrantStatus.APPROVED,
                                            reason="工作室已摘牌。"),
    ) == ["StaleAction", "ok"]
    grant = SubsidyGrant.objects.get(pk=transfer.grant_id)
    paid = LedgerEntry.objects.filter(kind=EntryKind.TRANSFER_IN).exists()
    assert (grant.status, paid) in {(GrantStatus.TRANSFERRED, True), (GrantStatus.CANCELLED, False)}


def test_reversing_an_entry_twice_reverses_it_once(w):
    grant = transferred(w)
    entry = ledger_services.expense_record(w["unit"], grant, occurred_on=TODAY, amount=Decimal("5000.00"),
                                           category="equipment", description="采购检测设备", receipt=receipt())
    race = Race()
    assert race.run(
        lambda: ledger_services.entry_reverse(w["unit"], LedgerEntry.objects.get(pk=entry.pk), reason="重复登记"),
        lambda: ledger_services.entry_reverse(w["city"], LedgerEntry.objects.get(pk=entry.pk), reason="金额有误"),
    ) == ["StaleAction", "ok"]
    assert LedgerEntry.objects.filter(kind=EntryKind.REVERSAL, reverses=entry).count() == 1
