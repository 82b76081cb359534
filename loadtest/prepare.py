"""The load test's world, on a freshly migrated database: `python -m loadtest.prepare --out world.json`.

A round is in one phase at a time (第六条), so three rounds of consecutive years are each held in the phase one
kind of user works in, and units submitting, recommending unions reviewing and experts scoring all go on at once:

- year + 1, 申报: the unit accounts create, fill, attach and submit new applications;
- this year, 初审推荐: every unit has applications submitted with an attachment, which its county reviews
  (recommends, or returns, and the unit resubmits);
- last year, 专家评审: applications accepted and given to the experts (three each, by the panel's automatic
  assignment), whose tasks the expert accounts score.

Everything is written through the same services the pages use, as the demo data is, except the registry's
named studios (bulk rows, as `seed_demo --scale` makes them). The accounts, their TOTP keys and the ids the users
start from go to the JSON manifest that the locustfile and the checker read. Run it with REDIS_URL unset and
EMAIL_URL=dummymail://: the notices of the preparation are sent at once and never reach the load test's worker.
"""
import argparse
import datetime
import itertools
import json
import math
import os
import random
import sys

LEADER_SURNAMES = "陈林黄张李王吴刘蔡杨郑许谢洪庄方赖彭詹郭姚翁"
LEADER_GIVEN = ["伟", "志强", "晓芳", "建华", "丽娟", "振宇", "海涛", "秀兰", "国栋", "文博", "少华", "淑贞", "永辉",
                "建新", "丽华", "海生", "佳琪", "思远", "敏", "静怡", "振东", "晓东", "家豪", "雅琴"]
FIELDS = ["精密加工", "数控维修", "焊接工艺", "电气自动化", "纺织印染", "食品包装", "模具设计", "设备点检", "节能改造",
          "质量检测", "中药炮制", "风电运维", "船舶修造", "石化检修", "电子贴装", "不锈钢抛光"]
UNIT_NAME = "压测单位{:02d}工会"
PASSWORD = "Load-test-2026"
# A real, small PDF (its first bytes are what the upload check reads), padded to the size of a scanned page.
PDF_BYTES = (b"%PDF-1.4\n1 0 obj<<>>endobj\n" + b"% " + b"0" * 40_000 + b"\ntrailer<<>>\n%%EOF\n")


WORK_PER_MINUTE = 20
MIN_UNITS = 50  # unit unions in the world, with an account each, even when fewer unit users run
MAX_COUNTIES = 10  # the county-level unions of 揭阳 (seed_demo.COUNTIES), one reviewing account each


def plan(users):
    """How many users of each kind: about a sixth county reviewers, a sixth experts, a few municipal staff and
    anonymous visitors, the rest unit unions (who do most of the writing)."""
    if users < 5:
        raise SystemExit("The load test needs at least 5 users: one of each kind.")
    counties = min(MAX_COUNTIES, max(1, round(users * 0.16)))
    experts = max(1, round(users * 0.16))
    city = max(1, round(users * 0.04))
    public = max(1, round(users * 0.08))
    return {"units": users - counties - experts - city - public, "counties": counties, "experts": experts,
            "city": city, "public": public}


def leader_name(rng):
    return rng.choice(LEADER_SURNAMES) + rng.choice(LEADER_GIVEN)


def sizes(users, minutes, studios_per_unit=2, seed=2026):
    """The world for `users` users running `minutes`: accounts for each kind and the work waiting for them."""
    users_plan = plan(users)
    units = max(MIN_UNITS, users_plan["units"])
    counties = users_plan["counties"]
    return argparse.Namespace(
        plan=users_plan, units=units, counties=counties, experts=users_plan["experts"], city=users_plan["city"],
        # Enough waiting work that no county or expert runs out: with the locustfile's think times one
        # reviews or scores at most about WORK_PER_MINUTE a minute.
        submitted_per_unit=math.ceil(WORK_PER_MINUTE * minutes * counties / units) + 2,
        tasks_per_expert=math.ceil(WORK_PER_MINUTE * minutes) + 10,
        studios_per_unit=studios_per_unit, seed=seed)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="the manifest to write (JSON)")
    parser.add_argument("--users", type=int, default=50, help="how many users the load test runs at once")
    parser.add_argument("--minutes", type=float, default=3, help="how long it runs: sizes the work waiting")
    options = parser.parse_args(argv)
    args = sizes(options.users, options.minutes)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("The load test runs on PostgreSQL (DATABASE_URL); two application processes share it.")
    world = build(args)
    with open(options.out, "w", encoding="utf-8") as out:
        json.dump(world, out, ensure_ascii=False, indent=1)
    print(f"load-test world: {len(world['units'])} units, {len(world['counties'])} counties, "
          f"{len(world['experts'])} experts, {len(world['city'])} municipal staff; "
          f"{world['sizes']['submitted']} applications to review, {len(world['assignments'])} scoring tasks, "
          f"{world['sizes']['studios']} named studios -> {options.out}")


