"""The people and objects the atomicity and simultaneity tests act on, each state reached through the services
(a rectification, whose path through a whole cycle assessment is long, is made directly, as its conftest would)."""
import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessments.models import (
    AssessmentCycle, CycleEvaluation, CycleGrade, CyclePhase, EvaluationStatus, Rectification, RectificationStatus,
)
from reviews import application_services as apps
from reviews import decision_services as decisions
from reviews import panel_services
from reviews import services as round_services
from reviews.models import Application, ApplicationStatus, ExpertPanel, NamingRound, RoundPhase
from rules.models import RuleSet
from studios.models import StudioStatus
from tests import factories
from tests.reviews.conftest import advance_to, complete_draft
from unions.models import Role

TODAY = timezone.localdate()
YEAR = TODAY.year
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DECISION_NUMBER = f"揭工总〔{YEAR}〕30号"


def pdf(name="证明材料.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def fresh(obj):
    """The object as the database has it now: each attempt starts from what a new request would load."""
    return type(obj)._base_manager.get(pk=obj.pk)


def people(root, rules):
    """Two counties, a unit under each, one account per role (two municipal officers, four experts), studios
    old enough for this year's cycle assessment, one new enough for a subsidy, and an expert panel."""
    county_union = factories.county_union("榕城区总工会")
    unit_union = factories.unit_union(county_union, "揭阳市金叶机械制造有限公司工会")
    other_county = factories.county_union("普宁市总工会")
    other_unit_union = factories.unit_union(other_county, "普宁市锦程纺织有限公司工会")
    city = factories.user_with_role(Role.MUNICIPAL_STAFF, full_name="张华")
    experts = [factories.user_with_role(Role.EXPERT, full_name=f"专家{i}") for i in range(4)]
    # The cycle assessment reuses a naming round's panel (第十条); this round only holds it.
    holder = NamingRound.objects.create(
        year=YEAR - 5, union=root, rule_set=rules, created_by=city,
        **{f: datetime.date(YEAR - 5, m, 1) for f, m in (("application_deadline", 3), ("preliminary_deadline", 4),
                                                         ("audit_deadline", 5), ("expert_deadline", 6),
                                                         ("decision_deadline", 7))})
    panel = ExpertPanel.objects.create(naming_round=holder, created_by=city)
    panel.experts.set(experts)
    return {
        "root": root, "rules": rules, "county_union": county_union, "unit_union": unit_union,
        "other_county_union": other_county, "other_unit_union": other_unit_union,
        "studio": factories.StudioFactory(unit=unit_union, named_year=YEAR - 1),
        "studios": [factories.StudioFactory(unit=unit_union, named_year=YEAR - 3) for _ in range(3)],
        "other_studio": factories.StudioFactory(unit=other_unit_union, named_year=YEAR - 2),
        "unit": factories.user_with_role(Role.UNIT_STAFF, unit_union),
        "other_unit": factories.user_with_role(Role.UNIT_STAFF, other_unit_union),
        "county": factories.user_with_role(Role.RECOMMENDING_STAFF, county_union),
        "county2": factories.user_with_role(Role.RECOMMENDING_STAFF, county_union),
        "city": city, "city2": factories.user_with_role(Role.MUNICIPAL_STAFF, full_name="李明"),
        "admin": factories.user_with_role(Role.ADMIN),
        "experts": experts, "panel": panel,
    }


# The naming workflow's steps, in order; `naming` stops after the one asked for.
STAGES = ["draft", "submitted", "preliminary", "recommended", "audit", "accepted", "assigned", "expert_review",
          "scored", "decision", "deliberated", "publicity", "approved"]


def naming(w, until, n=2):
    """A round of this year with `n` applications from different units of the county, taken up to `until`."""
    done = set(STAGES[:STAGES.index(until) + 1])
    city = w["city"]
    RuleSet.objects.filter(pk=w["rules"].pk).update(quota_min=1, quota_max=n)
    naming_round = advance_to(city, round_services.round_create(city, year=YEAR), RoundPhase.APPLICATION)
    units = [factories.user_with_role(Role.UNIT_STAFF, factories.unit_union(w["county_union"])) for _ in range(n)]
    applications = [complete_draft(unit, naming_round, leader_name=f"申报人{i}") for i, unit in enumerate(units)]
    out = {"round": naming_round, "applications": applications, "units": units}
    if "submitted" in done:
        for unit, application in zip(units, applications):
            apps.application_submit(unit, application, from_status=ApplicationStatus.DRAFT)
    if "preliminary" in done:
        advance_to(city, naming_round, RoundPhase.PRELIMINARY)
    if "recommended" in done:
        for application in applications:
            apps.application_recommend(w["county"], application, from_status=ApplicationStatus.SUBMITTED)
    if "audit" in done:
        advance_to(city, naming_round, RoundPhase.AUDIT)
    if "accepted" in done:
        for application in applications:
            apps.application_accept(city, application, from_status=ApplicationStatus.RECOMMENDED)
    if "assigned" in done:
        out["panel"] = panel_services.panel_save(city, fresh(naming_round), w["experts"][:3])
        panel_services.auto_assign(city, out["panel"])
    if "expert_review" in done:
        advance_to(city, naming_round, RoundPhase.EXPERT_REVIEW)
    if "scored" in done:
        for application in applications:
            for assignment in application.assignments.all():
                score(assignment)
    if "decision" in done:
        advance_to(city, naming_round, RoundPhase.DECISION)
    if "deliberated" in done:
        decisions.deliberation_record(city, fresh(naming_round), meeting_date=TODAY, minutes_ref="市总党组会议纪要",
                                      shortlisted=applications)
    if "publicity" in done:
        round_services.round_advance(city, fresh(naming_round), from_phase=RoundPhase.DECISION)
    if "approved" in done:
        decisions.approve_after_publicity(fresh(naming_round), city, today=after_publicity(naming_round))
    out["applications"] = [fresh(a) for a in applications]
    out["round"] = fresh(naming_round)
    return out


def after_publicity(naming_round):
    return fresh(naming_round).publicity_end + datetime.timedelta(days=1)


def score(assignment, call=panel_services.submit_scores):
    criteria = assignment.application.naming_round.rule_set.criteria.all()
    return call(assignment.expert, fresh(assignment), {c.pk: c.max_score * Decimal("0.9") for c in criteria},
                "材料翔实，同意推荐。")


def pending_application(w, stage):
    return Application.objects.get(pk=naming(w, stage, n=1)["applications"][0].pk)


def rectification(w, studio=None, status=RectificationStatus.OPEN, deadline=None):
    """A studio graded 不合格 by last year's cycle and under rectification (第十一条)."""
    studio = studio or w["studios"][0]
    cycle = AssessmentCycle.objects.filter(year=YEAR - 1).first() or AssessmentCycle.objects.create(
        year=YEAR - 1, union=w["root"], rule_set=w["rules"], phase=CyclePhase.CONCLUDED, created_by=w["city"],
        self_deadline=datetime.date(YEAR - 1, 3, 1), evaluation_deadline=datetime.date(YEAR - 1, 4, 1),
        expert_deadline=datetime.date(YEAR - 1, 5, 1), meeting_date=datetime.date(YEAR - 1, 6, 1),
        minutes_ref="纪要")
    evaluation = CycleEvaluation.objects.create(cycle=cycle, studio=studio, status=EvaluationStatus.GRADED,
                                                grade=CycleGrade.FAIL, decision_note="制度未落实。")
    type(studio).objects.filter(pk=studio.pk).update(status=StudioStatus.RECTIFYING)
    return Rectification.objects.create(evaluation=evaluation, studio=studio, problems="制度未落实。", status=status,
                                        deadline=deadline or TODAY + datetime.timedelta(days=30))
