"""What `make bench` requests, read from the seeded database: `python -m bench.prepare --out world.json`.

It works on whatever `seed_demo --scale N` made: the accounts are the busiest of each role (the recommending
union and the unit with the most studios), the ids are a sample of real rows, the search terms parts of real
leaders' names. It also keeps a pool of change requests waiting for the county's review, so the transition can
be measured again on every run, and signs each simulated user in (`--sessions` alone does only that, before
every phase, so that no session reaches the idle timeout of a long run).
"""
import argparse
import itertools
import json
import os
import random
import sys

from bench.pages import PAGES

SAMPLE = 200  # ids per detail page: enough that the rows are not all in PostgreSQL's cache already
POOL_EXPLANATION = "性能测试预备的变更申请"
TRANSITION_COUNTIES = 20  # the transition's change requests are shared out among this many counties


def pick_accounts():
    """The busiest account of each role: the work of a page grows with the rows in the account's scope."""
    from django.db.models import Count

    from studios.models import Studio
    from unions.models import Role, User

    active = User.objects.filter(is_active=True)
    by_recommender = (Studio.objects.values("unit__recommending_union").annotate(n=Count("pk"))
                      .order_by("-n", "unit__recommending_union"))
    by_unit = Studio.objects.values("unit").annotate(n=Count("pk")).order_by("-n", "unit")
    accounts = {"city": active.filter(role=Role.MUNICIPAL_STAFF).order_by("pk").first()}
    with_account = set(active.filter(role=Role.RECOMMENDING_STAFF).values_list("union_id", flat=True))
    county = next(row["unit__recommending_union"] for row in by_recommender
                  if row["unit__recommending_union"] in with_account)
    accounts["county"] = active.filter(role=Role.RECOMMENDING_STAFF, union_id=county).order_by("pk").first()
    with_account = set(active.filter(role=Role.UNIT_STAFF).values_list("union_id", flat=True))
    unit = next(row["unit"] for row in by_unit.filter(unit__in=with_account)[:1])
    accounts["unit"] = active.filter(role=Role.UNIT_STAFF, union_id=unit).order_by("pk").first()
    return accounts


def session_accounts(world):
    """The pages' accounts and the transition's counties, by the role name their sessions go under."""
    from unions.models import User

    by_name = User.objects.in_bulk(world.get("transition_accounts", []), field_name="username")
    return {**pick_accounts(), **{transition_role(number): by_name[name]
                                  for number, name in enumerate(world.get("transition_accounts", []))}}


def sign_in(accounts, users):
    """`users` sessions per account, as a login makes them (the second factor passed where the role needs it)."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.middleware import needs_second_factor

    sessions = {}
    for role, user in accounts.items():
        device = None
        if needs_second_factor(user):
            device = (TOTPDevice.objects.filter(user=user, confirmed=True).first()
                      or TOTPDevice.objects.create(user=user, name="bench", confirmed=True))
        keys = []
        for _ in range(users):
            client = Client()
            client.force_login(user)
            session = client.session
            if device is not None:
                session[DEVICE_ID_SESSION_KEY] = device.persistent_id
                session.save()
            keys.append(session.session_key)
        sessions[role] = keys
    return sessions


def transition_counties(count):
    """The `count` recommending unions with the most active studios, each with a county account (made for the
    benchmark where the seed made none, without a password: it signs in by session only). One county's studios
    are too few for the transition's pool: a change request per studio (第七条), and 20 users agree to one
    every few milliseconds."""
    from django.db.models import Count

    from studios.models import Studio, StudioStatus
    from unions.models import Role, User

    busiest = (Studio.objects.filter(status=StudioStatus.ACTIVE).values("unit__recommending_union")
               .annotate(n=Count("pk")).order_by("-n", "unit__recommending_union")[:count])
    accounts = []
    for union in (row["unit__recommending_union"] for row in busiest if row["unit__recommending_union"]):
        account = (User.objects.filter(is_active=True, role=Role.RECOMMENDING_STAFF, union_id=union)
                   .order_by("pk").first())
        if account is None:
            account = User(username=f"bench_county_{union}", full_name="性能测试", role=Role.RECOMMENDING_STAFF,
                           union_id=union)
            account.set_unusable_password()
            account.save()
        accounts.append(account)
    return accounts


def change_pool(counties, size):
    """Change requests waiting for the counties' review (one per studio, 第七条), topped up to `size` in all and
    taken from the counties in turn, as [id, the session role that reviews it]. Made in bulk: the benchmark
    measures their review, not their filing."""
    from studios.models import (
        OPEN_CHANGE_STATES, ChangeKind, ChangeReason, ChangeRequest, ChangeStatus, Studio, StudioStatus,
    )
    from unions.models import Role, User

    queues, remaining = {}, size
    # The least busy first, each its share of what is still missing: what a small county cannot give, the busier
    # ones after it make up.
    for left, number in enumerate(reversed(range(len(counties)))):
        county = counties[number]
        share = -(-remaining // (len(counties) - left))
        scope = {"studio__unit__path__startswith": county.union.path}
        waiting = ChangeRequest.objects.filter(status=ChangeStatus.SUBMITTED, **scope)
        missing = share - waiting.count()
        if missing > 0:
            busy = ChangeRequest.objects.filter(status__in=OPEN_CHANGE_STATES).values("studio")
            studios = (Studio.objects.filter(unit__path__startswith=county.union.path, status=StudioStatus.ACTIVE)
                       .exclude(pk__in=busy).order_by("pk").values_list("pk", "unit_id")[:missing])
            unit_staff = {u.union_id: u for u in User.objects.filter(
                role=Role.UNIT_STAFF, union__path__startswith=county.union.path)}
            requester = next(iter(unit_staff.values()), county)
            ChangeRequest.objects.bulk_create([
                ChangeRequest(studio_id=studio, kind=ChangeKind.CANCEL, reason=ChangeReason.RETIRED,
                              explanation=POOL_EXPLANATION, requested_by=unit_staff.get(unit, requester))
                for studio, unit in studios], batch_size=1000)
        role = transition_role(number)
        queues[number] = [[pk, role] for pk in waiting.order_by("pk").values_list("pk", flat=True)[:share]]
        remaining -= len(queues[number])
    analyze(ChangeRequest)
    # In turn, so that the users at once review different counties' requests, as they would.
    in_turn = itertools.zip_longest(*(queues[number] for number in sorted(queues)))
    return [entry for group in in_turn for entry in group if entry]


def analyze(model):
    """Fresh planner statistics for a table the pool just grew by thousands of rows, as autovacuum would give it a
    minute later: with the statistics of a nearly empty table, PostgreSQL counts a county's waiting requests by
    reading every waiting request in the country (24 ms instead of 3 on the dashboard)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {model._meta.db_table}")


