"""A leader's 身份证号 and mobile on a named studio: asked for with a new leader (第七条), the person kept as one
record, corrected by the unit or the city and by no one else, and logged masked."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.models import TransitionLog
from studios import lifecycle_services as life
from studios.leaders import leader_identity_update
from studios.models import ChangeRequest, ChangeStatus, Leader, Studio, StudioStatus
from tests import factories
from tests.studios.test_lifecycle import NEW_LEADER, ask, through_review, world  # noqa: F401

NUMBER = "445202198003150036"


def test_a_new_leader_comes_with_a_valid_identity_number_and_mobile(world):  # noqa: F811
    with pytest.raises(ValidationError) as error:
        ask(world, new_leader_id_number="", new_leader_mobile="")
    assert error.value.message_dict["new_leader_id_number"] == ["更换领衔人时请填写新领衔人身份证号。"]
    assert error.value.message_dict["new_leader_mobile"] == ["更换领衔人时请填写新领衔人手机号。"]
    with pytest.raises(ValidationError) as error:
        ask(world, new_leader_id_number="445202199902301234", new_leader_mobile="1381234567")
    assert "新领衔人身份证号不正确：第 7 至 14 位的出生日期不存在（GB 11643-1999）。" in error.value.messages
    assert "新领衔人手机号应为 11 位手机号码：以 1 开头，第二位为 3 至 9。" in error.value.messages
    assert not ChangeRequest.objects.exists()
    # a rename keeps the person: no number asked
    change = ask(world, kind="rename", new_leader_name="陈卫", new_leader_honour="", new_leader_id_number="")
    assert change.new_leader_id_number == ""


def test_the_new_leader_must_be_someone_else_and_lead_no_other_titled_studio(world):  # noqa: F811
    leader = world["studio"].leader
    leader.id_number = NUMBER
    leader.save()
    with pytest.raises(ValidationError, match="新领衔人与现领衔人的身份证号相同"):
        ask(world, new_leader_id_number=NUMBER)
    other = factories.StudioFactory(leader__id_number="44520219850715003X")
    with pytest.raises(ValidationError, match="已领衔另一家市级创新工作室"):
        ask(world, new_leader_id_number="44520219850715003x")
    Studio.objects.filter(pk=other.pk).update(status=StudioStatus.DELISTED)
    change = through_review(world, ask(world, new_leader_id_number="44520219850715003X"))
    life.change_decide(world["city"], change, from_status=ChangeStatus.RECOMMENDED, approve=True)
    studio = Studio.objects.get(pk=world["studio"].pk)
    assert studio.leader_id == other.leader_id  # the same person, one record, brought up to date
    assert (studio.leader.name, studio.leader.unit_id) == ("林海", studio.unit_id)
    assert studio.leader.mobile == NEW_LEADER["new_leader_mobile"]


def test_the_unit_and_the_city_correct_the_numbers_and_the_history_shows_them_masked(world):  # noqa: F811
    studio = world["studio"]
    leader_identity_update(world["unit"], studio, id_number=NUMBER, mobile="13812345678")
    leader_identity_update(world["city"], studio, id_number=NUMBER, mobile="13912345678")
    leader = Leader.objects.get(pk=studio.leader_id)
    assert (leader.id_number, leader.mobile) == (NUMBER, "13912345678")
    comments = list(TransitionLog.objects.for_object(studio).values_list("comment", flat=True))
    assert comments == ["身份证号 — → 4452**********0036；手机号 — → 138****5678", "手机号 138****5678 → 139****5678"]
    for who in ("county", "other_unit", "expert", "admin"):
        with pytest.raises(PermissionDenied):
            leader_identity_update(world[who], studio, id_number=NUMBER, mobile="13700000000")
    assert Leader.objects.get(pk=studio.leader_id).mobile == "13912345678"


def test_a_number_already_on_another_leader_is_refused_without_saying_where(world):  # noqa: F811
    factories.StudioFactory(leader__id_number=NUMBER, name="某人劳模和工匠人才创新工作室")
    with pytest.raises(ValidationError) as error:
        leader_identity_update(world["unit"], world["studio"], id_number=NUMBER, mobile="13812345678")
    assert error.value.message_dict["id_number"] == ["该身份证号已登记在另一位领衔人名下，请核对；确为同一人时请联系市总工会。"]
    assert "某人" not in str(error.value)


def test_the_correction_page(world, login):  # noqa: F811
    studio = world["studio"]
    url = reverse("studios:leader_identity", args=[studio.pk])
    unit = login(world["unit"])
    assert "更正身份证号和手机号" in unit.get(reverse("studios:detail", args=[studio.pk])).content.decode()
    response = unit.get(url)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    page = unit.post(url, {"id_number": "445202198003150037", "mobile": "12345678901"}).content.decode()
    assert "身份证号不正确：最后一位校验码不符，请逐位核对（GB 11643-1999）。" in page
    assert "手机号应为 11 位手机号码：以 1 开头，第二位为 3 至 9。" in page
    assert unit.post(url, {"id_number": NUMBER, "mobile": "138 1234 5678"}).status_code == 302
    assert Leader.objects.get(pk=studio.leader_id).mobile == "13812345678"
    county = login(world["county"])
    assert county.get(url).status_code == 403
    assert "更正身份证号和手机号" not in county.get(reverse("studios:detail", args=[studio.pk])).content.decode()
    assert county.post(url, {"id_number": NUMBER, "mobile": "13700000000"}).status_code == 403
    assert Leader.objects.get(pk=studio.leader_id).mobile == "13812345678"
