"""The benchmark's users, run by `make bench` (bench/run.sh) once per phase; see docs/performance.md.

BENCH_PHASE says what every user does, as fast as it can (a closed loop: the next request when the answer came):
`page:KEY` the page KEY of bench.pages.PAGES, `limit:KEY` its limit, `mixed` every page by its weight; or, pausing
bench.pages.THINK_SECONDS between requests as a person reading the page would, `users:KEY` the page KEY. Each user
holds the sessions bench.prepare signed in (one per role), so no phase measures logins; requests go to the
application processes of BENCH_HOSTS in turn. Loopback only.
"""
import itertools
import json
import os
import random
import sys
from ipaddress import ip_address
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import gevent  # noqa: E402
from locust import HttpUser, between, constant, events, task  # noqa: E402
from locust.exception import StopUser  # noqa: E402

from bench.pages import THINK_SECONDS, limit_path, phase_pages, thinks  # noqa: E402

CSRF = "benchmarkbenchmarkbenchmark12345"  # a CSRF secret of the form Django accepts, sent as cookie and field
PHASE = os.environ.get("BENCH_PHASE", "mixed")
HOSTS = os.environ.get("BENCH_HOSTS", "http://127.0.0.1:8201").split(",")
for _host in HOSTS:  # loopback only: this generator never sends a request anywhere else
    if not ip_address(urlsplit(_host).hostname).is_loopback:
        raise SystemExit(f"BENCH_HOSTS must be loopback addresses, not {_host}")


PHASE_PAGES, LIMITS = phase_pages(PHASE)
WEIGHTS = [page.weight for page in PHASE_PAGES]
SERVERS = itertools.cycle(HOSTS)
USER_NUMBERS = itertools.count()
WORLD = json.loads(Path(os.environ["BENCH_WORLD"]).read_text(encoding="utf-8")) if "BENCH_WORLD" in os.environ else None
# The change requests still waiting: each phase goes on where the one before stopped (BENCH_CURSOR keeps where).
CURSOR = Path(os.environ.get("BENCH_CURSOR", "pool-cursor.txt"))
START = int(CURSOR.read_text()) if CURSOR.exists() else 0
POOL = itertools.count(START)
taken = {"next": START}


@events.test_stop.add_listener
def _keep_cursor(**_kwargs):
    CURSOR.write_text(str(taken["next"]))


class BenchUser(HttpUser):
    host = HOSTS[0]
    wait_time = between(*THINK_SECONDS) if thinks(PHASE) else constant(0)

    def on_start(self):
        self.number = next(USER_NUMBERS)
        self.rng = random.Random(self.number)
        if thinks(PHASE):  # people do not all click at the same instant: spread the first requests as the later
            gevent.sleep(self.rng.uniform(0, THINK_SECONDS[1]))

    def cookies(self, role):
        if role == "anonymous":
            return {}
        sessions = WORLD["sessions"][role]
        return {"sessionid": sessions[self.number % len(sessions)], "csrftoken": CSRF}

    @task
    def request_a_page(self):
        page = self.rng.choices(PHASE_PAGES, WEIGHTS)[0] if len(PHASE_PAGES) > 1 else PHASE_PAGES[0]
        name = page.limit_key if LIMITS else page.key
        self.client.cookies.clear()  # only the cookies of the page's role: the session of the role, or none
        if page.method == "POST":
            self.post(page, name)
        else:
            path = self.rng.choice(WORLD["paths"][page.key])
            self.get(limit_path(path) if LIMITS else path, name, self.cookies(page.role))

    def get(self, path, name, cookies):
        with self.client.get(next(SERVERS) + path, name=name, cookies=cookies, allow_redirects=False,
                             catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {path}")

    def post(self, page, name):
        index = next(POOL)
        if index >= len(WORLD["pool"]):
            self.environment.events.request.fire(
                request_type="POST", name=name, response_time=0, response_length=0, response=None, context={},
                exception=RuntimeError("the pool of change requests is used up: raise BENCH_POOL"))
            raise StopUser()  # one failure per user, not one per loop: an empty pool must not spin the client
        taken["next"] = max(taken["next"], index + 1)
        change, role = WORLD["pool"][index]
        path = f"/studios/changes/{change}/agree/"
        with self.client.post(next(SERVERS) + (limit_path(path) if LIMITS else path), name=name,
                              data={"from_status": "submitted", "comment": "", "csrfmiddlewaretoken": CSRF},
                              cookies=self.cookies(role), allow_redirects=False,
                              catch_response=True) as response:
            # Done: the redirect to the studio's page (a refusal redirects to the login page or answers 4xx)
            if response.status_code != 302 or "/studios/" not in response.headers.get("Location", ""):
                response.failure(f"{response.status_code} for {path}")
