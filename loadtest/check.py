"""After the load: does the database hold exactly what the users did, and did nothing go wrong on the way?

    python -m loadtest.check snapshot --out before.json      # counts before the users start
    python -m loadtest.check drain                            # waits until the Celery worker has sent every e-mail
    python -m loadtest.check verify --run DIR                 # compares, reports, exits 1 on any problem

The users' ledger (loadtest.ledger) says what each of them did and saw succeed; from it and the world's manifest
`expected_counts` derives how every count must have moved — applications, attachments, transitions by name,
audit entries by action and by transition, application states, notifications, e-mails, scores — and `compare`
sets that against the database's counts after minus before. Besides, every response the users got had to be the
one expected (locust's failures), no server log may hold a 5xx, a traceback or a worker timeout, the audit chain
must verify, and each application process must have served its share.
"""
import argparse
import csv
import json
import os
import re
import sys
import time
from collections import Counter
from pathlib import Path

# What each kind of action in the ledger writes to the transition log (core.history.log_transition).
TRANSITIONS = {"create": "create", "submit": "submit", "recommend": "recommend", "return": "return_for_revision",
               "score": "score"}
MAIL_SEPARATOR = "-" * 79  # Django's file e-mail backend ends each message with it


# Pure: from what the users did to what the database must show -------------------------------------------------

def finished_applications(scored_assignments, assignments):
    """Applications whose every assignment was scored in the run: each gets one `finish_review` transition
    (reviews.panel_services._finish_if_complete). `assignments` maps assignment id -> application id."""
    scored = {str(a) for a in scored_assignments}
    tasks = {}
    for assignment, application in assignments.items():
        tasks.setdefault(application, set()).add(str(assignment))
    return sum(1 for ids in tasks.values() if ids <= scored)


def expected_counts(records, world):
    """How each count must have moved, given the ledger's done actions and the world's manifest."""
    kinds = Counter(r["kind"] for r in records)
    resubmits = sum(1 for r in records if r["kind"] == "submit" and r.get("source") == "returned")
    finished = finished_applications([r["assignment"] for r in records if r["kind"] == "score"],
                                     world["assignments"])
    transitions = {name: kinds[kind] for kind, name in TRANSITIONS.items()}
    transitions["finish_review"] = finished
    to = world["recipients"]
    expected = {
        "applications": kinds["create"],
        "attachments": kinds["upload"],
        "assignments_scored": kinds["score"],
        "score_items": kinds["score"] * world["criteria"],
        # reviews.application_services: a submit tells the county, a recommendation the municipal staff and the
        # unit (two notices), a return the unit; each notice is one e-mail to all its recipients
        "notifications": kinds["submit"] * to["county_staff"] + kinds["return"] * to["unit_staff"]
        + kinds["recommend"] * (to["municipal_staff"] + to["unit_staff"]),
        "emails": kinds["submit"] + 2 * kinds["recommend"] + kinds["return"],
        "audit:login": kinds["login"],
        "audit:logout": kinds["logout"],
        "audit:download": kinds["download"],
        "audit:access": kinds["refused"],  # another union's application: 404, and an entry saying so
        "audit:transition": sum(transitions.values()),
        "status:draft": kinds["create"] - (kinds["submit"] - resubmits),
        "status:submitted": kinds["submit"] - kinds["recommend"] - kinds["return"],
        "status:returned": kinds["return"] - resubmits,
        "status:recommended": kinds["recommend"],
        "status:under_review": -finished,
        "status:scored": finished,
    }
    for name, count in transitions.items():
        expected[f"transition:{name}"] = count
        expected[f"audit_transition:{name}"] = count
    return expected


# What a run should exercise; one too short to reach them all is told so (not failed: its counts still hold).
EXERCISED = ("login", "create", "save", "upload", "submit", "resubmit", "recommend", "return", "score", "finish",
             "download", "refused", "logout")


def not_exercised(records, world):
    kinds = Counter(r["kind"] for r in records)
    kinds["resubmit"] = sum(1 for r in records if r["kind"] == "submit" and r.get("source") == "returned")
    kinds["finish"] = expected_counts(records, world)["transition:finish_review"]
    return [kind for kind in EXERCISED if not kinds[kind]]


def delta(before, after):
    return {key: after.get(key, 0) - before.get(key, 0) for key in set(before) | set(after)}


def compare(expected, actual):
    """(rows, mismatches): every key of either side, a key missing on one side counting as 0 — so a count that
    moved although no user did anything to it is a mismatch too."""
    rows, mismatches = [], []
    for key in sorted(set(expected) | set(actual)):
        row = (key, expected.get(key, 0), actual.get(key, 0))
        rows.append(row)
        if row[1] != row[2]:
            mismatches.append(f"{key}: the users did {row[1]}, the database moved by {row[2]}")
    return rows, mismatches


ACCESS_LINE = re.compile(r"^(?P<status>\d{3}) (?P<ms>\d+) ")