def reviewed(world):
    """How many of the pool's change requests are no longer waiting: after a run, one for each transition done."""
    from studios.models import ChangeRequest, ChangeStatus

    pool = [pk for pk, _ in world["pool"]]
    return ChangeRequest.objects.filter(pk__in=pool).exclude(status=ChangeStatus.SUBMITTED).count()


def transition_role(number):
    return f"transition_{number}"


def paths(accounts, rng):
    """The addresses of each page (bench.pages.PAGES), several where the page shows one object."""
    from django.db.models import Count

    from reviews.models import Application
    from studios.models import TITLED_STATES, Studio, StudioStatus

    county_path = accounts["county"].union.path
    titled = Studio.objects.filter(status__in=TITLED_STATES)
    year = titled.values("named_year").annotate(n=Count("pk")).order_by("-n", "-named_year")[0]["named_year"]
    county_year = (titled.filter(unit__path__startswith=county_path).values("named_year").annotate(n=Count("pk"))
                   .order_by("-n", "-named_year")[0]["named_year"])
    studio_ids = sample(titled.values_list("pk", flat=True), rng)
    leaders = titled.filter(pk__in=studio_ids[:50]).values_list("leader__name", flat=True)
    county_applications = Application.objects.filter(unit__path__startswith=county_path)
    status = (county_applications.values("status").annotate(n=Count("pk")).order_by("-n", "status")
              .values_list("status", flat=True).first())
    application_ids = sample(Application.objects.values_list("pk", flat=True), rng)
    return {
        "dashboard_city": ["/"],
        "dashboard_county": ["/"],
        "dashboard_unit": ["/"],
        "studio_list": [f"/studios/?status=titled&named_year={year}"],
        # Any part of a name, as a person types it: the name without its first character.
        "studio_search": [f"/studios/?q={name[1:] if len(name) > 2 else name}" for name in leaders],
        "studio_county": [f"/studios/?status={StudioStatus.ACTIVE}"],
        "studio_detail": [f"/studios/{pk}/" for pk in studio_ids],
        "application_list": [f"/reviews/applications/?status={status}" if status else "/reviews/applications/"],
        "application_detail": [f"/reviews/applications/{pk}/" for pk in application_ids],
        "registry": ["/public/registry/"],
        "registry_studio": [f"/public/registry/{pk}/" for pk in studio_ids],
        "change_agree": [],  # one of the pool's each time (bench/locustfile.py)
        "studio_export": [f"/studios/export/?status=titled&named_year={county_year}"],
    }


def sample(ids, rng):
    ids = list(ids.order_by("pk"))
    return sorted(rng.sample(ids, min(SAMPLE, len(ids))))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="the manifest to write (JSON)")
    parser.add_argument("--users", type=int, default=20, help="simulated users at once: sessions per account")
    parser.add_argument("--pool", type=int, default=10000, help="change requests waiting for review")
    parser.add_argument("--sessions", action="store_true", help="only sign in again, in the manifest given")
    parser.add_argument("--reviewed", action="store_true",
                        help="only print how many of the manifest's pool were reviewed (after a run)")
    options = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql" and "pytest" not in sys.modules:
        sys.exit("The benchmark runs on PostgreSQL (DATABASE_URL).")
    if options.reviewed:
        print(reviewed(json.load(open(options.out, encoding="utf-8"))))
        return
    world = json.load(open(options.out, encoding="utf-8")) if options.sessions else build(options.users, options.pool)
    world["sessions"] = sign_in(session_accounts(world), options.users)
    with open(options.out, "w", encoding="utf-8") as out:
        json.dump(world, out, ensure_ascii=False, indent=1)
    if not options.sessions:
        print(f"bench world: accounts {world['accounts']}, {len(world['pool'])} change requests waiting -> {options.out}")


def build(users, pool):
    accounts = pick_accounts()
    rng = random.Random(2026)
    counties = transition_counties(TRANSITION_COUNTIES)
    world = {
        "accounts": {role: user.username for role, user in accounts.items()},
        "transition_accounts": [county.username for county in counties],
        "paths": paths(accounts, rng),
        "pool": change_pool(counties, pool),
    }
    missing = {page.key for page in PAGES} - set(world["paths"])
    assert not missing, f"no addresses for {missing}"
    return world


if __name__ == "__main__":
    main()
