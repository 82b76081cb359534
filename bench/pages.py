"""The pages `make bench` measures, each beside its limit (docs/performance.md, "Benchmark").

Plain Python, no Django: the locustfile (under gevent), the preparation, the report and the tests all read this
one list, so a page cannot be measured without a report line or reported without being measured.

A page's limit is the same address under LIMIT_PREFIX (bench/limits.py): `/studios/?q=…` is measured beside
`/bench/limit/studios/?q=…`, which runs the same SQL for the same rows and writes them out as plain text.

Each page is measured twice (docs/performance.md, "What the targets measure"): by users who never pause (a closed
loop: the page's throughput, set beside its limit's), and by the same number of users working as people do, each
reading a page for THINK_SECONDS before the next (the page's response times when 20 people use it at once).
"""
from dataclasses import dataclass

LIMIT_PREFIX = "/bench/limit"

# The targets of issue 8, point 3, on the 100,000-studio data with 20 users on this 2-core machine.
TARGETS = {
    "read": {"p95_ms": 150, "min_ratio": 0.5},  # every list and detail page
    "transition": {"p95_ms": 250, "min_ratio": None},
    "export": {"p95_ms": None, "min_ratio": None},  # reported; its own target is issue 8, point 4
}
# How long a working user reads a page before asking for the next, in seconds (uniformly between the two).
THINK_SECONDS = (1, 4)
# A ratio that fell by more than this against bench/baseline.json is a regression (issue 8, point 6).
REGRESSION = 0.20


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    role: str  # whose session requests it: city, county, unit, or anonymous
    kind: str  # a key of TARGETS
    method: str = "GET"
    weight: int = 1  # how often it comes up in the mixed workload

    @property
    def limit_key(self):
        return f"limit:{self.key}"


PAGES = [
    Page("dashboard_city", "工作台 (municipal staff)", "city", "read", weight=3),
    Page("dashboard_county", "工作台 (recommending union)", "county", "read", weight=3),
    Page("dashboard_unit", "工作台 (unit union)", "unit", "read", weight=3),
    Page("studio_list", "创新工作室: titled, one naming year", "city", "read", weight=4),
    Page("studio_search", "创新工作室: search by part of a leader's name", "city", "read", weight=4),
    Page("studio_county", "创新工作室: a county's list, by state", "county", "read", weight=3),
    Page("studio_detail", "工作室详情", "city", "read", weight=4),
    Page("application_list", "申报: by state", "county", "read", weight=3),
    Page("application_detail", "申报详情", "city", "read", weight=2),
    Page("registry", "名录 (public registry)", "anonymous", "read", weight=4),
    Page("registry_studio", "名录: a studio's page", "anonymous", "read", weight=3),
    Page("change_agree", "变更申请: the recommending union agrees (transition)", "county", "transition", "POST", 1),
    Page("studio_export", "创新工作室 Excel export: a county's titled studios of one year", "county", "export", weight=1),
]
PAGES_BY_KEY = {page.key: page for page in PAGES}
ROLES = sorted({page.role for page in PAGES} - {"anonymous"})


def limit_path(path):
    return LIMIT_PREFIX + path


def phase_pages(phase):
    """The pages a phase of bench/run.sh requests (`mixed`, `page:KEY`, `limit:KEY`, `users:KEY`), and whether
    their limits."""
    if phase == "mixed":
        return PAGES, False
    what, _, key = phase.partition(":")
    if what not in ("page", "limit", "users") or key not in PAGES_BY_KEY:
        raise SystemExit(f"BENCH_PHASE must be mixed, page:KEY, limit:KEY or users:KEY, not {phase}")
    return [PAGES_BY_KEY[key]], what == "limit"


def thinks(phase):
    """Whether the users of `phase` pause between requests (THINK_SECONDS) rather than ask again at once."""
    return phase.startswith("users:")
