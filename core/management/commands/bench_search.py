"""`manage.py bench_search`: how long each search by name takes on the data in the database.

Draws queries of 1, 2, 3 and 4 characters from the names in the database (studios, leaders, units, members,
applications), the way people type part of a name, plus queries that find nothing; then runs every query
through each search as its page runs it (the same scoping, joins, ordering and first page, core/search.py) and
prints p50, p95 and p99 per search and by length. Nothing is written. Figures: docs/performance.md, "Search".
"""
import random
import statistics
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Max, Min

from core import search
from reviews.models import Application
from reviews.selectors import application_list
from studios.models import Leader, Member, Studio
from studios.selectors import registry_studios, studio_list
from unions.models import Role, Union, UnionKind, User
from unions.selectors import union_list

LENGTHS = (1, 2, 3, 4)
# Characters hardly found in a name: a query made of them finds nothing, as a typo or an unknown name does.
RARE = "龘靐齉爩鱻麤龖貔犇骉"


def searches(city, county):
    """Each search as its page runs it: key -> (label, function of the typed text giving the page's rows)."""
    page = settings.PAGE_SIZE + 1  # a page and one more row, to know whether there is a next one
    return {
        "studios": ("创新工作室（市总）", lambda text: search.studios(studio_list(city), text)[:page]),
        "studios-county": ("创新工作室（县级）", lambda text: search.studios(studio_list(county), text)[:page]),
        "registry": ("公开名录", lambda text: search.studios(registry_studios(), text)[:page]),
        "unions": ("工会", lambda text: search.unions(union_list(city), text)[:page]),
        "applications": ("申报", lambda text: search.applications(application_list(city), text)[:page]),
        "leaders": ("领衔人（选择框）", lambda text: search.leaders(Leader.objects.select_related("unit"), text)[:page]),
        "members": ("工作室成员（系统管理）", lambda text: search.members(Member.objects.select_related("studio"), text)[:page]),
    }


def sample_names(rng, count):
    """About `count` names from each table, picked by random primary keys between the lowest and the highest
    (no full scan); where the keys are too sparse for that (rows deleted, or sequences that moved on, as in a
    test database), the first rows make up the number."""
    names = []
    for model, field in [(Studio, "name"), (Leader, "name"), (Union, "name"), (Member, "name"),
                         (Application, "leader_name")]:
        keys = model.objects.aggregate(low=Min("pk"), high=Max("pk"))
        if keys["high"] is None:
            continue
        picks = {rng.randint(keys["low"], keys["high"]) for _ in range(count * 3)}
        found = list(model.objects.filter(pk__in=picks).values_list(field, flat=True)[:count])
        if len(found) < count:
            found += model.objects.exclude(pk__in=picks).order_by("pk").values_list(field, flat=True)[:count - len(found)]
        names += found
    return [name for name in names if name]


def make_queries(rng, names, count, misses):
    """`count` queries of 1 to 4 characters cut from `names`, a `misses` share of them finding nothing."""
    queries = []
    for n in range(count):
        length = LENGTHS[n % len(LENGTHS)]
        if rng.random() < misses:
            queries.append((length, "".join(rng.choice(RARE) for _ in range(length)), True))
            continue
        name = rng.choice([name for name in names if len(name) >= length] or names)
        start = rng.randint(0, max(0, len(name) - length))
        queries.append((length, name[start:start + length], False))
    return queries


def percentiles(times):
    """p50, p95 and p99 of `times`, in ms."""
    if len(times) < 2:
        return [times[0] * 1000] * 3 if times else [0.0] * 3
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return [cuts[49] * 1000, cuts[94] * 1000, cuts[98] * 1000]


class Command(BaseCommand):
    help = "测量按名称任意部分搜索的耗时：从库中名称截取 1–4 个字的查询（另有查无结果的），逐项打印 p50/p95/p99。"

    def add_arguments(self, parser):
        parser.add_argument("--queries", type=int, default=400, help="每项搜索的查询数（默认 400）")
        parser.add_argument("--misses", type=float, default=0.1, help="查无结果的查询所占比例（默认 0.1）")
        parser.add_argument("--seed", type=int, default=2026, help="随机种子：同样的数据和种子得到同样的查询")
        parser.add_argument("--only", nargs="+", metavar="KEY", help="只测这几项（studios studios-county registry "
                            "unions applications leaders members）")

    def handle(self, *args, queries, misses, seed, only, **options):
        rng = random.Random(seed)
        names = sample_names(rng, max(50, queries // 2))
        if not names:
            raise CommandError("数据库中没有工作室、工会或成员：先运行 seed_demo（可加 --scale）。")
        county = Union.objects.filter(kind=UnionKind.COUNTY).order_by("path").first()
        # Unsaved accounts: scoping reads only the role and the union.
        city = User(username="bench-city", role=Role.MUNICIPAL_STAFF, is_active=True)
        county_staff = User(username="bench-county", role=Role.RECOMMENDING_STAFF, union=county, is_active=True)
        planned = make_queries(rng, names, queries, misses)
        self.stdout.write(f"{Studio.objects.count()} 个工作室、{Union.objects.count()} 个工会、"
                          f"{Member.objects.count()} 名成员、{Application.objects.count()} 份申报；"
                          f"每项 {len(planned)} 个查询（1–4 字各约四分之一，查无结果约 {misses:.0%}），毫秒：")
        header = f"{'搜索':<14}{'p50':>8}{'p95':>8}{'p99':>8}" + "".join(f"{f'p95·{n}字':>10}" for n in LENGTHS)
        self.stdout.write(header + f"{'p95·无结果':>10}")
        chosen = searches(city, county_staff)
        unknown = set(only or ()) - set(chosen)
        if unknown:
            raise CommandError(f"没有这几项搜索：{'、'.join(sorted(unknown))}（可选：{' '.join(chosen)}）")
        for key, (label, run) in chosen.items():
            if only and key not in only:
                continue
            for _, text, _ in planned[:10]:  # warm the caches as a running server's are
                list(run(text))
            times, by_kind = [], {}
            for length, text, miss in planned:
                started = time.perf_counter()
                list(run(text))
                elapsed = time.perf_counter() - started
                times.append(elapsed)
                by_kind.setdefault("miss" if miss else length, []).append(elapsed)
            p50, p95, p99 = percentiles(times)
            by_length = "".join(f"{percentiles(by_kind.get(n, []))[1]:>10.1f}" for n in (*LENGTHS, "miss"))
            self.stdout.write(f"{label:<14}{p50:>8.1f}{p95:>8.1f}{p99:>8.1f}{by_length}")
