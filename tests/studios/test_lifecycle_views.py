"""The pages of a studio's changes and delisting: forms, actions by role, scoping, history, query counts."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from studios import lifecycle_services as life
from studios.models import ChangeRequest, ChangeStatus, Studio, StudioStatus
from tests import factories
from tests.studios.test_lifecycle import NEW_LEADER, ask, evidence, world  # noqa: F401
from unions.models import Role


def test_a_leader_change_through_the_pages(world, login):
    unit = login(world["unit"])
    studio = world["studio"]
    assert "申请变更" in unit.get(reverse("studios:detail", args=[studio.pk])).content.decode()
    response = unit.post(reverse("studios:change_new", args=[studio.pk]), {
        "kind": "change_leader", "reason": "retired", "explanation": "陈伟同志退休。", **NEW_LEADER,
        "evidence": evidence()})
    assert response.status_code == 302
    change = ChangeRequest.objects.get()
    county = login(world["county"])
    page = county.get(reverse("studios:detail", args=[studio.pk])).content.decode()
    assert "审核同意，报市总工会" in page and "林海劳模和工匠人才创新工作室" in page
    county.post(reverse("studios:change_action", args=[change.pk, "agree"]), {"from_status": "submitted"})
    again = county.post(reverse("studios:change_action", args=[change.pk, "agree"]), {"from_status": "submitted"})
    assert again.status_code == 409 and "可能已由他人处理" in again.content.decode()  # a double submit acts once
    city = login(world["city"])
    city.post(reverse("studios:change_action", args=[change.pk, "approve"]), {"from_status": "recommended"})
    studio = Studio.objects.get(pk=studio.pk)
    assert studio.name == "林海劳模和工匠人才创新工作室"
    page = city.get(reverse("studios:detail", args=[studio.pk])).content.decode()
    assert "曾用名" in page and "陈伟劳模和工匠人才创新工作室" in page and "市总工会批准变更：更换领衔人" in page


def test_form_errors_are_shown_on_their_fields_and_nothing_is_saved(world, login):
    page = login(world["unit"]).post(reverse("studios:change_new", args=[world["studio"].pk]), {
        "kind": "change_leader", "reason": "left", "explanation": "离职。", "new_leader_name": "",
        "evidence": evidence()}).content.decode()
    assert "请填写新领衔人的姓名" in page and "请选择新领衔人的荣誉称号" in page
    assert not ChangeRequest.objects.exists()


def test_delisting_through_the_page(world, login):
    city = login(world["city"])
    response = city.post(reverse("studios:delist", args=[world["studio"].pk]), {
        "reason": "3", "facts": "经查，申报材料中两项专利系伪造。", "decision_number": "揭工总〔2026〕9号",
        "decided_on": timezone.localdate().isoformat(), "evidence": evidence("调查报告.pdf")})
    assert response.status_code == 302
    page = city.get(reverse("studios:detail", args=[world["studio"].pk])).content.decode()
    assert "摘牌决定" in page and "（三）创新工作室及其成员弄虚作假，骗取荣誉的" in page and "调查报告.pdf" in page
    delisting = world["studio"].__class__.objects.get(pk=world["studio"].pk).delisting
    download = city.get(reverse("studios:delisting_evidence", args=[delisting.pk]))
    assert download.status_code == 200 and "no-store" in download["Cache-Control"]


@pytest.mark.parametrize("role", [Role.UNIT_STAFF, Role.RECOMMENDING_STAFF, Role.ADMIN])
def test_only_municipal_staff_open_the_delisting_page(world, login, role):
    user = {Role.UNIT_STAFF: world["unit"], Role.RECOMMENDING_STAFF: world["county"], Role.ADMIN: world["admin"]}[role]
    client = login(user)
    assert client.get(reverse("studios:delist", args=[world["studio"].pk])).status_code == 403
    assert client.post(reverse("studios:delist", args=[world["studio"].pk]), {
        "reason": "5", "facts": "x", "decision_number": "揭工总〔2026〕9号",
        "decided_on": timezone.localdate().isoformat()}).status_code == 403
    assert Studio.objects.get(pk=world["studio"].pk).status == StudioStatus.ACTIVE


def test_another_unions_studio_and_change_are_404(world, login):
    change = ask(world)
    for user in (world["other_unit"], world["other_county"]):
        client = login(user)
        assert client.get(reverse("studios:change_new", args=[world["studio"].pk])).status_code == 404
        assert client.post(reverse("studios:change_action", args=[change.pk, "agree"]),
                           {"from_status": "submitted"}).status_code == 404
        assert client.get(reverse("studios:change_evidence", args=[change.pk])).status_code == 404
    assert ChangeRequest.objects.get(pk=change.pk).status == ChangeStatus.SUBMITTED


def test_the_change_list_and_the_studio_page_keep_their_query_counts(world, login):
    client = login(world["city"])

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    ask(world)
    studio_url = reverse("studios:detail", args=[world["studio"].pk])
    one_list, one_page = count(reverse("studios:change_list")), count(studio_url)
    for n in range(3):
        studio = factories.StudioFactory(unit=world["studio"].unit)
        life.change_request_create(world["unit"], studio, kind="cancel", reason="other", explanation="说明",
                                   evidence=evidence())
    life.change_withdraw(world["unit"], ChangeRequest.objects.get(studio=world["studio"]), from_status="submitted")
    ask(world, kind="cancel")
    assert count(reverse("studios:change_list")) == one_list
    assert count(studio_url) == one_page


def test_the_request_form_is_not_offered_while_a_request_is_open(world, login):
    ask(world)
    response = login(world["unit"]).get(reverse("studios:change_new", args=[world["studio"].pk]), follow=True)
    assert "已有一份待审批的变更申请" in response.content.decode()
    assert "申请变更</a>" not in response.content.decode()
