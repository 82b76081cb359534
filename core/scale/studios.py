"""Synthetic leaders, studios (named over the past rounds' years, in every status) and about ten members each.

Personal data: every leader's 身份证号 is distinct (one leader per number, enforced by the blind index), so each
is encrypted on its own (about 20 µs a value). Mobile numbers need not be distinct: leaders and a third of the
members draw theirs from a small pool of tokens encrypted once, and the other members leave it empty, as the
field allows; encrypting a million values one by one would take longer than the rest of the seeding.
"""
import datetime

from core import encryption
from core.personal_data import synthetic_id_number
from core.personal_fields import index_of
from studios.models import HonourKind, Leader, Member, MemberRole, Studio, StudioStatus, studio_name_for

from . import copy, names
from .tree import unit_of

MOBILE_POOL = 64
HONOURS = list(HonourKind)
# Out of every 100 studios: 90 active, 4 rectifying, 4 cancelled and 2 delisted.
STATUS_BY_HUNDRED = [StudioStatus.ACTIVE] * 90 + [StudioStatus.RECTIFYING] * 4 + [StudioStatus.CANCELLED] * 4 + \
    [StudioStatus.DELISTED] * 2


def mobile_pool():
    return [encryption.encrypt(f"13{i % 10}{88000000 + i:08d}") for i in range(MOBILE_POOL)]


def leader_id_number(studio):
    # one above the old `--scale` numbering, below the other applications' numbers (applications.py)
    return synthetic_id_number(studio + 1)


def members_of(studio):
    """5 to 15, ten on average."""
    return 5 + studio % 11


def ensure_studios(first, last, units, named_year, decision_number, named_at, mobiles):
    """Leaders, studios and members of synthetic studios first…last-1; returns ({studio: (studio id, leader id,
    id token, id index)}, rows written by table)."""
    leader_ids, studio_ids = copy.next_ids(Leader, last - first), copy.next_ids(Studio, last - first)
    out, leaders, studios = {}, [], []
    for leader_pk, studio_pk, s in zip(leader_ids, studio_ids, range(first, last)):
        name, unit, year = names.person(s), units[unit_of(s)], named_year(s)
        plain = leader_id_number(s)
        token, index = encryption.encrypt(plain), index_of(Leader, "id_number_index", plain)
        at = named_at(s)
        leaders.append((leader_pk, name, "male" if s % 3 else "female", unit, names.JOBS[s % len(names.JOBS)],
                        HONOURS[s % len(HONOURS)], year - 1 - s % 5, token, index, mobiles[s % len(mobiles)], at))
        status = STATUS_BY_HUNDRED[s % 100]
        ended = (at + datetime.timedelta(days=400 + s % 300)).date() if status in (
            StudioStatus.CANCELLED, StudioStatus.DELISTED) else None
        field = names.FIELDS[s % len(names.FIELDS)]
        studios.append((studio_pk, studio_name_for(name), unit, leader_pk, status, ended, year, decision_number(s),
                        field, datetime.date(year - 3, 1 + s % 12, 1), "厂区技术中心", f"围绕{field}开展攻关和培训。",
                        at, at))
        out[s] = (studio_pk, leader_pk, token, index)
    written = {
        "领衔人": copy.write(Leader, ["id", "name", "gender", "unit", "job_title", "honour", "honour_year",
                                       "id_number", "id_number_index", "mobile", "created_at"], leaders),
        "工作室": copy.write(Studio, ["id", "name", "unit", "leader", "status", "ended_on", "named_year",
                                       "decision_number", "field", "founded_on", "address", "description",
                                       "created_at", "updated_at"], studios),
    }

    def members():
        for s in range(first, last):
            studio_pk, count = out[s][0], members_of(s)
            joined = datetime.date(named_year(s) - 2, 3, 1)
            for i in range(count):
                role = MemberRole.CORE if i < 2 else MemberRole.MENTOR if i == count - 1 else MemberRole.MEMBER
                yield (studio_pk, names.member(s * 16 + i), role, names.JOBS[(s + i) % len(names.JOBS)],
                       mobiles[(s + i) % len(mobiles)] if i % 3 == 0 else "", joined)

    written["工作室成员"] = copy.write(Member, ["studio", "name", "role", "job_title", "mobile", "joined_on"], members())
    return out, written
