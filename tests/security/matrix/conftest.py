"""One world for the whole matrix: the demo data, plus what the demo's two rounds cannot show at once.

A naming round is in one phase at a time, and the demo's are in the expert review and concluded; the world adds a
round in each other phase (in years to come, one round per year), with applications in the states each phase
really holds, all brought there through the services. Every union that owns something gets its own staff, and a
sibling unit under the same recommending union, so that each cell has its owner, its neighbour and its county.
The world is built once for the package inside a transaction rolled back at the end; each test then works in its
own savepoint.
"""
import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from core.management.commands.seed_demo import APPLICATION_FIELDS, clock_at, demo_evidence
from tests import factories
from reviews import application_services, decision_services, panel_services
from reviews import services as round_services
from reviews.models import NamingRound, RoundPhase
from studios import lifecycle_services
from studios.models import TITLED_STATES, ChangeKind, ChangeStatus, Studio
from subsidies.permissions import AUDIT_GROUP, duty_group
from unions.models import Role, Union, UnionKind, User
from unions.services import union_create

TODAY = timezone.localdate()


def fill(user, naming_round, leader):
    """A draft meeting every condition of 第五条 (as the demo fills its own), for the round's year."""
    application = application_services.application_create(user, naming_round)
    year = naming_round.year
    fields = {**APPLICATION_FIELDS, "leader_name": leader, "leader_mobile": factories.mobile(),
              "leader_id_number": factories.id_number(area="445200"),  # 揭阳市 itself: no demo person has it
              "founded_on": TODAY - datetime.timedelta(days=5 * 365),
              "annual_plan": f"{year} 年攻关 3 项现场难题。", "lower_naming_date": TODAY - datetime.timedelta(days=700),
              "lower_naming_body": user.union.recommending_union.name}
    results = [
        {"year": year - 2, "kind": "patent", "title": f"{leader}专用夹具", "patent_number": f"ZL{year - 2}1000012.3",
         "level": "national", "issuing_body": "国家知识产权局"},
        {"year": year - 1, "kind": "recognition", "title": f"{leader}工艺改进", "patent_number": "",
         "level": "municipal", "issuing_body": "揭阳市科学技术局"},
    ]
    members = [{"name": f"{leader}组员{n}", "role": "技术骨干", "job_title": "技师"} for n in "甲乙丙"]
    return application_services.application_save(user, application, fields, members, results)


