"""The load test's users, run by `make loadtest` (loadtest/run.sh); see docs/load-test.md.

Each user is a person at a browser with one synthetic account of the world that loadtest.prepare made (the
manifest in LOAD_WORLD): it opens real pages, reads the forms the page offers (CSRF token, formset management
fields, the options of each select) and posts them, follows the redirect and reads the message the next page
shows. Every request goes to the next application process in turn (LOAD_HOSTS), like a load balancer without
sticky sessions, so sessions, CSRF, messages and rate-limit counts must hold across both processes.

What each user did and saw succeed goes to the ledger (loadtest.ledger), from which loadtest.check derives the
counts the database must show. Every response is checked for the status a browser would expect: a 5xx, a 4xx
that was not asked for, or a refusal message fails the request in locust's figures and the run.
"""
import csv
import itertools
import json
import os
import random
import re
import resource
import sys
from ipaddress import ip_address
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from locust import HttpUser, between, events, task  # noqa: E402
from locust.exception import StopUser  # noqa: E402
from locust.stats import PERCENTILES_TO_REPORT, StatsCSV  # noqa: E402

from loadtest.browser import parse, totp_code  # noqa: E402
from loadtest.filling import first_draft, scores  # noqa: E402
from loadtest.ledger import Ledger  # noqa: E402
from loadtest.prepare import LEADER_SURNAMES, PDF_BYTES  # noqa: E402

WORLD = json.loads(Path(os.environ["LOAD_WORLD"]).read_text(encoding="utf-8"))
HOSTS = os.environ.get("LOAD_HOSTS", "http://127.0.0.1:8101,http://127.0.0.1:8102").split(",")
for _host in HOSTS:  # loopback only: this generator never sends a request anywhere else
    if not ip_address(urlsplit(_host).hostname).is_loopback:
        raise SystemExit(f"LOAD_HOSTS must be loopback addresses, not {_host}")
LEDGER = Ledger(os.environ["LOAD_LEDGER"])
_servers = itertools.cycle(HOSTS)
_accounts = {kind: iter(WORLD[kind]) for kind in ("units", "counties", "experts", "city")}
ROUNDS = {phase: r["id"] for phase, r in WORLD["rounds"].items()}

APPLICATION_ID = re.compile(r"/reviews/applications/(\d+)/")
ATTACHMENT_LINK = r"^/reviews/attachments/\d+/$"
APPLICATION_LINK = r"^/reviews/applications/\d+/$"


def take(kind):
    try:
        return next(_accounts[kind])
    except StopIteration:
        raise SystemExit(f"more {kind} users than accounts in the world: prepare with --users") from None