def access_log_problems(lines):
    """(requests, problems) of one gunicorn access log in the runner's format: status, milliseconds, request."""
    requests, problems = 0, []
    for line in lines:
        match = ACCESS_LINE.match(line)
        if not match:
            continue
        requests += 1
        if match["status"].startswith("5"):
            problems.append(f"server error: {line.strip()}")
    return requests, problems


def server_times(lines):
    """The milliseconds gunicorn spent on each request (in a worker, from reading it to the last byte)."""
    return [int(m["ms"]) for m in map(ACCESS_LINE.match, lines) if m]


def percentiles(values):
    ordered = sorted(values)
    if not ordered:
        return {}
    pick = lambda share: ordered[min(len(ordered) - 1, int(share * len(ordered)))]  # noqa: E731
    return {"p50": pick(0.50), "p95": pick(0.95), "p99": pick(0.99), "max": ordered[-1]}


ERROR_MARKERS = ("Traceback (most recent call last)", "[CRITICAL]", "[ERROR]", "WORKER TIMEOUT", " ERROR ", "ERROR/",
                 "Internal Server Error")


def error_log_problems(name, lines):
    return [f"{name}: {line.strip()}" for line in lines if any(marker in line for marker in ERROR_MARKERS)]


def count_mail(directory):
    """Messages written by Django's file e-mail backend under `directory`."""
    total = 0
    for path in Path(directory).glob("*"):
        with open(path, encoding="utf-8", errors="replace") as lines:
            total += sum(1 for line in lines if line.rstrip("\n") == MAIL_SEPARATOR)
    return total


# Locust's figures ----------------------------------------------------------------------------------------------

def read_stats(path):
    """Rows of locust's `<prefix>_stats.csv`: per request name, and the aggregated row last."""
    with open(path, encoding="utf-8") as rows:
        return list(csv.DictReader(rows))


def _ms(value):
    return "—" if value in ("", "N/A", None) else f"{float(value):.0f}"


def figures_table(stats):
    lines = ["| request | count | failures | p50 ms | p95 ms | p99 ms | max ms | req/s |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for row in stats:
        name = "**all requests**" if row["Name"] == "Aggregated" else row["Name"]  # names start with the method
        lines.append(f"| {name} | {row['Request Count']} | {row['Failure Count']} | {_ms(row['50%'])} | "
                     f"{_ms(row['95%'])} | {_ms(row['99%'])} | {_ms(row['Max Response Time'])} | "
                     f"{float(row['Requests/s']):.2f} |")
    return "\n".join(lines)


# The database (Django) -----------------------------------------------------------------------------------------

def database_counts(mail_dir=None):
    from django.db.models import Count

    from audit.models import Action, AuditEntry
    from core.models import Notification, TransitionLog
    from reviews.models import Application, ApplicationAttachment, Assignment, AssignmentStatus, ScoreItem

    counts = {
        "applications": Application.objects.count(),
        "attachments": ApplicationAttachment.objects.count(),
        "assignments_scored": Assignment.objects.filter(status=AssignmentStatus.SCORED).count(),
        "score_items": ScoreItem.objects.count(),
        "notifications": Notification.objects.count(),
        "emails": count_mail(mail_dir) if mail_dir else 0,
    }
    for row in TransitionLog.objects.values("transition").annotate(n=Count("pk")):
        counts[f"transition:{row['transition']}"] = row["n"]
    for row in AuditEntry.objects.values("action").annotate(n=Count("pk")):
        counts[f"audit:{row['action']}"] = row["n"]
    for row in AuditEntry.objects.filter(action=Action.TRANSITION).values("operation").annotate(n=Count("pk")):
        counts[f"audit_transition:{row['operation']}"] = row["n"]
    for row in Application.objects.values("status").annotate(n=Count("pk")):
        counts[f"status:{row['status']}"] = row["n"]
    return counts


def machine():
    """The machine and versions the figures came from (run.sh adds the run's own parameters in run.txt)."""
    import platform
    from importlib.metadata import PackageNotFoundError, version

    def installed(name):  # locust is only in the `load` extra: the test suite runs without it
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"

    import redis
    from django.conf import settings
    from django.db import connection

    database = connection.vendor
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
    memory = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal:")), "0") if Path("/proc/meminfo").exists() else "0"
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL).info("server")["redis_version"] \
        if settings.CELERY_BROKER_URL.startswith("redis") else "none"
    return {
        "CPUs": os.cpu_count(), "memory": f"{int(memory) / 1024 / 1024:.1f} GiB",
        "system": f"{platform.system()} {platform.release()}", "Python": platform.python_version(),
        "database": database, "Redis": broker,
        **{name: installed(name) for name in ("Django", "gunicorn", "locust", "celery", "psycopg")},
    }


def audit_chain_problems():
    from audit.integrity import BrokenChain, verify

    try:
        return verify(), []
    except BrokenChain as error:
        return 0, [f"audit chain: {error}"]


