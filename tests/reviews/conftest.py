import datetime

import pytest

from reviews import application_services as apps
from reviews import services
from reviews.models import NamingRound, RoundPhase, SystemKind
from tests import factories
from unions.models import Role


@pytest.fixture
def city(root, published_rules):
    return factories.user_with_role(Role.MUNICIPAL_STAFF)


@pytest.fixture
def county(root):
    return factories.county_union("榕城区总工会")


@pytest.fixture
def unit(county):
    return factories.unit_union(county, "揭阳市金叶机械制造有限公司工会")


@pytest.fixture
def unit_user(unit):
    return factories.user_with_role(Role.UNIT_STAFF, unit)


@pytest.fixture
def county_user(county):
    return factories.user_with_role(Role.RECOMMENDING_STAFF, county)


def advance_to(city, naming_round, phase):
    naming_round = NamingRound.objects.get(pk=naming_round.pk)  # the caller's copy may be stale
    while naming_round.phase != phase:
        naming_round = services.round_advance(city, naming_round, from_phase=naming_round.phase)
    return naming_round


@pytest.fixture
def open_round(city):
    return advance_to(city, services.round_create(city, year=2026), RoundPhase.APPLICATION)


COMPLETE = {
    "leader_name": "陈伟", "leader_gender": "male", "leader_id_number": factories.id_number(1),
    "leader_mobile": "13812345678", "leader_job_title": "数控车间主任",
    "leader_honour": "provincial_model", "leader_honour_year": 2020, "leader_honour_body": "广东省人民政府",
    "founded_on": datetime.date(2021, 3, 1), "organisation": "设攻关组、培训组、成果转化组",
    "venue_address": "金叶机械二号厂房三楼", "venue_area": 120, "equipment": "五轴加工中心、三坐标测量仪",
    "has_plaque": True, "annual_plan": "2026 年攻关 3 项工艺难题", "systems": [k.value for k in SystemKind],
    "systems_posted": True, "training": "每月技能培训，导师带徒 12 对", "funding": "企业每年投入 30 万元",
    "demonstration": "推广陈伟数控操作法", "lower_naming": "county_studio",
    "lower_naming_date": datetime.date(2023, 5, 1), "lower_naming_body": "榕城区总工会", "not_rnd_declaration": True,
}
MEMBERS = [{"name": n, "role": "攻关组", "job_title": "技师"} for n in ("黄志明", "吴晓东", "林海")]
RESULTS = [
    {"year": 2024, "kind": "patent", "title": "一种夹具", "patent_number": "ZL202410000001.1", "level": "national",
     "issuing_body": "国家知识产权局"},
    {"year": 2025, "kind": "recognition", "title": "数控工艺改进", "patent_number": "", "level": "municipal",
     "issuing_body": "揭阳市科技局"},
]


def complete_draft(unit_user, naming_round, **changes):
    """A draft meeting every condition; each leader a different person (their own 身份证号) unless given."""
    application = apps.application_create(unit_user, naming_round)
    identity = {"leader_id_number": factories.id_number(), "leader_mobile": factories.mobile()}
    return apps.application_save(unit_user, application, {**COMPLETE, **identity, **changes}, MEMBERS, RESULTS)