class Browser(HttpUser):
    """Requests as a browser makes them, checked as a person would check the page."""

    abstract = True
    host = HOSTS[0]
    wait_time = between(1, 4)  # a person reads a page before the next click
    otp = False

    def on_start(self):
        self.client.headers.update({"User-Agent": "Mozilla/5.0 (studios load test)",
                                    "Accept-Language": "zh-CN,zh;q=0.9"})
        self.assets_loaded = False
        self.username = None

    # requests ------------------------------------------------------------------------------------------------

    def _next_server(self):
        self.client.base_url = next(_servers)
        return self.client.base_url

    def get(self, path, name, expect=200):
        """A page (parsed) or, for an expected redirect, its Location; None when the answer was not the one
        expected (the request is then failed in locust's figures)."""
        self._next_server()
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != expect:
                response.failure(f"{response.status_code} instead of {expect} for {path} "
                                 f"{response.headers.get('Location', '')}".strip())
                return None
            response.success()  # a 404 asked for is a success
            if 300 <= expect < 400:
                return response.headers["Location"]
            page = parse(response.text, path, response.status_code)
        if not self.assets_loaded and expect == 200:
            self.assets_loaded = True  # an empty cache the first time, then the browser keeps them
            for asset in page.assets:
                self._next_server()
                self.client.get(asset, name="GET /static/[asset]")
        return page

    def download(self, href):
        self._next_server()
        with self.client.get(href, name="GET /reviews/attachments/[id]/ (download)", allow_redirects=False,
                             catch_response=True) as response:
            disposition = response.headers.get("Content-Disposition", "")
            if response.status_code != 200 or not disposition.startswith("attachment"):
                response.failure(f"download {href}: {response.status_code} {disposition!r}")
                return False
        LEDGER.note("download", user=self.username, attachment=int(href.rstrip("/").rsplit("/", 1)[1]))
        return True

    def post(self, page, form, data, name, files=None):
        """Posts `data` (from `form.data`) to the form's action; the Location of the expected 302, else None."""
        action = form.action or page.url
        server = self._next_server()
        headers = {"Origin": server, "Referer": server + page.url}
        with self.client.post(action, data=data, files=files, headers=headers, name=name,
                              allow_redirects=False, catch_response=True) as response:
            if response.status_code != 302:
                errors = re.findall(r'class="field__error"[^>]*>([^<]+)<', response.text)[:3]
                response.failure(f"{response.status_code} instead of 302 for {action} {errors}")
                return None
            return response.headers["Location"]

    def fail(self, name, reason):
        """A failure that is no single response's: the page lacked the form, or the next page refused."""
        self.environment.events.request.fire(request_type="CHECK", name=name, response_time=0, response_length=0,
                                             context={}, response=None, exception=Exception(reason))

    def act(self, kind, page, form, overrides, post_name, follow_name, files=None, **fields):
        """A write action: begun in the ledger, posted, its next page read for the success message, and done
        in the ledger only when the page says so. Returns the next page, or None."""
        try:
            if form is None:
                raise KeyError(f"the page {page.url} offers no form for it")
            data = form.data(overrides)
        except KeyError as error:
            self.fail(post_name, f"{kind}: {error}")
            return None
        token = LEDGER.begin(kind, user=self.username, **fields)
        location = self.post(page, form, data, post_name, files=files)
        if location is None:
            LEDGER.failed(token, f"{post_name} not accepted")
            return None
        following = self.get(location, follow_name)
        if following is None:
            LEDGER.failed(token, f"{follow_name} after {post_name} failed: outcome unknown")
            return None
        refusals = following.messages_of("error", "warning")
        if refusals or not following.messages_of("success"):
            self.fail(post_name, f"{kind} refused: {refusals or 'no success message'}")
            LEDGER.failed(token, "; ".join(refusals) or "no success message")
            return None
        LEDGER.done(token, location=location)
        following.location = location
        return following

    # logging in and out --------------------------------------------------------------------------------------

    def give_up(self, reason):
        """This user cannot log in: a failure in the figures (so the run fails), and the user stops."""
        self.fail("login", f"{self.username}: {reason}")
        raise StopUser()

    def login(self, account):
        self.username = account["username"]
        page = self.get("/accounts/login/", "GET /accounts/login/")
        form = page and next((f for f in page.forms if f.field("username")), None)
        if form is None:
            self.give_up("no login form")
        token = LEDGER.begin("login", user=self.username)
        location = self.post(page, form, form.data({"username": self.username, "password": WORLD["password"]}),
                             "POST /accounts/login/")
        if location is None:
            LEDGER.failed(token, "login refused")
            self.give_up("password refused")
        LEDGER.done(token)  # the password login is complete, and written to the audit trail
        if self.otp:  # municipal staff and experts: the second factor before any page (等保 preset)
            location = self.get(location, "GET / (to the second factor)", expect=302)
            page = location and self.get(location, "GET /accounts/otp/")
            form = page and next((f for f in page.forms if f.field("token")), None)
            if form is None:
                self.give_up("no form for the second factor")
            location = self.post(page, form, form.data({"token": totp_code(account["totp_key"])}),
                                 "POST /accounts/otp/")
            if location is None:
                self.give_up("code refused")
        self.get(location, "GET / (dashboard)")

    def on_stop(self):
        if self.username is None:
            return
        page = self.get("/", "GET / (dashboard)")
        form = page and page.form(r"/accounts/logout/$")
        if form is not None:
            token = LEDGER.begin("logout", user=self.username)
            if self.post(page, form, form.data(), "POST /accounts/logout/"):
                LEDGER.done(token)
            else:
                LEDGER.failed(token, "logout refused")

    # pages every signed-in role looks at ---------------------------------------------------------------------

    def dashboard(self):
        self.get("/", "GET / (dashboard)")

    def inbox(self):
        self.get("/inbox/", "GET /inbox/")

    def search_applications(self):
        self.get(f"/reviews/applications/?q={random.choice(LEADER_SURNAMES)}", "GET /reviews/applications/?q")


