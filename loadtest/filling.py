"""How the load-test users fill the application's form and an expert's scores: from what the page offers (its
select options and checkboxes, each criterion's maximum), as a person would. Plain Python, so the test suite
posts the same values through the real forms (tests/loadtest/test_filling.py)."""
import datetime
import itertools
import random
import re

from core.personal_data import synthetic_id_number
from loadtest.prepare import FIELDS, LEADER_GIVEN, LEADER_SURNAMES

# One 身份证号 per draft (one application per person per round), above the numbers prepare.py gives out.
_people = itertools.count(2_000_000)


def leader_name(rng=random):
    return rng.choice(LEADER_SURNAMES) + rng.choice(LEADER_GIVEN)


def first_draft(form, year, today=None, rng=random):
    """Every condition of 第五条 met for a round of `year`, on a new draft's form: two team members and the two
    results (the two years before the round) that the form's empty rows take."""
    today = today or datetime.date.today()
    field = rng.choice(FIELDS)
    leader = leader_name(rng)

    def choices(name):
        return [c for c in form.choices(name) if c]

    return {
        "leader_name": leader, "leader_gender": rng.choice(choices("leader_gender")),
        "leader_id_number": synthetic_id_number(next(_people)), "leader_mobile": f"139{rng.randrange(10 ** 8):08d}",
        "leader_job_title": "高级技师", "leader_honour": rng.choice(choices("leader_honour")),
        "leader_honour_year": "2021", "leader_honour_body": "揭阳市人民政府",
        "founded_on": f"{today.year - 4}-03-01", "organisation": "设攻关组、培训组、成果转化组",
        "venue_address": "厂区技术中心二楼", "venue_area": "150", "equipment": "加工中心、检测仪器、培训教室",
        "has_plaque": "on", "annual_plan": f"{year} 年围绕{field}攻关 3 项现场难题，开展 12 次技能培训。",
        "systems": choices("systems"), "systems_posted": "on", "training": "每月技能培训，导师带徒 10 对",
        "funding": "企业每年安排专项经费 20 万元", "demonstration": "总结推广先进操作法，带动班组开展群众性创新",
        "lower_naming": "county_studio", "lower_naming_date": f"{today.year - 2}-05-01",
        "lower_naming_body": "县级总工会", "not_rnd_declaration": "on",
        "members-0-name": f"{leader[0]}明", "members-0-role": "技术骨干", "members-0-job_title": "技师",
        "members-1-name": f"{leader[0]}华", "members-1-role": "技术骨干", "members-1-job_title": "高级工",
        "results-0-year": str(year - 2), "results-0-kind": "patent", "results-0-title": f"{field}专用夹具",
        "results-0-patent_number": f"ZL{year - 2}10000123.4", "results-0-level": "national",
        "results-0-issuing_body": "国家知识产权局",
        "results-1-year": str(year - 1), "results-1-kind": "recognition", "results-1-title": f"{field}工艺改进",
        "results-1-level": "municipal", "results-1-issuing_body": "揭阳市科学技术局",
    }


def scores(form, rng=random):
    """Points for each criterion of the score form, between 60 % and 95 % of the maximum its input states."""
    points = {f.name: f"{float(f.attrs['max']) * rng.uniform(0.6, 0.95):.1f}"
              for f in form.fields if re.fullmatch(r"c\d+", f.name)}
    points["comment"] = "团队结构合理，攻关成果有推广价值，建议加强成果转化。"
    return points