class World:
    """The demo world and the additions; `rounds` and `applications` name what the tables find."""

    def __init__(self):
        call_command("seed_demo", verbosity=0)
        self.users = {u.username: u for u in User.objects.all()}
        self.city, self.county, self.owner = self.users["city"], self.users["county"], self.users["unit"]
        self.unit = self.owner.union
        self._staff_everywhere()
        self.auditor = User.objects.create_user(username="matrix_auditor", full_name="审计员", role=Role.EXPERT,
                                                union=self.city.union)
        self.auditor.groups.add(duty_group(AUDIT_GROUP))  # an outside auditor: reads grants, acts on nothing
        # an expert on no panel yet, whom a panel can take in
        self.spare_expert = User.objects.create_user(username="matrix_expert5", full_name="郑专家", role=Role.EXPERT,
                                                     union=self.city.union)
        self.rounds, self.applications = {}, {}
        self._rounds()
        self._changes()
        self._clients = {}
        for user in User.objects.filter(is_active=True).exclude(role=""):
            self.client(user)

    # People --------------------------------------------------------------------------------------------------

    def _staff_everywhere(self):
        """Staff for every unit union and every recommending union; a second unit under each recommending union."""
        def staff(union, role):
            user = User.objects.filter(union=union, role=role, is_active=True).order_by("pk").first()
            return user or User.objects.create_user(username=f"matrix_{role}_{union.pk}", full_name=union.name[:20],
                                                    role=role, union=union)

        self.unit_staff, self.county_staff, self.sibling = {}, {}, {}
        for unit in list(Union.objects.filter(kind=UnionKind.UNIT).select_related("recommending_union")):
            county = unit.recommending_union
            siblings = Union.objects.filter(kind=UnionKind.UNIT, recommending_union=county).exclude(pk=unit.pk)
            sibling = siblings.order_by("pk").first() or union_create(parent=county, name=f"{county.name}矩阵单位工会",
                                                                      kind=UnionKind.UNIT)
            self.sibling[unit.pk] = sibling
            for union in (unit, sibling):
                self.unit_staff.setdefault(union.pk, staff(union, Role.UNIT_STAFF))
            self.county_staff.setdefault(county.pk, staff(county, Role.RECOMMENDING_STAFF))

    def actors(self, unit, expert=None):
        """Every actor of a cell, relative to the object's `unit` union (the unit that owns it)."""
        expert = expert or self.users["expert"]
        county = unit.recommending_union
        other = self.users["county2"] if county.pk != self.users["county2"].union_id else self.county
        return {
            "owner": self.unit_staff[unit.pk], "other_unit": self.unit_staff[self.sibling[unit.pk].pk],
            "county": self.county_staff[county.pk], "other_county": other, "city": self.city,
            "finance": self.users["finance"], "admin": self.users["admin"], "auditor": self.auditor,
            "expert": expert,
            "other_expert": next(self.users[n] for n in ("expert", "expert2") if self.users[n].pk != expert.pk),
        }

    def client(self, user):
        if user.pk not in self._clients:
            client = Client()
            client.force_login(user)
            self._clients[user.pk] = client
        return self._clients[user.pk]

    # Naming rounds in every phase ----------------------------------------------------------------------------

    def _advance(self, naming_round, to):
        naming_round = NamingRound.objects.get(pk=naming_round.pk)
        while naming_round.phase != to:
            naming_round = round_services.round_advance(self.city, naming_round, from_phase=naming_round.phase)
        return naming_round

    def _round(self, label, offset, phase=RoundPhase.DRAFT):
        naming_round = round_services.round_create(self.city, year=TODAY.year + offset)
        self.rounds[label] = self._advance(naming_round, phase)
        return self.rounds[label]

    def _apps(self, naming_round, prefix, count):
        return [fill(self.owner, naming_round, f"{prefix}{n}") for n in range(count)]

    def _scored(self, label, offset, count):
        """A round past its expert review: `count` applications accepted, assigned and scored by three experts."""
        naming_round = self._round(label, offset, RoundPhase.APPLICATION)
        applications = self._apps(naming_round, f"矩阵{label}", count)
        for application in applications:
            application_services.application_submit(self.owner, application, from_status="draft")
        naming_round = self._advance(naming_round, RoundPhase.PRELIMINARY)
        for application in applications:
            application_services.application_recommend(self.county, application, from_status="submitted")
        naming_round = self._advance(naming_round, RoundPhase.AUDIT)
        for application in applications:
            application_services.application_accept(self.city, application, from_status="recommended")
        panel = panel_services.panel_save(self.city, naming_round, [self.users[e] for e in
                                                                    ("expert", "expert2", "expert3", "expert4")])
        panel_services.auto_assign(self.city, panel)
        naming_round = self._advance(naming_round, RoundPhase.EXPERT_REVIEW)
        criteria = list(naming_round.rule_set.criteria.all())
        for application in applications:
            for assignment in application.assignments.select_related("expert"):
                points = {c.pk: (c.max_score * Decimal("0.8")).quantize(Decimal("0.1")) for c in criteria}
                panel_services.submit_scores(assignment.expert, assignment, points, "团队稳定，成果突出。")
        self.rounds[label] = self._advance(naming_round, RoundPhase.DECISION)
        return applications

    def deliberate(self, label, shortlist=None):
        """集体研究 for the round `label`: the first five scored applications, or `shortlist`."""
        naming_round = NamingRound.objects.get(pk=self.rounds[label].pk)
        if shortlist is None:
            shortlist = list(naming_round.applications.filter(status="scored").order_by("pk")[:5])
        decision_services.deliberation_record(self.city, naming_round, meeting_date=TODAY,
                                              minutes_ref="市总工会党组会议纪要〔2026〕9号", shortlisted=shortlist)

    def _rounds(self):
        owner, county, city = self.owner, self.county, self.city
        self._round("draft", 11)
        # 申报: a draft, and one submitted
        naming_round = self._round("application", 12, RoundPhase.APPLICATION)
        draft, submitted = self._apps(naming_round, "矩阵申报", 2)
        self.attachments = {f"{state}@application": application_services.attachment_add(
            owner, application, "honour", demo_evidence("荣誉证书.pdf"))
            for state, application in (("draft", draft), ("submitted", submitted))}
        application_services.application_submit(owner, submitted, from_status="draft")
        self.applications.update({"draft@application": draft, "submitted@application": submitted})
        # 初审推荐: what the county finds, and what it has done
        naming_round = self._round("preliminary", 13, RoundPhase.APPLICATION)
        apps = dict(zip(["submitted", "returned", "recommended", "rejected", "withdrawn", "draft"],
                        self._apps(naming_round, "矩阵初审", 6)))
        for state, application in apps.items():
            if state != "draft":
                application_services.application_submit(owner, application, from_status="draft")
        self._advance(naming_round, RoundPhase.PRELIMINARY)
        application_services.application_return(county, apps["returned"], from_status="submitted", comment="补充材料")
        application_services.application_recommend(county, apps["recommended"], from_status="submitted")
        application_services.application_reject(county, apps["rejected"], from_status="submitted", comment="不符合")
        application_services.application_withdraw(owner, apps["withdrawn"], from_status="submitted", comment="暂不申报")
        self.applications.update({f"{s}@preliminary": a for s, a in apps.items()})
        # 市总审核: recommended, accepted (one already with an expert), returned and resubmitted, rejected
        naming_round = self._round("audit", 14, RoundPhase.APPLICATION)
        apps = dict(zip(["recommended", "accepted", "under_review", "returned", "submitted", "rejected"],
                        self._apps(naming_round, "矩阵审核", 6)))
        for application in apps.values():
            application_services.application_submit(owner, application, from_status="draft")
        self._advance(naming_round, RoundPhase.PRELIMINARY)
        for application in apps.values():
            application_services.application_recommend(county, application, from_status="submitted")
        naming_round = self._advance(naming_round, RoundPhase.AUDIT)
        for state in ("accepted", "under_review"):
            application_services.application_accept(city, apps[state], from_status="recommended")
        for state in ("returned", "submitted"):
            application_services.application_audit_return(city, apps[state], from_status="recommended",
                                                          comment="补充材料")
        application_services.application_submit(owner, apps["submitted"], from_status="returned")
        application_services.application_audit_reject(city, apps["rejected"], from_status="recommended",
                                                      comment="不符合")
        panel = panel_services.panel_save(city, naming_round, [self.users[e] for e in
                                                               ("expert", "expert2", "expert3", "expert4")])
        panel_services.assign(city, panel, apps["under_review"], self.users["expert"])
        self.applications.update({f"{s}@audit": a for s, a in apps.items()})
        self.rounds["audit"] = NamingRound.objects.get(pk=naming_round.pk)
        # 集体研究, before the meeting: every application scored
        self._scored("decision", 15, 5)
        # 社会公示 running today: five in publicity (one objection waiting, one dismissed), one not selected
        applications = self._scored("publicity", 16, 6)
        self.deliberate("publicity", applications[:5])
        self.rounds["publicity"] = self._advance(self.rounds["publicity"], RoundPhase.PUBLICITY)
        waiting, dismissed = (decision_services.objection_submit(
            application, channel="phone", objector_kind="person", objector_name="林先生", contact="0663-8200000",
            facts="反映该工作室部分成员已调离原单位。", recorded_by=city) for application in applications[:2])
        decision_services.objection_handle(city, dismissed, upheld=False, handling="经核实，异议不成立。")
        self.objections = {"received": waiting, "dismissed": dismissed}
        # 社会公示 ended a while ago: waiting for its results to be confirmed; and one confirmed, ready for naming
        for label, offset in (("ended", 17), ("approved", 18)):
            applications = self._scored(label, offset, 5)
            self.deliberate(label, applications)
            with clock_at(TODAY - datetime.timedelta(days=30)):
                self.rounds[label] = self._advance(self.rounds[label], RoundPhase.PUBLICITY)
        decision_services.approve_after_publicity(self.rounds["approved"], city)
        self.rounds["expert_review"] = NamingRound.objects.get(phase=RoundPhase.EXPERT_REVIEW)
        self.rounds["concluded"] = NamingRound.objects.filter(phase=RoundPhase.CONCLUDED).latest("year")

    # Change requests: the closed states the demo does not show ------------------------------------------------

    def _changes(self):
        studio = (Studio.objects.filter(unit=self.unit, status__in=TITLED_STATES)
                  .exclude(changes__status__in=[ChangeStatus.SUBMITTED, ChangeStatus.RECOMMENDED]).order_by("pk").first())
        withdrawn = lifecycle_services.change_request_create(
            self.owner, studio, kind=ChangeKind.CANCEL, reason="other", explanation="单位调整", evidence=demo_evidence())
        lifecycle_services.change_withdraw(self.owner, withdrawn, from_status=ChangeStatus.SUBMITTED)
        rejected = lifecycle_services.change_request_create(
            self.owner, studio, kind=ChangeKind.CANCEL, reason="other", explanation="单位调整", evidence=demo_evidence())
        lifecycle_services.change_review(self.county, rejected, from_status=ChangeStatus.SUBMITTED, agree=False,
                                         comment="理由不足")


@pytest.fixture(scope="package")
def world(django_db_setup, django_db_blocker):
    """Built once for the package, inside a transaction rolled back after its last test."""
    with django_db_blocker.unblock(), override_settings(SESSION_IDLE_SECONDS=24 * 3600):
        with transaction.atomic():
            yield World()
            transaction.set_rollback(True)