class UnitUser(Browser):
    """单位工会: creates, fills, attaches and submits applications in the round open for them; resubmits what its
    county returned; downloads its files; now and then mistypes an id and lands on another union's application."""

    fixed_count = WORLD["plan"]["units"]

    def on_start(self):
        super().on_start()
        self.account = take("units")
        self.union_id = self.account["union_id"]
        self.draft = None  # (application id, the step it reached)
        self.login(self.account)

    @task(8)
    def work_on_application(self):
        """One step of the unit's current application per visit: create, fill, complete, attach, submit."""
        step = self.draft[1] if self.draft else None
        {None: self.create_application, "created": self.fill, "filled": self.edit_again,
         "completed": self.upload, "attached": self.submit}[step]()

    def create_application(self):
        page = self.get(f"/reviews/rounds/{ROUNDS['application']}/", "GET /reviews/rounds/[id]/")
        if page is None:
            return
        edit = self.act("create", page, page.form(r"/apply/$"), {}, "POST /reviews/rounds/[id]/apply/",
                        "GET /reviews/applications/[id]/edit/")
        if edit is not None:
            self.draft = (int(APPLICATION_ID.search(edit.location)[1]), "created")

    def fill(self):
        """Every condition of 第五条, in the rows the new draft's form offers."""
        application = self.draft[0]
        page = self.get(f"/reviews/applications/{application}/edit/", "GET /reviews/applications/[id]/edit/")
        form = page and next((f for f in page.forms if f.field("leader_name")), None)
        if form is not None and self.save(page, form, first_draft(form, WORLD["rounds"]["application"]["year"]),
                                          application):
            self.draft = (application, "filled")

    def save(self, page, form, overrides, application):
        return self.act("save", page, form, overrides, "POST /reviews/applications/[id]/edit/",
                        "GET /reviews/applications/[id]/", application=application) is not None

    def edit_again(self):
        """The team's third member: the form shows more rows once the draft is saved."""
        application = self.draft[0]
        page = self.get(f"/reviews/applications/{application}/edit/", "GET /reviews/applications/[id]/edit/")
        form = page and next((f for f in page.forms if f.field("leader_name")), None)
        if form is not None and self.save(page, form, {"members-2-name": "李军", "members-2-role": "青年骨干",
                                                       "members-2-job_title": "技术员"}, application):
            self.draft = (application, "completed")

    def upload(self):
        application = self.draft[0]
        page = self.get(f"/reviews/applications/{application}/", "GET /reviews/applications/[id]/")
        if page is None:
            return
        form = page.form(r"/attachments/$")
        kinds = form.choices("kind") if form else []
        following = self.act(
            "upload", page, form, {"kind": random.choice(kinds) if kinds else None},
            "POST /reviews/applications/[id]/attachments/", "GET /reviews/applications/[id]/",
            files={"file": ("领衔人荣誉证书.pdf", PDF_BYTES, "application/pdf")}, application=application)
        if following is not None:
            self.draft = (application, "attached")
            for href in following.links_matching(ATTACHMENT_LINK)[:1]:
                self.download(href)

    def submit(self):
        application = self.draft[0]
        page = self.get(f"/reviews/applications/{application}/", "GET /reviews/applications/[id]/")
        if page is None:
            return
        if self.act("submit", page, page.form(r"/submit/$"), {}, "POST /reviews/applications/[id]/submit/",
                    "GET /reviews/applications/[id]/", application=application, source="draft") is not None:
            self.draft = None

    @task(2)
    def resubmit_returned(self):
        """What the county returned: amend it as the comment asks and submit it again (第六条)."""
        page = self.get(f"/reviews/applications/?round={ROUNDS['preliminary']}&status=returned",
                        "GET /reviews/applications/?round&status")
        links = page.links_matching(APPLICATION_LINK) if page else []
        if not links:
            return
        application = int(APPLICATION_ID.search(links[0])[1])
        edit = self.get(f"/reviews/applications/{application}/edit/", "GET /reviews/applications/[id]/edit/")
        form = edit and next((f for f in edit.forms if f.field("annual_plan")), None)
        if form is None:
            return
        plan = form.field("annual_plan").value + "（已按初审意见补充专利证书和成果应用证明。）"
        if not self.save(edit, form, {"annual_plan": plan}, application):
            return
        page = self.get(f"/reviews/applications/{application}/", "GET /reviews/applications/[id]/")
        if page is not None:
            self.act("submit", page, page.form(r"/submit/$"), {}, "POST /reviews/applications/[id]/submit/",
                     "GET /reviews/applications/[id]/", application=application, source="returned")

    @task(2)
    def look_around(self):
        random.choice([self.dashboard, self.inbox, self.search_applications, self.studios])()

    def studios(self):
        self.get("/studios/", "GET /studios/")

    @task(2)
    def download_own(self):
        application = random.choice(self.account["applications"])
        page = self.get(f"/reviews/applications/{application}/", "GET /reviews/applications/[id]/")
        for href in (page.links_matching(ATTACHMENT_LINK)[:1] if page else []):
            self.download(href)

    @task(1)
    def mistyped_id(self):
        """Another union's application: 404, and the audit trail records the refusal (等保: 访问控制)."""
        others = [u for u in WORLD["units"] if u["union_id"] != self.union_id]
        application = random.choice(random.choice(others)["applications"])
        if self.get(f"/reviews/applications/{application}/", "GET /reviews/applications/[id]/ (another union's)",
                    expect=404) is not None:
            LEDGER.note("refused", user=self.username, application=application)