def wait_for_worker(timeout):
    """Until the broker holds no waiting and no unacknowledged task (the worker sent every e-mail)."""
    import redis
    from django.conf import settings

    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if broker.llen("celery") == 0 and broker.hlen("unacked") == 0:
            return True
        time.sleep(1)
    return False


# Commands ------------------------------------------------------------------------------------------------------

def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def verify_run(run):
    """Everything the run left in `run` (the runner's folder) checked; returns (report text, problems)."""
    run = Path(run)
    world = json.loads((run / "world.json").read_text(encoding="utf-8"))
    before = json.loads((run / "before.json").read_text(encoding="utf-8"))
    from loadtest.ledger import read

    done, failed, unfinished = read(run / "ledger")
    problems = [f"refused or unexpected: {r['kind']} {r.get('reason', '')}" for r in failed]
    problems += [f"no answer (the user was stopped mid-request): {r['kind']} {r}" for r in unfinished]

    after = database_counts(run / "mail")
    rows, mismatches = compare(expected_counts(done, world), delta(before, after))
    problems += mismatches
    entries, chain = audit_chain_problems()
    problems += chain

    served, times = {}, {}
    for log in sorted(run.glob("gunicorn-*.access.log")):
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
        count, found = access_log_problems(lines)
        served[log.name.split(".")[0]] = count
        times[log.name.split(".")[0]] = server_times(lines)
        problems += found
    times["both"] = [t for name in served for t in times[name]]
    for log in sorted([*run.glob("gunicorn-*.error.log"), *run.glob("celery.log")]):
        problems += error_log_problems(log.name, log.read_text(encoding="utf-8", errors="replace").splitlines())
    if len(served) < 2 or min(served.values(), default=0) == 0:
        problems.append(f"both application processes must serve requests: {served}")

    stats = read_stats(run / "locust_final_stats.csv")
    total = next(r for r in stats if r["Name"] == "Aggregated")
    if int(total["Failure Count"]):
        problems.append(f"locust counted {total['Failure Count']} failed requests (see locust_failures.csv)")

    exceptions = run / "locust_exceptions.csv"
    if exceptions.exists():
        with open(exceptions, encoding="utf-8") as lines:
            problems += [f"locust user code raised {r['Count']}×: {r['Message']}" for r in csv.DictReader(lines)]

    kinds = Counter(r["kind"] for r in done)
    missing = not_exercised(done, world)
    facts = (run / "run.txt").read_text(encoding="utf-8").splitlines() if (run / "run.txt").exists() else []
    report = [
        "## Run", "", *(f"- {line}" for line in facts),
        *(f"- {key}: {value}" for key, value in machine().items()), "",
        "## Figures", "", figures_table(stats), "",
        "Requests served per process (gunicorn access logs): "
        + ", ".join(f"{name} {count}" for name, count in served.items()), "",
        "Time spent in a gunicorn worker per request (access logs; the users' times above add the wait for a free "
        "worker and the network): "
        + "; ".join(f"{name} " + ", ".join(f"{k} {v} ms" for k, v in percentiles(values).items())
                    for name, values in times.items()), "",
        "## What the users did", "",
        ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items())), "",
        *([f"Not exercised in this run (too short?): {', '.join(missing)}.", ""] if missing else []),
        "## Counts: what the users did against how the database moved", "",
        "Every count below was compared; those that neither the users nor the database moved are left out.", "",
        "| count | users did | database moved | |", "| --- | ---: | ---: | --- |",
        *(f"| {key} | {e} | {a} | {'ok' if e == a else '**MISMATCH**'} |" for key, e, a in rows if e or a), "",
        f"Audit chain: {entries} entries verified." if not chain else chain[0], "",
        "## Result", "",
        "PASS: zero server errors, every response as expected, every count matches." if not problems
        else "FAIL:\n" + "\n".join(f"- {p}" for p in problems[:200]),
    ]
    return "\n".join(report), problems


def main(argv=None):
    parser = argparse.ArgumentParser(description="The load test's snapshot, drain and verification.")
    sub = parser.add_subparsers(dest="command", required=True)
    snap = sub.add_parser("snapshot")
    snap.add_argument("--out", required=True)
    drain = sub.add_parser("drain")
    drain.add_argument("--timeout", type=int, default=120)
    check = sub.add_parser("verify")
    check.add_argument("--run", required=True, help="the runner's folder")
    args = parser.parse_args(argv)
    _setup()
    if args.command == "snapshot":
        Path(args.out).write_text(json.dumps(database_counts(), indent=1), encoding="utf-8")
    elif args.command == "drain":
        if not wait_for_worker(args.timeout):
            sys.exit(f"The Celery worker did not empty its queue within {args.timeout} s.")
    else:
        report, problems = verify_run(args.run)
        (Path(args.run) / "report.md").write_text(report + "\n", encoding="utf-8")
        print(report)
        sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
