"""The leader's 身份证号 and mobile on the application (第五条(一)): required to submit, one application per person in
a round, none for a person already leading a titled studio (第六条), and carried to the named studio's leader, the
same row when the person led a studio before. Found by the blind index, never by the number."""
import datetime

import pytest
from django.urls import reverse

from reviews import application_services as apps
from reviews import decision_services as decisions
from reviews.models import Application, ApplicationStatus
from studios.models import Leader, Studio, StudioStatus
from tests import factories
from tests.reviews.conftest import complete_draft
from tests.reviews.test_decision_and_naming import _in_publicity, scored  # noqa: F401
from tests.reviews.test_application_views import _form_data
from unions.models import Role


def _reasons(application):
    return " ".join(r for check in apps.eligibility(Application.objects.get(pk=application.pk)) for r in check.reasons)


def test_an_application_without_the_leaders_numbers_cannot_be_submitted(unit_user, open_round):
    application = complete_draft(unit_user, open_round, leader_id_number="", leader_mobile="")
    assert "未填写领衔人身份证号" in _reasons(application) and "未填写领衔人手机号" in _reasons(application)
    with pytest.raises(Exception, match="未填写领衔人身份证号"):
        apps.application_submit(unit_user, application, from_status=ApplicationStatus.DRAFT)


def test_one_person_leads_one_application_in_a_round(unit_user, open_round):
    number = factories.id_number()
    first = complete_draft(unit_user, open_round, leader_id_number=number)
    other_unit = factories.user_with_role(Role.UNIT_STAFF, factories.unit_union())
    second = complete_draft(other_unit, open_round, leader_name="陈卫", leader_id_number=number)
    assert "本批次已有另一份申报以同一人" in _reasons(second) and "本批次已有另一份申报以同一人" in _reasons(first)
    apps.application_withdraw(unit_user, first, from_status=ApplicationStatus.DRAFT, comment="改由陈卫所在单位申报。")
    assert "本批次已有另一份申报" not in _reasons(second)  # a withdrawn one no longer counts


def test_a_person_leading_a_titled_studio_cannot_lead_an_application(unit_user, open_round):
    number = factories.id_number()
    studio = factories.StudioFactory(leader__id_number=number)
    application = complete_draft(unit_user, open_round, leader_id_number=number)
    assert f"该领衔人已领衔“{studio.name}”" in _reasons(application)
    Studio.objects.filter(pk=studio.pk).update(status=StudioStatus.CANCELLED)
    assert "已领衔" not in _reasons(application)


def test_the_form_checks_the_numbers_and_names_the_field(unit_user, open_round, login):
    application = apps.application_create(unit_user, open_round)
    client = login(unit_user)
    page = client.post(reverse("reviews:application_edit", args=[application.pk]), _form_data(
        leader_id_number="445202198003150037", leader_mobile="12812345678", **{"members-0-mobile": "138"})
    ).content.decode()
    assert "领衔人身份证号不正确：最后一位校验码不符" in page and "GB 11643-1999" in page
    assert "领衔人手机号应为 11 位手机号码" in page and "手机号应为 11 位手机号码" in page
    assert Application.objects.get(pk=application.pk).leader_id_number == ""
    response = client.post(reverse("reviews:application_edit", args=[application.pk]), _form_data(
        leader_id_number="44520219850715003x", leader_mobile="138 1234 5678", **{"members-0-mobile": "13912345678"}))
    assert response.status_code == 302
    saved = Application.objects.get(pk=application.pk)
    assert (saved.leader_id_number, saved.leader_mobile) == ("44520219850715003X", "13812345678")
    assert saved.members.get(name="黄志明").mobile == "13912345678"


def test_naming_carries_the_numbers_and_keeps_one_leader_per_person(city, scored):  # noqa: F811
    chen = Application.objects.get(leader_name="陈伟")
    # 陈伟 led a studio before, cancelled since: naming him again updates that leader, it does not make a second one
    earlier = factories.StudioFactory(leader__name="陈伟（原）", leader__id_number=chen.leader_id_number,
                                      status=StudioStatus.CANCELLED, name="陈伟（原）劳模和工匠人才创新工作室")
    naming_round = _in_publicity(city, scored)
    decisions.approve_after_publicity(naming_round, city, today=naming_round.publicity_end + datetime.timedelta(1))
    decisions.naming_issue(city, naming_round, decision_number="揭工总〔2026〕12号",
                           decision_date=datetime.date(2026, 12, 1))
    studio = Studio.objects.select_related("leader").get(name="陈伟劳模和工匠人才创新工作室")
    assert studio.leader_id == earlier.leader_id
    assert (studio.leader.name, studio.leader.unit_id) == ("陈伟", chen.unit_id)
    assert (studio.leader.id_number, studio.leader.mobile) == (chen.leader_id_number, chen.leader_mobile)
    assert Leader.objects.filter(name__startswith="陈伟").count() == 1
    lin = Studio.objects.get(name="林芳劳模和工匠人才创新工作室")
    application = Application.objects.get(leader_name="林芳")
    assert (lin.leader.id_number, lin.leader.mobile) == (application.leader_id_number, application.leader_mobile)
    assert lin.leader_id != studio.leader_id