class CountyUser(Browser):
    """推荐单位: opens what its units submitted, reads the files, recommends most and returns some (第六条)."""

    fixed_count = WORLD["plan"]["counties"]

    def on_start(self):
        super().on_start()
        self.login(take("counties"))

    @task(6)
    def review(self):
        page = self.get(f"/reviews/applications/?round={ROUNDS['preliminary']}&status=submitted",
                        "GET /reviews/applications/?round&status")
        links = page.links_matching(APPLICATION_LINK) if page else []
        if not links:
            return self.look_around()
        href = random.choice(links)  # anywhere on the first page, newest first
        application = int(APPLICATION_ID.search(href)[1])
        page = self.get(href, "GET /reviews/applications/[id]/")
        if page is None:
            return
        for attachment in page.links_matching(ATTACHMENT_LINK)[:1]:
            self.download(attachment)
        if random.random() < 0.25:
            self.act("return", page, page.form(r"/return/$"), {"comment": "请补充近两年专利证书复印件和成果应用证明。"},
                     "POST /reviews/applications/[id]/return/", "GET /reviews/applications/[id]/",
                     application=application)
        else:
            self.act("recommend", page, page.form(r"/recommend/$"), {}, "POST /reviews/applications/[id]/recommend/",
                     "GET /reviews/applications/[id]/", application=application)

    @task(2)
    def look_around(self):
        random.choice([self.dashboard, self.inbox, self.search_applications, self.studio_search])()

    def studio_search(self):
        self.get(f"/studios/?q={random.choice(LEADER_SURNAMES)}", "GET /studios/?q")


