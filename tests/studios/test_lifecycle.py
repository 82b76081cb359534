"""A named studio's changes (第七条) and delisting (第八条): each step by its role, checked, logged, told."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.conflicts import Conflict
from core.models import Notification, TransitionLog
from reviews.errors import StaleAction
from studios import lifecycle_services as life
from studios.models import (
    ChangeRequest, ChangeStatus, Delisting, FormerName, Leader, Studio, StudioStatus,
)
from tests import factories
from unions.models import Role

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def evidence(name="离职证明.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def world(root, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    county = factories.county_union("榕城区总工会")
    unit = factories.unit_union(county, "揭阳市金叶机械制造有限公司工会")
    studio = factories.StudioFactory(unit=unit, leader=factories.LeaderFactory(unit=unit, name="陈伟"),
                                     name="陈伟劳模和工匠人才创新工作室")
    other_county = factories.county_union("普宁市总工会")
    return {
        "studio": studio,
        "unit": factories.user_with_role(Role.UNIT_STAFF, unit),
        "other_unit": factories.user_with_role(Role.UNIT_STAFF, factories.unit_union(county)),
        "county": factories.user_with_role(Role.RECOMMENDING_STAFF, county),
        "other_county": factories.user_with_role(Role.RECOMMENDING_STAFF, other_county),
        "city": factories.user_with_role(Role.MUNICIPAL_STAFF),
        "expert": factories.user_with_role(Role.EXPERT),
        "admin": factories.user_with_role(Role.ADMIN),
    }


NEW_LEADER = factories.NEW_LEADER


def ask(world, kind="change_leader", **extra):
    fields = {"reason": "retired", "explanation": "陈伟同志已于今年退休，由林海同志接任领衔人。", **NEW_LEADER, **extra}
    return life.change_request_create(world["unit"], world["studio"], kind=kind, evidence=evidence(), **fields)


def through_review(world, change):
    return life.change_review(world["county"], change, from_status=ChangeStatus.SUBMITTED, agree=True)


def test_a_leader_change_renames_the_studio_by_article_6_and_keeps_the_old_name(world):
    change = through_review(world, ask(world))
    assert Notification.objects.filter(recipient=world["city"], title__contains="待审批").exists()
    life.change_decide(world["city"], change, from_status=ChangeStatus.RECOMMENDED, approve=True)
    studio = Studio.objects.get(pk=world["studio"].pk)
    assert studio.name == "林海劳模和工匠人才创新工作室" and studio.leader.name == "林海"
    assert studio.leader.honour == "municipal_craftsman" and studio.status == StudioStatus.ACTIVE
    former = FormerName.objects.get(studio=studio)
    assert (former.name, former.leader_name, former.until) == ("陈伟劳模和工匠人才创新工作室", "陈伟", timezone.localdate())
    assert Leader.objects.filter(name="陈伟").exists()  # the person stays on record
    labels = list(TransitionLog.objects.for_object(studio).values_list("label", flat=True))
    assert labels == ["提出变更申请：更换领衔人", "推荐单位审核同意变更：更换领衔人", "市总工会批准变更：更换领衔人"]
    assert Notification.objects.filter(recipient=world["unit"], title="变更申请已批准").exists()


def test_a_rename_follows_the_leaders_new_name(world):
    change = through_review(world, ask(world, kind="rename", new_leader_name="陈卫", new_leader_honour=""))
    life.change_decide(world["city"], change, from_status=ChangeStatus.RECOMMENDED, approve=True)
    studio = Studio.objects.get(pk=world["studio"].pk)
    assert studio.name == "陈卫劳模和工匠人才创新工作室" and studio.leader.name == "陈卫"
    assert studio.former_names.get().name == "陈伟劳模和工匠人才创新工作室"


def test_an_approved_cancellation_takes_the_studio_off_the_registry_with_the_date(world, client):
    change = through_review(world, ask(world, kind="cancel", reason="deceased", explanation="领衔人因病去世，团队解散。"))
    life.change_decide(world["city"], change, from_status=ChangeStatus.RECOMMENDED, approve=True)
    studio = Studio.objects.get(pk=world["studio"].pk)
    assert studio.status == StudioStatus.CANCELLED and studio.ended_on == timezone.localdate()
    assert "陈伟劳模和工匠人才创新工作室" not in client.get("/public/registry/").content.decode()


def test_delisting_on_the_units_request_needs_the_decision_number(world):
    change = through_review(world, ask(world, kind="delist", reason="other", explanation="企业转产，申请摘牌。"))
    with pytest.raises(ValidationError, match="文号格式"):
        life.change_decide(world["city"], change, from_status=ChangeStatus.RECOMMENDED, approve=True,
                           decision_number="揭工总[2026]5号")
    assert ChangeRequest.objects.get(pk=change.pk).status == ChangeStatus.RECOMMENDED
    life.change_decide(world["city"], change, from_status=ChangeStatus.RECOMMENDED, approve=True,
                       decision_number="揭工总〔2026〕5号")
    delisting = Delisting.objects.get()
    assert delisting.reason == "5" and delisting.change_request_id == change.pk
    assert Studio.objects.get(pk=world["studio"].pk).status == StudioStatus.DELISTED


@pytest.mark.parametrize("reason", ["1", "2", "3", "4", "5"])
def test_municipal_staff_delist_for_each_reason_of_article_8(world, reason):
    life.studio_delist(world["city"], world["studio"], reason=reason, facts="经调查核实。",
                       decision_number="揭工总〔2026〕9号", decided_on=timezone.localdate(),
                       evidence=evidence("调查报告.pdf"))
    studio = Studio.objects.get(pk=world["studio"].pk)
    assert studio.status == StudioStatus.DELISTED and studio.ended_on == timezone.localdate()
    assert studio.delisting.get_reason_display().startswith(f"（{'一二三四五'[int(reason) - 1]}）")
    assert studio.delisting.evidence_name == "调查报告.pdf" and "调查报告" not in studio.delisting.evidence.name


def test_delisting_refuses_bad_input_and_changes_nothing(world):
    cases = [
        ({"reason": "6"}, "reason"), ({"facts": " "}, "facts"), ({"decision_number": "揭工总〔2026〕05号"}, "decision_number"),
        ({"decided_on": timezone.localdate() + datetime.timedelta(days=1)}, "decided_on"),
    ]
    for change, field in cases:
        data = {"reason": "3", "facts": "弄虚作假。", "decision_number": "揭工总〔2026〕9号",
                "decided_on": timezone.localdate(), **change}
        with pytest.raises(ValidationError) as error:
            life.studio_delist(world["city"], world["studio"], **data)
        assert field in error.value.message_dict
    assert Studio.objects.get(pk=world["studio"].pk).status == StudioStatus.ACTIVE and not Delisting.objects.exists()


def test_delisting_closes_an_open_change_and_cannot_happen_twice(world):
    change = ask(world)
    data = {"reason": "2", "facts": "发生重大安全生产事故。", "decision_number": "揭工总〔2026〕9号",
            "decided_on": timezone.localdate()}
    life.studio_delist(world["city"], world["studio"], **data)
    assert ChangeRequest.objects.get(pk=change.pk).status == ChangeStatus.REJECTED
    with pytest.raises(StaleAction):
        life.studio_delist(world["city"], world["studio"], **data)
    with pytest.raises(Conflict, match="已摘牌"):
        ask(world)


@pytest.mark.parametrize("actor", ["other_unit", "county", "city", "expert", "admin"])
def test_only_the_studios_unit_asks_for_a_change(world, actor):
    with pytest.raises(PermissionDenied):
        life.change_request_create(world[actor], world["studio"], kind="cancel", reason="other",
                                   explanation="说明", evidence=evidence())
    assert not ChangeRequest.objects.exists() and not TransitionLog.objects.exists()


@pytest.mark.parametrize("actor", ["unit", "other_county", "city", "admin"])
def test_only_the_recommending_union_reviews(world, actor):
    change = ask(world)
    with pytest.raises(PermissionDenied):
        life.change_review(world[actor], change, from_status=ChangeStatus.SUBMITTED, agree=True)
    assert ChangeRequest.objects.get(pk=change.pk).status == ChangeStatus.SUBMITTED


@pytest.mark.parametrize("actor", ["unit", "county", "expert", "admin"])
def test_only_municipal_staff_approve_or_delist(world, actor):
    change = through_review(world, ask(world))
    with pytest.raises(PermissionDenied):
        life.change_decide(world[actor], change, from_status=ChangeStatus.RECOMMENDED, approve=True)
    with pytest.raises(PermissionDenied):
        life.studio_delist(world[actor], world["studio"], reason="3", facts="x", decision_number="揭工总〔2026〕9号",
                           decided_on=timezone.localdate())
    studio = Studio.objects.get(pk=world["studio"].pk)
    assert studio.name == "陈伟劳模和工匠人才创新工作室" and studio.status == StudioStatus.ACTIVE


def test_the_city_cannot_approve_what_the_county_has_not_reviewed(world):
    change = ask(world)
    with pytest.raises(StaleAction):
        life.change_decide(world["city"], change, from_status=ChangeStatus.RECOMMENDED, approve=True)
    with pytest.raises(Conflict, match="推荐单位已审核同意"):
        life.change_decide(world["city"], change, from_status=ChangeStatus.SUBMITTED, approve=True)
    assert Studio.objects.get(pk=world["studio"].pk).name == "陈伟劳模和工匠人才创新工作室"


def test_a_request_must_say_what_why_and_prove_it(world):
    with pytest.raises(ValidationError) as error:
        life.change_request_create(world["unit"], world["studio"], kind="x", reason="", explanation=" ", evidence=None)
    assert set(error.value.message_dict) == {"kind", "reason", "explanation", "evidence"}
    with pytest.raises(ValidationError) as error:
        ask(world, new_leader_honour="", new_leader_honour_year=None)
    assert {"new_leader_honour", "new_leader_honour_year"} <= set(error.value.message_dict)
    factories.StudioFactory(leader=factories.LeaderFactory(name="林海"))
    with pytest.raises(ValidationError, match="已有名为“林海劳模和工匠人才创新工作室”的工作室"):
        ask(world)
    with pytest.raises(ValidationError, match="内容与文件类型不符"):
        life.change_request_create(world["unit"], world["studio"], kind="cancel", reason="other", explanation="说明",
                                   evidence=evidence("伪装.pdf", b"MZ\x90\x00 not a pdf"))
    assert not ChangeRequest.objects.exists()


def test_one_open_request_at_a_time_and_withdrawal_before_review(world):
    change = ask(world)
    with pytest.raises(StaleAction, match="已有一份待审批的变更申请"):
        ask(world, kind="cancel")
    life.change_withdraw(world["unit"], change, from_status=ChangeStatus.SUBMITTED, comment="暂不变更")
    assert ChangeRequest.objects.get(pk=change.pk).status == ChangeStatus.WITHDRAWN
    second = through_review(world, ask(world, kind="cancel"))
    with pytest.raises(Conflict, match="审核后不能再撤回"):
        life.change_withdraw(world["unit"], second, from_status=ChangeStatus.RECOMMENDED)


def test_disagreement_needs_a_reason_and_ends_the_request(world):
    change = ask(world)
    with pytest.raises(ValidationError):
        life.change_review(world["county"], change, from_status=ChangeStatus.SUBMITTED, agree=False, comment="")
    life.change_review(world["county"], change, from_status=ChangeStatus.SUBMITTED, agree=False,
                       comment="新领衔人尚未取得市级工匠称号。")
    assert ChangeRequest.objects.get(pk=change.pk).status == ChangeStatus.REJECTED
    assert Notification.objects.filter(recipient=world["unit"], title__contains="未获推荐单位同意").exists()


def test_approving_a_new_name_another_studio_took_meanwhile_is_refused_and_changes_nothing(world):
    """The name is checked when the unit asks and again at the approval (第六条: names are unique)."""
    change = through_review(world, ask(world))
    factories.StudioFactory(leader=factories.LeaderFactory(name="林海"), name="林海劳模和工匠人才创新工作室")
    logs = TransitionLog.objects.count()
    with pytest.raises(ValidationError, match="已有名为“林海劳模和工匠人才创新工作室”的工作室"):
        life.change_decide(world["city"], change, from_status=ChangeStatus.RECOMMENDED, approve=True)
    assert Studio.objects.get(pk=world["studio"].pk).name == "陈伟劳模和工匠人才创新工作室"
    assert ChangeRequest.objects.get(pk=change.pk).status == ChangeStatus.RECOMMENDED
    assert not FormerName.objects.exists() and TransitionLog.objects.count() == logs
