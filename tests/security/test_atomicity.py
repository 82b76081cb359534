"""An error in the middle of any action leaves nothing behind (issue 7, point 4): no row of any model changed,
no stored file, no notification, no e-mail and no work queued for after the commit.

CASES holds, for every writing service, a way to bring the world to where the service succeeds. The test
runs the service once to count its writes, then again and again with an error forced before each write (or a
spread of them, the last always included), and compares everything an action can leave with what was there
before. The first test fails when a service module gains a public function that is in neither CASES nor
READS, or another module starts logging transitions or notifying without a case, so nothing new escapes.
"""
import datetime
import importlib
import inspect
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from assessments import annual_services as annual
from assessments import cycle_services as cycles
from assessments import recommendation_services as recommendations
from assessments import rectification_services as rectifications
from assessments import tasks as assessment_tasks
from assessments.models import RecommendationStatus, RectificationStatus
from core.views import PasswordChangeView
from documents import services as documents
from reviews import application_services as apps
from reviews import decision_services as decisions
from reviews import panel_services
from reviews import services as round_services
from reviews.models import ApplicationAttachment, Objection, RoundPhase
from rules import services as rules
from rules.models import RuleSet
from studios import alliance_services as alliances
from studios import importing, leaders
from studios import lifecycle_services as life
from studios import record_services as records
from studios.models import ChangeStatus, Member, StudioResult
from subsidies import account_services, grant_services, ledger_services
from subsidies.models import GrantStatus, LedgerEntry, Transfer, TransferStatus
from tests import factories
from tests.assessments.conftest import EVALUATION, SELF, evaluation_of, reviewed_cycle, through_evaluation
from tests.reviews.conftest import COMPLETE, MEMBERS, RESULTS
from tests.subsidies.conftest import ACCOUNT, approved, planned, prepared, receipt, transferred, with_account
from unions import services as union_services
from unions.models import Role, UnionKind

from .atomicity import ForcedFailure, changed, count_writes, failing_at_write, failure_points, state
from .worlds import (
    DECISION_NUMBER, TODAY, YEAR, after_publicity, fresh, naming, pdf, pending_application, people, rectification,
    score,
)

CASES = {}


def case(service, variant=""):
    """Registers a builder: given the world, it prepares the state and returns the call to break."""
    def register(build):
        CASES.setdefault(f"{service.__module__}.{service.__qualname__}", []).append((variant, build))
        return build
    return register