class ExpertUser(Browser):
    """评审专家: opens each task, reads the application and its file, and scores every criterion (第六条)."""

    fixed_count = WORLD["plan"]["experts"]
    otp = True

    def on_start(self):
        super().on_start()
        self.login(take("experts"))

    @task(6)
    def score(self):
        page = self.get("/reviews/assignments/", "GET /reviews/assignments/")
        links = page.links_matching(r"^/reviews/assignments/\d+/$") if page else []
        if not links:
            return self.dashboard()
        assignment = int(links[0].rstrip("/").rsplit("/", 1)[1])
        page = self.get(links[0], "GET /reviews/assignments/[id]/")
        if page is None:
            return
        for attachment in page.links_matching(ATTACHMENT_LINK)[:1]:
            self.download(attachment)
        form = page.form(r"/score/$")
        points = scores(form) if form else {}
        self.act("score", page, form, points, "POST /reviews/assignments/[id]/score/", "GET /reviews/assignments/",
                 assignment=assignment)

    @task(1)
    def look_around(self):
        random.choice([self.dashboard, self.inbox])()


class CityUser(Browser):
    """市总工会: follows the three rounds from the dashboard, lists and the expert panel's ranking (reads only)."""

    fixed_count = WORLD["plan"]["city"]
    otp = True

    def on_start(self):
        super().on_start()
        self.login(take("city"))

    @task
    def look_around(self):
        round_id = random.choice(list(ROUNDS.values()))
        random.choice([
            lambda: self.get("/", "GET / (dashboard)"),
            lambda: self.get("/reviews/rounds/", "GET /reviews/rounds/"),
            lambda: self.get(f"/reviews/rounds/{round_id}/", "GET /reviews/rounds/[id]/"),
            lambda: self.get(f"/reviews/applications/?round={round_id}", "GET /reviews/applications/?round"),
            self.search_applications,
            lambda: self.get(f"/studios/?q={random.choice(LEADER_SURNAMES)}", "GET /studios/?q"),
            lambda: self.get("/unions/", "GET /unions/"),
            lambda: self.get(f"/reviews/rounds/{ROUNDS['expert_review']}/panel/", "GET /reviews/rounds/[id]/panel/"),
        ])()


class PublicVisitor(Browser):
    """公众, not signed in: the registry of named studios, its search and pages, the public notices."""

    fixed_count = WORLD["plan"]["public"]

    @task(3)
    def registry(self):
        page = self.get("/public/registry/", "GET /public/registry/")
        links = page.links_matching(r"^/public/registry/\d+/$") if page else []
        if links:
            self.get(random.choice(links), "GET /public/registry/[id]/")

    @task(2)
    def search(self):
        self.get(f"/public/registry/?q={random.choice(LEADER_SURNAMES)}", "GET /public/registry/?q")

    @task(1)
    def notices(self):
        random.choice([lambda: self.get("/public/publicity/", "GET /public/publicity/"),
                       lambda: self.get("/public/alliances/", "GET /public/alliances/")])()


@events.quitting.add_listener
def _final_figures(environment, **kwargs):
    """Locust's own CSV files are last written a second before the users log out; these hold every request."""
    results = Path(os.environ["LOAD_RESULTS"])
    figures = StatsCSV(environment, PERCENTILES_TO_REPORT)
    for name, write in (("stats", figures.requests_csv), ("failures", figures.failures_csv),
                        ("exceptions", figures.exceptions_csv)):
        with open(results / f"locust_final_{name}.csv", "w", newline="", encoding="utf-8") as out:
            write(csv.writer(out))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    (results / "locust_cpu.txt").write_text(f"{usage.ru_utime + usage.ru_stime:.0f}")
    LEDGER.close()