def build(args):
    """Creates the world in one transaction and returns its manifest."""
    from django.contrib.auth.hashers import make_password
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from core.management.commands.seed_demo import APPLICATION_FIELDS, COUNTIES, ROOT, demo_mobile
    from core.personal_data import synthetic_id_number
    from reviews import application_services, panel_services
    from reviews import services as round_services
    from reviews.models import Assignment, NamingRound
    from rules.models import RuleSet
    from rules.services import ruleset_create_default
    from studios.models import HonourKind, Leader, Member, MemberRole, Studio, studio_name_for
    from unions.models import Role, Union, UnionKind, User
    from unions.services import union_create

    if Union.objects.exists() or NamingRound.objects.exists():
        sys.exit("The database already holds data: the load test prepares a fresh one (make loadtest drops it).")
    if args.counties > len(COUNTIES):
        sys.exit(f"At most {len(COUNTIES)} counties.")
    rng = random.Random(args.seed)
    today = timezone.localdate()
    password = make_password(PASSWORD)  # hashed once: every synthetic account shares it
    accounts = []
    people = itertools.count()  # one 身份证号 per application's leader: one application per person per round

    def account(username, full_name, role, union):
        user = User(username=username, full_name=full_name, role=role, union=union, email=f"{username}@example.cn",
                    password=password)
        user.full_clean(exclude=["password"])
        user.save()
        accounts.append(user)
        return user

    def totp_key(user):
        return TOTPDevice.objects.create(user=user, name="验证器", confirmed=True).key

    def fill(user, naming_round):
        """A complete application meeting every condition of 第五条, with one attachment."""
        application = application_services.application_create(user, naming_round)
        year = naming_round.year
        field = rng.choice(FIELDS)
        leader = leader_name(rng)
        fields = {
            **APPLICATION_FIELDS, "leader_name": leader, "founded_on": datetime.date(today.year - 4, 3, 1),
            "leader_id_number": synthetic_id_number(1_000_000 + next(people)), "leader_mobile": demo_mobile(leader),
            "annual_plan": f"{year} 年围绕{field}攻关 3 项现场难题，开展 12 次技能培训。",
            "lower_naming_date": datetime.date(today.year - 2, 5, 1),
            "lower_naming_body": user.union.recommending_union.name,
        }
        results = [
            {"year": year - 2, "kind": "patent", "title": f"{field}专用夹具", "patent_number": f"ZL{year - 2}10000123.4",
             "level": "national", "issuing_body": "国家知识产权局"},
            {"year": year - 1, "kind": "recognition", "title": f"{field}工艺改进", "patent_number": "",
             "level": "municipal", "issuing_body": "揭阳市科学技术局"},
        ]
        members = [{"name": f"{leader[0]}{n}", "role": "技术骨干", "job_title": "技师"} for n in ("明", "华", "军")]
        application = application_services.application_save(user, application, fields, members, results)
        application_services.attachment_add(user, application, "honour",
                                            SimpleUploadedFile("领衔人荣誉证书.pdf", PDF_BYTES, "application/pdf"))
        return application

    def deadlines(offset):
        return {name: today + datetime.timedelta(days=offset + 15 * i) for i, name in enumerate(
            ["application_deadline", "preliminary_deadline", "audit_deadline", "expert_deadline",
             "decision_deadline"])}

    def advance(naming_round):
        return round_services.round_advance(city[0], naming_round, from_phase=naming_round.phase)

    with transaction.atomic():
        if RuleSet.objects.current() is None:
            ruleset_create_default(published=True)
        root = union_create(parent=None, name=ROOT, kind=UnionKind.MUNICIPAL)
        counties = [union_create(parent=root, name=name, kind=UnionKind.COUNTY) for name in COUNTIES[:args.counties]]
        units = [union_create(parent=counties[n % len(counties)], name=UNIT_NAME.format(n + 1), kind=UnionKind.UNIT)
                 for n in range(args.units)]
        city = [account(f"lt_city{n + 1:02d}", f"压测市总{n + 1:02d}", Role.MUNICIPAL_STAFF, root)
                for n in range(args.city)]
        county_staff = [account(f"lt_county{n + 1:02d}", f"压测县区{n + 1:02d}", Role.RECOMMENDING_STAFF, union)
                        for n, union in enumerate(counties)]
        unit_staff = [account(f"lt_unit{n + 1:02d}", f"压测单位{n + 1:02d}", Role.UNIT_STAFF, union)
                      for n, union in enumerate(units)]
        # at least as many experts as one application needs, whether or not that many expert users run
        expert_count = max(args.experts, RuleSet.objects.current().experts_per_application)
        experts = [account(f"lt_expert{n + 1:02d}", f"压测专家{n + 1:02d}", Role.EXPERT, root)
                   for n in range(expert_count)]
        by_county = {c.union_id: c for c in county_staff}

        # Last year's round, in its expert review.
        expert_round = round_services.round_create(city[0], year=today.year - 1, notes="压测：专家评审阶段",
                                                   **deadlines(-60))
        expert_round = advance(expert_round)
        rule_set = expert_round.rule_set
        per_application = rule_set.experts_per_application
        count = math.ceil(len(experts) * args.tasks_per_expert / per_application)
        reviewed = [fill(user, expert_round) for user in itertools.islice(itertools.cycle(unit_staff), count)]
        for application in reviewed:
            application_services.application_submit(application.created_by, application, from_status="draft")
        expert_round = advance(expert_round)
        for application in reviewed:
            application_services.application_recommend(by_county[application.unit.recommending_union_id],
                                                       application, from_status="submitted")
        expert_round = advance(expert_round)
        for application in reviewed:
            application_services.application_accept(city[0], application, from_status="recommended")
        panel = panel_services.panel_save(city[0], expert_round, experts)
        panel_services.auto_assign(city[0], panel)
        expert_round = advance(expert_round)

        # This year's round, in its preliminary review.
        preliminary_round = round_services.round_create(city[0], year=today.year, notes="压测：初审推荐阶段",
                                                        **deadlines(-20))
        preliminary_round = advance(preliminary_round)
        submitted = []
        # unit by unit in turn, so that the newest — first on a county's list — belong to every unit, and the
        # units with a user get some returned to resubmit
        for _n, user in itertools.product(range(args.submitted_per_unit), unit_staff):
            application = fill(user, preliminary_round)
            submitted.append(application_services.application_submit(user, application, from_status="draft"))
        preliminary_round = advance(preliminary_round)

        # Next year's round, open for applications.
        application_round = round_services.round_create(city[0], year=today.year + 1, notes="压测：申报阶段",
                                                        **deadlines(30))
        application_round = advance(application_round)

        # The public registry: named studios of the load-test units.
        pairs = list(itertools.product(unit_staff, range(args.studios_per_unit)))
        names = rng.sample([s + g for s in LEADER_SURNAMES for g in LEADER_GIVEN], len(pairs))  # studio names are unique
        studio_rows = []
        for n, ((user, _k), name) in enumerate(zip(pairs, names)):
            leader = Leader.objects.create(name=name, unit=user.union, honour=HonourKind.MUNICIPAL_MODEL,
                                           honour_year=2015 + n % 8, job_title="技术骨干",
                                           id_number=synthetic_id_number(1_500_000 + n), mobile=demo_mobile(name))
            year = today.year - 1 - n % 3
            studio_rows.append(Studio(name=studio_name_for(name), unit=user.union, leader=leader, named_year=year,
                                      field=rng.choice(FIELDS), decision_number=f"揭工总〔{year}〕{n % 30 + 1}号"))
        studios = Studio.objects.bulk_create(studio_rows)
        Member.objects.bulk_create(Member(studio=s, name=f"{s.leader.name[0]}成员{i + 1}", role=role) for s in studios
                                   for i, role in enumerate([MemberRole.CORE, MemberRole.MEMBER, MemberRole.MEMBER]))

        keys = {user.username: totp_key(user) for user in [*city, *experts]}
        assignments = dict(Assignment.objects.filter(panel=panel).values_list("pk", "application_id"))

    return {
        "created": timezone.now().isoformat(),
        "password": PASSWORD,
        "rounds": {
            "application": {"id": application_round.pk, "year": application_round.year},
            "preliminary": {"id": preliminary_round.pk, "year": preliminary_round.year},
            "expert_review": {"id": expert_round.pk, "year": expert_round.year},
        },
        "units": [{"username": u.username, "union_id": u.union_id, "county_id": u.union.recommending_union_id,
                   "applications": [a.pk for a in submitted if a.unit_id == u.union_id]} for u in unit_staff],
        "counties": [{"username": c.username, "union_id": c.union_id} for c in county_staff],
        "experts": [{"username": e.username, "totp_key": keys[e.username]} for e in experts],
        "city": [{"username": c.username, "totp_key": keys[c.username]} for c in city],
        # assignment id -> application id (as strings: JSON keys); an application is scored when all of its are
        "assignments": {str(k): v for k, v in assignments.items()},
        "criteria": rule_set.criteria.count(),
        # who each notice reaches (reviews.application_services): one account per unit and per county
        "recipients": {"unit_staff": 1, "county_staff": 1, "municipal_staff": len(city)},
        "plan": args.plan,
        "sizes": {"submitted": len(submitted), "reviewed": len(reviewed), "studios": len(studios),
                  "accounts": len(accounts)},
    }


if __name__ == "__main__":
    main()