@pytest.fixture
def w(root, published_rules, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # every stored file of the test is in here, to be listed
    return people(root, published_rules)


# --- reviews: applications (第五条, 第六条) --------------------------------------------------------------------

@case(apps.application_create)
def _(w):
    naming_round = naming(w, "draft", n=1)["round"]
    return lambda: apps.application_create(w["unit"], fresh(naming_round))


@case(apps.application_save)
def _(w):
    made = naming(w, "draft", n=1)
    application, unit = made["applications"][0], made["units"][0]
    return lambda: apps.application_save(unit, fresh(application), {**COMPLETE, "venue_area": 300}, MEMBERS[:2],
                                         RESULTS[:1])


@case(apps.application_submit)
def _(w):
    made = naming(w, "draft", n=1)
    return lambda: apps.application_submit(made["units"][0], fresh(made["applications"][0]), from_status="draft")


for _service in (apps.application_recommend, apps.application_return, apps.application_reject):
    @case(_service)
    def _(w, service=_service):
        application = pending_application(w, "preliminary")
        return lambda: service(w["county"], fresh(application), from_status="submitted", comment="意见")


@case(apps.application_withdraw)
def _(w):
    made = naming(w, "submitted", n=1)
    return lambda: apps.application_withdraw(made["units"][0], fresh(made["applications"][0]),
                                             from_status="submitted", comment="暂不申报")


for _service in (apps.application_accept, apps.application_audit_return, apps.application_audit_reject):
    @case(_service)
    def _(w, service=_service):
        application = pending_application(w, "audit")
        return lambda: service(w["city"], fresh(application), from_status="recommended", comment="意见")


@case(apps.attachment_add)
def _(w):
    made = naming(w, "draft", n=1)
    return lambda: apps.attachment_add(made["units"][0], fresh(made["applications"][0]), "honour", pdf("证书.pdf"))


@case(apps.attachment_delete)
def _(w):
    made = naming(w, "draft", n=1)
    attachment = apps.attachment_add(made["units"][0], made["applications"][0], "honour", pdf("证书.pdf"))
    return lambda: apps.attachment_delete(made["units"][0], ApplicationAttachment.objects.get(pk=attachment.pk))


# --- reviews: rounds, panels, decision, publicity, naming ----------------------------------------------------

@case(round_services.round_create)
def _(w):
    return lambda: round_services.round_create(w["city"], year=YEAR + 1)


@case(round_services.round_update_deadlines)
def _(w):
    naming_round = round_services.round_create(w["city"], year=YEAR)
    later = naming_round.decision_deadline + datetime.timedelta(days=10)
    return lambda: round_services.round_update_deadlines(w["city"], fresh(naming_round), decision_deadline=later)


@case(round_services.round_advance, "open")
def _(w):
    naming_round = round_services.round_create(w["city"], year=YEAR)
    return lambda: round_services.round_advance(w["city"], fresh(naming_round), from_phase=RoundPhase.DRAFT)


@case(round_services.round_advance, "publicity")
def _(w):
    naming_round = naming(w, "deliberated")["round"]
    return lambda: round_services.round_advance(w["city"], fresh(naming_round), from_phase=RoundPhase.DECISION)


@case(panel_services.panel_save)
def _(w):
    naming_round = naming(w, "accepted")["round"]
    return lambda: panel_services.panel_save(w["city"], fresh(naming_round), w["experts"][:3])


@case(panel_services.assign)
def _(w):
    made = naming(w, "accepted")
    panel = panel_services.panel_save(w["city"], made["round"], w["experts"][:3])
    return lambda: panel_services.assign(w["city"], fresh(panel), fresh(made["applications"][0]), w["experts"][0])


@case(panel_services.auto_assign)
def _(w):
    made = naming(w, "accepted")
    panel = panel_services.panel_save(w["city"], made["round"], w["experts"][:3])
    return lambda: panel_services.auto_assign(w["city"], fresh(panel))


@case(panel_services.recuse)
def _(w):
    assignment = naming(w, "expert_review", n=1)["applications"][0].assignments.first()
    return lambda: panel_services.recuse(assignment.expert, fresh(assignment), "与申报单位有合作关系。")


@case(panel_services.submit_scores, "last")
def _(w):
    """The last expert's scores finish the application's review."""
    first, *rest = naming(w, "expert_review", n=1)["applications"][0].assignments.order_by("pk")
    for assignment in rest:
        score(assignment)
    return lambda: score(fresh(first))


@case(panel_services.remind_unscored)
def _(w):
    naming_round = naming(w, "expert_review", n=1)["round"]
    return lambda: panel_services.remind_unscored(fresh(naming_round), 3)


@case(decisions.deliberation_record)
def _(w):
    made = naming(w, "decision")
    return lambda: decisions.deliberation_record(w["city"], fresh(made["round"]), meeting_date=TODAY,
                                                 minutes_ref="市总党组会议纪要", shortlisted=made["applications"][:1])


@case(decisions.objection_submit)
def _(w):
    application = naming(w, "publicity", n=1)["applications"][0]
    return lambda: decisions.objection_submit(
        fresh(application), channel="letter", objector_kind="unit", objector_name="某公司", contact="0663-1234567",
        facts="该工作室的专利并非团队成员完成。", letter=pdf("函.pdf"), recorded_by=w["city"])


@case(decisions.objection_handle)
def _(w):
    application = naming(w, "publicity", n=1)["applications"][0]
    objection = decisions.objection_submit(application, channel="phone", objector_kind="person", objector_name="张三",
                                           contact="13800000000", facts="该工作室的专利并非团队成员完成。")
    return lambda: decisions.objection_handle(w["city"], Objection.objects.get(pk=objection.pk), upheld=True,
                                              handling="经核实，异议成立。")


@case(decisions.approve_after_publicity)
def _(w):
    naming_round = naming(w, "publicity")["round"]
    return lambda: decisions.approve_after_publicity(fresh(naming_round), w["city"],
                                                     today=after_publicity(naming_round))


@case(decisions.naming_issue)
def _(w):
    naming_round = naming(w, "approved")["round"]
    return lambda: decisions.naming_issue(w["city"], fresh(naming_round), decision_number=DECISION_NUMBER,
                                          decision_date=TODAY)


@case(decisions.site_visit_record)
def _(w):
    application = pending_application(w, "audit")
    return lambda: decisions.site_visit_record(w["city"], fresh(application), visited_on=TODAY, visitors="张华、李明",
                                               findings="场地设备齐全，台账完整。")


@case(documents.document_request)
def _(w):
    naming_round = naming(w, "publicity", n=1)["round"]
    return lambda: documents.document_request(w["city"], fresh(naming_round), "notice")


# --- studios: changes and delisting (第七条, 第八条), alliances (第十七条), records (第五条(七)) ------------------

NEW_LEADER = factories.NEW_LEADER


def change(w, kind="change_leader", status=ChangeStatus.SUBMITTED):
    leader = NEW_LEADER if kind in ("change_leader", "rename") else {}
    made = life.change_request_create(w["unit"], w["studio"], kind=kind, reason="retired", evidence=pdf(),
                                      explanation="陈伟同志已于今年退休。", **leader)
    if status == ChangeStatus.RECOMMENDED:
        life.change_review(w["county"], made, from_status=ChangeStatus.SUBMITTED, agree=True)
    return made


@case(life.change_request_create)
def _(w):
    return lambda: life.change_request_create(w["unit"], fresh(w["studio"]), kind="change_leader", reason="retired",
                                              explanation="陈伟同志已于今年退休。", evidence=pdf(), **NEW_LEADER)


@case(life.change_review)
def _(w):
    made = change(w)
    return lambda: life.change_review(w["county"], fresh(made), from_status=ChangeStatus.SUBMITTED, agree=True)


for _kind in ("change_leader", "rename", "cancel", "delist"):
    @case(life.change_decide, f"approve_{_kind}")
    def _(w, kind=_kind):
        made = change(w, kind, ChangeStatus.RECOMMENDED)
        return lambda: life.change_decide(w["city"], fresh(made), from_status=ChangeStatus.RECOMMENDED, approve=True,
                                          decision_number=DECISION_NUMBER, decided_on=TODAY)


@case(life.change_decide, "reject")
def _(w):
    made = change(w, status=ChangeStatus.RECOMMENDED)
    return lambda: life.change_decide(w["city"], fresh(made), from_status=ChangeStatus.RECOMMENDED, approve=False,
                                      comment="证明材料不全。")


@case(life.change_withdraw)
def _(w):
    made = change(w)
    return lambda: life.change_withdraw(w["unit"], fresh(made), from_status=ChangeStatus.SUBMITTED, comment="撤回")


@case(life.studio_delist)
def _(w):
    change(w)  # an open change request is rejected with the delisting
    return lambda: life.studio_delist(w["city"], fresh(w["studio"]), reason="3", facts="申报材料弄虚作假。",
                                      decision_number=DECISION_NUMBER, decided_on=TODAY, evidence=pdf())


def alliance(w):
    made = alliances.alliance_create(w["city"], name="智能制造创新工作室联盟", field="智能制造", lead=w["studios"][0],
                                     founded_on=TODAY - datetime.timedelta(days=100))
    alliances.alliance_member_add(w["city"], made, studio=w["studios"][1], joined_on=TODAY)
    return made


@case(alliances.alliance_create)
def _(w):
    return lambda: alliances.alliance_create(w["city"], name="智能制造创新工作室联盟", field="智能制造",
                                             lead=fresh(w["studios"][0]), founded_on=TODAY)


@case(alliances.alliance_update)
def _(w):
    made = alliance(w)
    return lambda: alliances.alliance_update(w["city"], fresh(made), name="智能制造联盟", field="智能装备",
                                             lead=fresh(w["studios"][1]), founded_on=made.founded_on)


@case(alliances.alliance_member_add)
def _(w):
    made = alliance(w)
    return lambda: alliances.alliance_member_add(w["city"], fresh(made), studio=fresh(w["studios"][2]),
                                                 joined_on=TODAY)


@case(alliances.alliance_member_remove)
def _(w):
    made = alliance(w)
    return lambda: alliances.alliance_member_remove(w["city"], fresh(made), studio=fresh(w["studios"][1]))


@case(alliances.joint_project_add)
def _(w):
    made = alliance(w)
    return lambda: alliances.joint_project_add(w["city"], fresh(made), title="焊接机器人联合攻关", year=YEAR,
                                               participants=[w["studios"][0], w["studios"][1]])


@case(records.result_add)
def _(w):
    return lambda: records.result_add(w["unit"], fresh(w["studio"]), year=YEAR, kind="patent", title="一种夹具",
                                      patent_number="ZL202610000009.1")


@case(records.training_add)
def _(w):
    return lambda: records.training_add(w["unit"], fresh(w["studio"]), held_on=TODAY, kind="training",
                                        title="数控技能培训", participants=30)


@case(records.member_add)
def _(w):
    return lambda: records.member_add(w["unit"], fresh(w["studio"]), name="许丽", role="core")


@case(records.record_remove)
def _(w):
    for name in ("黄志明", "吴晓东", "林海", "许丽"):
        Member.objects.create(studio=w["studio"], name=name)
    member = Member.objects.filter(studio=w["studio"]).first()
    return lambda: records.record_remove(w["unit"], "member", fresh(member))


def sheet():
    workbook = Workbook()
    workbook.active.append(importing.HEADERS)
    for leader, year in (("陈伟", 2023), ("林晓芳", 2024)):
        workbook.active.append([f"{leader}劳模和工匠人才创新工作室", leader, "男", "省级劳动模范", 2020,
                                "揭阳市金叶机械制造有限公司工会", year, f"揭工总〔{year}〕18号", "精密机械加工",
                                "2021-03-01", "黄志明、吴晓东、林海"])
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile("工作室.xlsx", out.getvalue())


@case(importing.import_studios)
def _(w):
    return lambda: importing.import_studios(w["city"], sheet())


@case(leaders.leader_identity_update)
def _(w):
    return lambda: leaders.leader_identity_update(w["unit"], fresh(w["studio"]), id_number="44520219850715003X",
                                                  mobile="13802630037")


# --- assessments: annual (第九条), cycle (第十条, 第十一条), rectification, recommendations (第十四条) ------------

REPORT = {"operation": "开展技术攻关 6 次。", "results": "获国家实用新型专利 1 项。", "training": "培训 120 人次。",
          "funding": "企业投入 20 万元。", "plan": "明年攻关 3 项。"}
RATINGS = {"system_rating": "good", "funding_rating": "good", "training_rating": "fair", "transfer_rating": "basic",
           "demonstration_rating": "good", "comment": "制度健全，成果转化有待加强。"}


@case(annual.annual_report_save)
def _(w):
    return lambda: annual.annual_report_save(w["unit"], fresh(w["studio"]), YEAR, REPORT, submit=True)


@case(annual.annual_report_return)
def _(w):
    report = annual.annual_report_save(w["unit"], w["studio"], YEAR, REPORT, submit=True)
    return lambda: annual.annual_report_return(w["county"], fresh(report), comment="请补充经费使用明细。")


@case(annual.annual_assess)
def _(w):
    return lambda: annual.annual_assess(w["county"], fresh(w["studio"]), YEAR, RATINGS)


@case(annual.annual_assessments_report)
def _(w):
    for studio in annual.area_studios(w["county_union"], YEAR):
        annual.annual_assess(w["county"], studio, YEAR, RATINGS)
    return lambda: annual.annual_assessments_report(w["county"], YEAR)


@case(assessment_tasks.remind_annual)
def _(w):
    """The reminder before the reports are due, to the units of both studios' unions (one unit here, two there)."""
    factories.user_with_role(Role.UNIT_STAFF, w["other_unit_union"])
    rule_set = RuleSet.objects.current()
    due = rule_set.annual_deadlines(YEAR)[0] - datetime.timedelta(days=rule_set.reminder_days_before)
    return lambda: assessment_tasks.remind_annual(due.isoformat())


def cycle(w):
    return cycles.cycle_open(w["city"], year=YEAR)


def self_submitted(w):
    evaluation = evaluation_of(cycle(w), w["studios"][0])
    return cycles.self_evaluation_save(w["unit"], evaluation, submit=True, **SELF)


@case(cycles.cycle_open)
def _(w):
    return lambda: cycles.cycle_open(w["city"], year=YEAR)


@case(cycles.self_evaluation_save)
def _(w):
    evaluation = evaluation_of(cycle(w), w["studios"][0])
    return lambda: cycles.self_evaluation_save(w["unit"], fresh(evaluation), submit=True, **SELF)


@case(cycles.self_evaluation_return)
def _(w):
    evaluation = self_submitted(w)
    return lambda: cycles.self_evaluation_return(w["county"], fresh(evaluation), comment="请补充成果证明。")


@case(cycles.evaluation_save)
def _(w):
    evaluation = self_submitted(w)
    return lambda: cycles.evaluation_save(w["county"], fresh(evaluation), EVALUATION)


@case(cycles.preliminary_recommend)
def _(w):
    made = cycle(w)
    for studio in w["studios"]:
        cycles.self_evaluation_save(w["unit"], evaluation_of(made, studio), submit=True, **SELF)
        cycles.evaluation_save(w["county"], evaluation_of(made, studio), EVALUATION)
    return lambda: cycles.preliminary_recommend(w["county"], fresh(made))


def under_review(w):
    made = cycle(w)
    through_evaluation(w, made, w["studios"])
    return cycles.cycle_start_expert_review(w["city"], made, from_phase="evaluation", panel=w["panel"])


@case(cycles.cycle_start_expert_review)
def _(w):
    made = cycle(w)
    through_evaluation(w, made, w["studios"])
    return lambda: cycles.cycle_start_expert_review(w["city"], fresh(made), from_phase="evaluation",
                                                    panel=w["panel"])


@case(cycles.cycle_assign)
def _(w):
    evaluation = evaluation_of(under_review(w), w["studios"][0])
    free = next(e for e in w["experts"] if not evaluation.reviews.filter(expert=e).exists())
    return lambda: cycles.cycle_assign(w["city"], fresh(evaluation), free)


@case(cycles.cycle_review_submit, "last")
def _(w):
    first, *rest = evaluation_of(under_review(w), w["studios"][0]).reviews.order_by("pk")
    for review in rest:
        cycles.cycle_review_submit(review.expert, review, total=90, comment="材料翔实。")
    return lambda: cycles.cycle_review_submit(first.expert, fresh(first), total=85, comment="材料翔实。")


@case(cycles.cycle_review_recuse)
def _(w):
    review = evaluation_of(under_review(w), w["studios"][0]).reviews.first()
    return lambda: cycles.cycle_review_recuse(review.expert, fresh(review), reason="曾参与该工作室的攻关项目。")


@case(cycles.cycle_start_decision)
def _(w):
    made = under_review(w)
    for studio in w["studios"]:
        for review in evaluation_of(made, studio).reviews.all():
            cycles.cycle_review_submit(review.expert, review, total=90, comment="材料翔实。")
    return lambda: cycles.cycle_start_decision(w["city"], fresh(made), from_phase="expert_review")


def decision_grades(made, w):
    excellent, passing, failing = w["studios"]
    given = {excellent: {"grade": "excellent"}, passing: {"grade": "pass"},
             failing: {"grade": "fail", "note": "制度未落实。"}, w["other_studio"]: {"grade": "fail", "note": "未参加。"}}
    return {evaluation_of(made, studio).pk: grade for studio, grade in given.items()}


@case(cycles.cycle_decide)
def _(w):
    excellent, passing, failing = w["studios"]
    made = reviewed_cycle(w, {excellent: 95, passing: 80, failing: 50})
    return lambda: cycles.cycle_decide(w["city"], fresh(made), from_phase="decision", meeting_date=TODAY,
                                       minutes_ref="纪要", grades=decision_grades(made, w))


@case(rectifications.rectification_report)
def _(w):
    made = rectification(w)
    return lambda: rectifications.rectification_report(w["unit"], fresh(made), report="制度已修订上墙。",
                                                       evidence=pdf("整改材料.pdf"))


for _passed in (True, False):
    @case(rectifications.rectification_recheck, "passed" if _passed else "failed")
    def _(w, passed=_passed):
        made = rectification(w, status=RectificationStatus.REPORTED)
        return lambda: rectifications.rectification_recheck(w["city"], fresh(made), passed=passed, comment="复查意见")


@case(rectifications.mark_overdue)
def _(w):
    rectification(w, deadline=TODAY - datetime.timedelta(days=1))
    return lambda: rectifications.mark_overdue(TODAY)


@case(rectifications.remind_due)
def _(w):
    """Two studios due in three days, so that the reminders are two writes apart."""
    for studio in w["studios"][:2]:
        rectification(w, studio, deadline=TODAY + datetime.timedelta(days=3))
    return lambda: rectifications.remind_due(TODAY, 3)


@case(rectifications.rectification_extend)
def _(w):
    made = rectification(w, status=RectificationStatus.FAILED)
    return lambda: rectifications.rectification_extend(w["city"], fresh(made), comment="整改有进展，再给一次机会。",
                                                       deadline=TODAY + datetime.timedelta(days=60))


@case(rectifications.rectification_confirm_delisting)
def _(w):
    made = rectification(w, status=RectificationStatus.OVERDUE)
    return lambda: rectifications.rectification_confirm_delisting(
        w["city"], fresh(made), decision_number=DECISION_NUMBER, decided_on=TODAY, facts="逾期未整改。",
        evidence=pdf("摘牌决定.pdf"))


def result(w):
    return StudioResult.objects.create(studio=w["studio"], year=YEAR, kind="patent", title="一种数控夹具",
                                       patent_number="ZL202610000001.1", created_by=w["unit"])


@case(recommendations.recommendation_create)
def _(w):
    grounds = result(w)
    return lambda: recommendations.recommendation_create(w["city"], year=YEAR, honour="national_innovation",
                                                         studio=fresh(w["studio"]), grounds="成果突出。", result=grounds)


@case(recommendations.recommendation_advance, "award")
def _(w):
    made = recommendations.recommendation_create(w["city"], year=YEAR, honour="national_innovation",
                                                 studio=w["studio"], grounds="成果突出。", result=result(w))
    recommendations.recommendation_advance(w["city"], made, action="submit", from_status=RecommendationStatus.PROPOSED)
    return lambda: recommendations.recommendation_advance(w["city"], fresh(made), action="award", note="粤工〔2026〕1号",
                                                          from_status=RecommendationStatus.SUBMITTED)


# --- subsidies (第十二条, 第十三条) ------------------------------------------------------------------------------

@case(grant_services.grant_plan)
def _(w):
    return lambda: grant_services.grant_plan(w["city"], fresh(w["studio"]), amount=Decimal("25000.00"))


@case(grant_services.grant_approve)
def _(w):
    grant = planned(w)
    return lambda: grant_services.grant_approve(w["city"], fresh(grant), from_status=GrantStatus.PLANNED,
                                                decision_number=DECISION_NUMBER)


@case(grant_services.grant_cancel)
def _(w):
    grant = prepared(w).grant  # approved, with a transfer waiting: it goes back with the grant
    return lambda: grant_services.grant_cancel(w["city"], fresh(grant), from_status=GrantStatus.APPROVED,
                                               reason="工作室已摘牌。")


@case(grant_services.transfer_prepare)
def _(w):
    grant = approved(w)
    with_account(w)
    return lambda: grant_services.transfer_prepare(w["city"], fresh(grant), from_status=GrantStatus.APPROVED,
                                                   transferred_on=TODAY, voucher_number="记-2026-0815")


@case(grant_services.transfer_approve)
def _(w):
    transfer = prepared(w)
    return lambda: grant_services.transfer_approve(w["city2"], Transfer.objects.get(pk=transfer.pk),
                                                   from_status=TransferStatus.PREPARED)


@case(grant_services.transfer_send_back)
def _(w):
    transfer = prepared(w)
    return lambda: grant_services.transfer_send_back(w["city2"], Transfer.objects.get(pk=transfer.pk),
                                                     from_status=TransferStatus.PREPARED, comment="凭证号有误。")


@case(grant_services.grant_close)
def _(w):
    grant = transferred(w)
    return lambda: grant_services.grant_close(w["city"], fresh(grant), from_status=GrantStatus.TRANSFERRED,
                                              note="余额结转下年度使用。")


def expense(w, grant):
    return ledger_services.expense_record(w["unit"], grant, occurred_on=TODAY, amount=Decimal("5000.00"),
                                          category="equipment", description="采购检测设备", receipt=receipt())


@case(ledger_services.expense_record)
def _(w):
    grant = transferred(w)
    return lambda: expense(w, fresh(grant))


@case(ledger_services.entry_reverse)
def _(w):
    entry = expense(w, transferred(w))
    return lambda: ledger_services.entry_reverse(w["unit"], LedgerEntry.objects.get(pk=entry.pk), reason="重复登记")


@case(account_services.bank_account_save)
def _(w):
    with_account(w)  # a change, logged with both numbers masked
    return lambda: account_services.bank_account_save(w["city"], fresh(w["unit_union"]),
                                                      **{**ACCOUNT, "number": "6222029876543210987"})


# --- rules and the union tree ----------------------------------------------------------------------------------

@case(rules.ruleset_create_default)
def _(w):
    return lambda: rules.ruleset_create_default()


@case(rules.ruleset_copy)
def _(w):
    return lambda: rules.ruleset_copy(RuleSet.objects.current())


@case(rules.ruleset_publish)
def _(w):
    draft = rules.ruleset_copy(RuleSet.objects.current())
    return lambda: rules.ruleset_publish(fresh(draft))


@case(union_services.union_create)
def _(w):
    return lambda: union_services.union_create(parent=fresh(w["county_union"]), name="揭阳市新兴工会",
                                               kind=UnionKind.UNIT)


@case(union_services.union_move)
def _(w):
    """A unit union moved to another county: its recommending union follows, for it and below."""
    return lambda: union_services.union_move(fresh(w["unit_union"]), fresh(w["other_county_union"]))


@case(union_services.union_update)
def _(w):
    return lambda: union_services.union_update(fresh(w["unit_union"]), name="揭阳市金叶机械股份有限公司工会")


@case(union_services.union_delete)
def _(w):
    empty = factories.unit_union(w["county_union"], "揭阳市已撤销单位工会")
    return lambda: union_services.union_delete(fresh(empty))


# --- a view that writes and notifies itself --------------------------------------------------------------------

@case(PasswordChangeView)
def _password_change(w):
    client = Client()
    client.force_login(w["unit"])
    cookies = client.cookies
    data = {"old_password": factories.PASSWORD, "new_password1": "Xin-mima-2027!", "new_password2": "Xin-mima-2027!"}

    def call():
        client.cookies = cookies.__class__(cookies)  # the session as logged in, not one a rolled-back change made
        response = client.post(reverse("password_change"), data)
        assert response.status_code == 302 and response.url == reverse("dashboard"), response
    call.writes_after_action = 1  # the session middleware saves the session once the view has answered
    return call


# Public functions of the service modules that only read: each with why it is no service to break.
READS = {
    "assessments.annual_services.area_studios": "a queryset",
    "assessments.cycle_services.area_evaluations": "a queryset",
    "assessments.cycle_services.cycle_url": "an address",
    "assessments.cycle_services.default_deadlines": "computes dates",
    "assessments.cycle_services.eligible_studios": "a queryset",
    "assessments.cycle_services.evaluation_url": "an address",
    "assessments.cycle_services.proposed_grade": "computes a grade",
    "assessments.rectification_services.rectification_url": "an address",
    "documents.services.available": "a phase check",
    "documents.services.can_use_documents": "a role check",
    "documents.services.has_documents": "a phase check",
    "documents.services.require_document_user": "a role check",
    "reviews.application_services.check_can_edit": "a permission check",
    "reviews.application_services.eligibility": "reads the conditions of 第五条",
    "reviews.decision_services.check_can_deliberate": "a phase check",
    "reviews.decision_services.check_phase": "a phase check",
    "reviews.decision_services.check_publicity_open": "a date check",
    "reviews.decision_services.publicity_open": "a date check",
    "reviews.panel_services.conflict_of": "a conflict check",
    "reviews.services.default_deadlines": "computes dates",
    "rules.services.next_version": "a number",
    "subsidies.grant_services.check_grant_amount": "an amount check",
    "subsidies.grant_services.grant_url": "an address",
    "subsidies.ledger_services.category_error": "a message",
    "unions.services.deletion_blockers": "reasons in words",
}
# Writers that only ever run inside another service's transaction, which its case breaks.
PART_OF = {"reviews.decision_services.enter_publicity": "reviews.services.round_advance"}
# Modules other than services that log transitions or notify, and what in them does it.
OTHER_WRITERS = {
    "assessments.tasks": ["remind_annual"],
    "core.views": ["PasswordChangeView"],
    "studios.importing": ["import_studios"],
    "studios.leaders": ["leader_identity_update"],
}
WRITING = re.compile(r"\.(save|create|update|delete|bulk_create|set)\("
                     r"|\b(notify|log_transition|on_commit|assign_perm|store)\(")
BASE = Path(settings.BASE_DIR)
APPS = sorted(p.parent.name for p in BASE.glob("*/apps.py"))


def _module(path):
    return ".".join(path.relative_to(BASE).with_suffix("").parts)


def _public_functions(module):
    return {f"{module.__name__}.{name}": function for name, function in inspect.getmembers(module, inspect.isfunction)
            if function.__module__ == module.__name__ and not name.startswith("_")}


def test_every_writing_service_has_a_case():
    services = {}
    for path in sorted(p for app in APPS for p in (BASE / app).glob("*services.py")):
        services.update(_public_functions(importlib.import_module(_module(path))))
    unclassified = sorted(set(services) - set(CASES) - set(READS) - set(PART_OF))
    assert unclassified == [], "add a case (or, for a pure read, a READS entry) for these"
    assert sorted(set(READS) - set(services)) == []
    writing_reads = sorted(name for name in READS if WRITING.search(inspect.getsource(services[name])))
    assert writing_reads == []
    for part, whole in PART_OF.items():
        assert part.rsplit(".", 1)[1] + "(" in inspect.getsource(services[whole])
    others = set()
    for app in APPS:
        for path in (BASE / app).rglob("*.py"):
            if "migrations" in path.parts or "management" in path.parts or path.name.endswith("services.py"):
                continue
            if _module(path) in ("core.history", "core.notifications"):
                continue
            if re.search(r"\b(notify|log_transition)\(", path.read_text()):
                others.add(_module(path))
    assert others == set(OTHER_WRITERS)
    missing = sorted(f"{m}.{n}" for m, names in OTHER_WRITERS.items() for n in names if f"{m}.{n}" not in CASES)
    assert missing == []
    assert sorted(set(CASES) - set(services) - {f"{m}.{n}" for m, ns in OTHER_WRITERS.items() for n in ns}) == []


CASE_LIST = [(name, variant, build) for name, builds in sorted(CASES.items()) for variant, build in builds]


@pytest.mark.parametrize("name,variant,build", CASE_LIST, ids=[f"{n}{'-' + v if v else ''}" for n, v, _b in CASE_LIST])
def test_an_error_in_the_middle_leaves_nothing(name, variant, build, w, django_capture_on_commit_callbacks):
    call = build(w)
    writes = count_writes(call) - getattr(call, "writes_after_action", 0)
    assert writes >= 1
    before, mails = state(), len(mail.outbox)
    for k in failure_points(writes):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            with pytest.raises(ForcedFailure):
                with failing_at_write(k):
                    call()
        # Django marks the test's transaction when an error leaves a write that had no transaction of its own
        assert not connection.needs_rollback, f"write {k} of {writes} ran outside the action's own transaction"
        assert changed(before, state()) == [], f"an error before write {k} of {writes} left these changed"
        assert callbacks == [], f"an error before write {k} of {writes} left work queued for the commit"
        assert len(mail.outbox) == mails
