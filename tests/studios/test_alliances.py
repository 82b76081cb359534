"""Studio alliances (第十七条): formed and kept by the municipal union, titled studios only, each change logged."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.conflicts import Conflict
from core.models import Notification, TransitionLog
from reviews.errors import StaleAction
from studios import alliance_services as alliances
from studios import lifecycle_services as life
from studios.models import Alliance, AllianceMembership, JointProject, JointProjectStatus
from tests import factories
from unions.models import Role

TODAY = timezone.localdate()
FOUNDED = TODAY - datetime.timedelta(days=100)


@pytest.fixture
def world(root, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    county = factories.county_union("榕城区总工会")
    other_county = factories.county_union("普宁市总工会")
    unit = factories.unit_union(county, "揭阳市金叶机械制造有限公司工会")
    other_unit = factories.unit_union(other_county, "普宁市锦程纺织有限公司工会")
    return {
        "lead": factories.StudioFactory(unit=unit),
        "second": factories.StudioFactory(unit=other_unit),
        "third": factories.StudioFactory(unit=factories.unit_union(other_county)),
        "outsider": factories.StudioFactory(unit=factories.unit_union(county)),
        "city": factories.user_with_role(Role.MUNICIPAL_STAFF),
        "unit": factories.user_with_role(Role.UNIT_STAFF, unit),
        "other_unit": factories.user_with_role(Role.UNIT_STAFF, other_unit),
        "county": factories.user_with_role(Role.RECOMMENDING_STAFF, county),
        "expert": factories.user_with_role(Role.EXPERT),
        "admin": factories.user_with_role(Role.ADMIN),
    }


def found(world, name="智能制造创新工作室联盟", **extra):
    fields = {"field": "精密机械加工", "lead": world["lead"], "founded_on": FOUNDED, "description": "联合攻关。", **extra}
    return alliances.alliance_create(world["city"], name=name, **fields)


def with_members(world):
    alliance = found(world)
    for key in ("second", "third"):
        alliances.alliance_member_add(world["city"], alliance, studio=world[key], joined_on=TODAY)
    return alliance


def delist(world, studio):
    life.studio_delist(world["city"], studio, reason="5", facts="企业停产。", decision_number="揭工总〔2026〕9号",
                       decided_on=TODAY)


def test_an_alliance_is_founded_with_its_lead_as_first_member_logged_and_told(world):
    alliance = found(world)
    membership = AllianceMembership.objects.get(alliance=alliance)
    assert (membership.studio, membership.joined_on) == (world["lead"], FOUNDED)
    assert list(TransitionLog.objects.for_object(alliance).values_list("label", flat=True)) == ["成立工作室联盟"]
    assert TransitionLog.objects.for_object(world["lead"]).get().label == "领衔成立工作室联盟"
    assert Notification.objects.filter(recipient=world["unit"], title="工作室领衔成立了工作室联盟").exists()


def test_members_join_and_leave_on_both_histories_and_their_units_are_told(world):
    alliance = with_members(world)
    assert set(alliance.members.all()) == {world["lead"], world["second"], world["third"]}
    assert Notification.objects.filter(recipient=world["other_unit"], title="工作室加入了工作室联盟").exists()
    alliances.alliance_member_remove(world["city"], alliance, studio=world["second"])
    assert not alliance.memberships.filter(studio=world["second"]).exists()
    labels = list(TransitionLog.objects.for_object(alliance).values_list("label", flat=True))
    assert labels == ["成立工作室联盟", "成员工作室加入", "成员工作室加入", "成员工作室退出"]
    studio_labels = list(TransitionLog.objects.for_object(world["second"]).values_list("label", flat=True))
    assert studio_labels == ["加入工作室联盟", "退出工作室联盟"]
    assert Notification.objects.filter(recipient=world["other_unit"], title="工作室退出了工作室联盟").exists()


SERVICES = {
    "create": lambda w, a, actor: alliances.alliance_create(actor, name="另一个联盟", field="模具", lead=w["second"],
                                                            founded_on=TODAY),
    "update": lambda w, a, actor: alliances.alliance_update(actor, a, name="改名联盟", field="模具", lead=w["lead"],
                                                            founded_on=FOUNDED),
    "add": lambda w, a, actor: alliances.alliance_member_add(actor, a, studio=w["outsider"], joined_on=TODAY),
    "remove": lambda w, a, actor: alliances.alliance_member_remove(actor, a, studio=w["second"]),
    "project": lambda w, a, actor: alliances.joint_project_add(actor, a, title="夹具标准化", year=TODAY.year,
                                                               participants=[w["lead"], w["second"]]),
}


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("actor", ["unit", "county", "expert", "admin", "anonymous"])
def test_only_municipal_staff_keep_alliances_and_a_refusal_writes_nothing(world, service, actor):
    from django.contrib.auth.models import AnonymousUser

    alliance = with_members(world)
    logs, notices = TransitionLog.objects.count(), Notification.objects.count()
    user = AnonymousUser() if actor == "anonymous" else world[actor]
    with pytest.raises(PermissionDenied, match="市总工会"):
        SERVICES[service](world, alliance, user)
    assert Alliance.objects.get().name == "智能制造创新工作室联盟" and Alliance.objects.count() == 1
    assert alliance.memberships.count() == 3 and not JointProject.objects.exists()
    assert (TransitionLog.objects.count(), Notification.objects.count()) == (logs, notices)


def test_a_delisted_studio_can_neither_lead_nor_join(world):
    delist(world, world["second"])
    with pytest.raises(ValidationError) as error:
        found(world, lead=world["second"])
    assert "已摘牌" in error.value.message_dict["lead"][0] and "第十七条" in error.value.message_dict["lead"][0]
    alliance = found(world)
    with pytest.raises(ValidationError) as error:
        alliances.alliance_member_add(world["city"], alliance, studio=world["second"], joined_on=TODAY)
    assert "不能加入联盟" in error.value.message_dict["studio"][0]
    assert Alliance.objects.count() == 1 and alliance.memberships.count() == 1


def test_the_lead_cannot_leave_until_another_member_leads(world):
    alliance = with_members(world)
    with pytest.raises(Conflict, match="领衔工作室，不能移出"):
        alliances.alliance_member_remove(world["city"], alliance, studio=world["lead"])
    assert alliance.memberships.filter(studio=world["lead"]).exists()
    alliances.alliance_update(world["city"], alliance, name=alliance.name, field=alliance.field, lead=world["second"],
                              founded_on=FOUNDED)
    assert "更换领衔工作室" in TransitionLog.objects.for_object(alliance).values_list("label", flat=True)
    assert Notification.objects.filter(recipient=world["unit"], title="工作室联盟更换了领衔工作室").exists()
    alliances.alliance_member_remove(world["city"], alliance, studio=world["lead"])
    assert set(Alliance.objects.get().members.all()) == {world["second"], world["third"]}


def test_a_new_lead_must_be_a_titled_member(world):
    alliance = with_members(world)
    with pytest.raises(ValidationError) as error:
        alliances.alliance_update(world["city"], alliance, name=alliance.name, field="x", lead=world["outsider"],
                                  founded_on=FOUNDED)
    assert "不是本联盟成员" in error.value.message_dict["lead"][0]
    delist(world, world["third"])
    with pytest.raises(ValidationError, match="已摘牌"):
        alliances.alliance_update(world["city"], alliance, name=alliance.name, field="x", lead=world["third"],
                                  founded_on=FOUNDED)
    alliance.refresh_from_db()
    assert (alliance.lead, alliance.field) == (world["lead"], "精密机械加工")


def test_the_founding_date_stays_before_every_membership(world):
    alliance = with_members(world)
    with pytest.raises(ValidationError) as error:
        alliances.alliance_update(world["city"], alliance, name=alliance.name, field=alliance.field, lead=world["lead"],
                                  founded_on=TODAY)
    assert "成立日期不能晚于成员最早的加入日期" in error.value.message_dict["founded_on"][0]
    with pytest.raises(ValidationError) as error:
        alliances.alliance_member_add(world["city"], alliance, studio=world["outsider"],
                                      joined_on=FOUNDED - datetime.timedelta(days=1))
    assert "joined_on" in error.value.message_dict


def test_duplicates_and_double_submits_are_refused(world):
    alliance = with_members(world)
    with pytest.raises(ValidationError) as error:
        found(world, lead=world["second"])
    assert "已有名为“智能制造创新工作室联盟”的工作室联盟" in error.value.message_dict["name"][0]
    with pytest.raises(ValidationError, match="已是"):
        alliances.alliance_member_add(world["city"], alliance, studio=world["second"], joined_on=TODAY)
    alliances.alliance_member_remove(world["city"], alliance, studio=world["second"])
    with pytest.raises(StaleAction, match="已不是本联盟成员"):
        alliances.alliance_member_remove(world["city"], alliance, studio=world["second"])
    project = {"title": "夹具标准化", "year": TODAY.year, "participants": [world["lead"], world["third"]]}
    alliances.joint_project_add(world["city"], alliance, **project)
    with pytest.raises(ValidationError) as error:
        alliances.joint_project_add(world["city"], alliance, **project)
    assert "title" in error.value.message_dict
    assert Alliance.objects.count() == 1 and JointProject.objects.count() == 1
    assert alliance.memberships.count() == 2


def test_a_joint_projects_participants_are_titled_members(world):
    alliance = with_members(world)
    add = lambda **kw: alliances.joint_project_add(  # noqa: E731
        world["city"], alliance, **{"title": "在线检测", "year": TODAY.year, **kw})
    with pytest.raises(ValidationError) as error:
        add(participants=[world["lead"], world["outsider"]])
    assert "不是本联盟成员" in error.value.message_dict["participants"][0]
    with pytest.raises(ValidationError, match="至少两个"):
        add(participants=[world["lead"]])
    with pytest.raises(ValidationError) as error:
        add(participants=[world["lead"], world["second"]], status=JointProjectStatus.COMPLETED)
    assert "outcome" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        add(participants=[world["lead"], world["second"]], year=FOUNDED.year - 1)
    assert "year" in error.value.message_dict
    delist(world, world["second"])
    with pytest.raises(ValidationError, match="不再持有"):
        add(participants=[world["lead"], world["second"]])
    assert not JointProject.objects.exists()
    project = add(participants=[world["lead"], world["third"]], status=JointProjectStatus.COMPLETED,
                  outcome="形成企业标准 1 项。")
    assert set(project.participants.all()) == {world["lead"], world["third"]}
    assert TransitionLog.objects.for_object(alliance).filter(label="登记联合攻关项目").exists()
    assert Notification.objects.filter(title="工作室参加了联合攻关项目").count() == 1  # the third studio's unit has no staff
