"""Factories for tests: plain objects built through the same services the app uses."""
import datetime
import itertools

import factory

from core.personal_data import id_check_character

from studios.models import HonourKind, Leader, Member, Studio, studio_name_for
from unions.models import Role, Union, UnionKind, User
from unions.services import union_create

_seq = itertools.count(1)

PASSWORD = "Xq7-ceshi-mima-2026"


def id_number(n=None, area="445202"):
    """A valid 身份证号 (GB 11643-1999) in Jieyang, a new one on each call unless `n` is given."""
    n = next(_seq) if n is None else n
    body = f"{area}{datetime.date(1970, 1, 1) + datetime.timedelta(days=n % 9000):%Y%m%d}{n // 9000 % 1000:03d}"
    return body + id_check_character(body)


def mobile(n=None):
    n = next(_seq) if n is None else n
    return f"138{n % 10 ** 8:08d}"


def municipal_union():
    """The root 揭阳市总工会, made once per test database."""
    root = Union.objects.filter(depth=1).first()
    return root or union_create(parent=None, name="揭阳市总工会", kind=UnionKind.MUNICIPAL)


def county_union(name=None, kind=UnionKind.COUNTY):
    return union_create(parent=municipal_union(), name=name or f"测试县总工会{next(_seq)}", kind=kind)


def unit_union(parent=None, name=None):
    return union_create(parent=parent or county_union(), name=name or f"测试单位{next(_seq)}工会", kind=UnionKind.UNIT)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.cn")
    role = Role.UNIT_STAFF
    union = factory.LazyFunction(unit_union)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def user_with_role(role, union=None, **kwargs):
    if union is None:
        union = {
            Role.UNIT_STAFF: unit_union,
            Role.RECOMMENDING_STAFF: county_union,
            Role.MUNICIPAL_STAFF: municipal_union,
            Role.ADMIN: municipal_union,
            Role.EXPERT: municipal_union,
        }[role]()
    if role == Role.ADMIN:
        kwargs.setdefault("is_staff", True)
    return UserFactory(role=role, union=union, **kwargs)


class LeaderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Leader

    name = factory.Sequence(lambda n: f"领衔人{n}")
    unit = factory.LazyFunction(unit_union)
    honour = HonourKind.MUNICIPAL_MODEL
    honour_year = 2020


class StudioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Studio

    unit = factory.LazyFunction(unit_union)
    leader = factory.SubFactory(LeaderFactory, unit=factory.SelfAttribute("..unit"))
    name = factory.LazyAttribute(lambda s: studio_name_for(s.leader.name))
    named_year = 2024


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    studio = factory.SubFactory(StudioFactory)
    name = factory.Sequence(lambda n: f"成员{n}")


# A new leader's data as a change request (第七条) asks for it.
NEW_LEADER = {"new_leader_name": "林海", "new_leader_gender": "male", "new_leader_job_title": "数控车间主任",
              "new_leader_honour": "municipal_craftsman", "new_leader_honour_year": 2023,
              "new_leader_id_number": "44520219850715003X", "new_leader_mobile": "13802630037"}
