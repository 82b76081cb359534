"""The load test's verdict (loadtest/check.py) must fail when the database and the users disagree, or when a server
answered 5xx: these tests make sure it cannot pass silently. The run itself is `make loadtest` (docs/load-test.md)."""
import json

import pytest

from loadtest import check
from loadtest.ledger import Ledger, read

WORLD = {
    "assignments": {"1": 10, "2": 10, "3": 10, "4": 11, "5": 11, "6": 11},
    "criteria": 7,
    "recipients": {"unit_staff": 1, "county_staff": 1, "municipal_staff": 2},
}


def records(*kinds, **fields):
    return [{"kind": kind, **fields} for kind in kinds]


def test_expected_counts_follow_each_action_of_the_users():
    done = [
        *records("login", "login", "logout", "download", "download", "download", "refused", "upload", "save"),
        *records("create", "create", "create"),
        {"kind": "submit", "source": "draft"}, {"kind": "submit", "source": "draft"},
        {"kind": "submit", "source": "returned"},
        *records("recommend", "recommend", "return"),
        *({"kind": "score", "assignment": a} for a in (1, 2, 3, 4)),  # application 10 complete, 11 not
    ]
    expected = check.expected_counts(done, WORLD)
    assert expected["applications"] == 3
    assert expected["attachments"] == 1
    assert expected["transition:create"] == 3
    assert expected["transition:submit"] == 3
    assert expected["transition:recommend"] == 2
    assert expected["transition:return_for_revision"] == 1
    assert expected["transition:score"] == 4
    assert expected["transition:finish_review"] == 1
    assert expected["audit:transition"] == 3 + 3 + 2 + 1 + 4 + 1
    assert expected["audit_transition:finish_review"] == 1
    assert (expected["audit:login"], expected["audit:logout"]) == (2, 1)
    assert (expected["audit:download"], expected["audit:access"]) == (3, 1)
    assert expected["score_items"] == 4 * 7
    assert expected["assignments_scored"] == 4
    # a submit tells the county (1); a recommendation the 2 municipal staff and the unit; a return the unit
    assert expected["notifications"] == 3 * 1 + 2 * (2 + 1) + 1 * 1
    assert expected["emails"] == 3 + 2 * 2 + 1
    # 3 drafts, 2 of them submitted; 3 submitted (1 resubmitted), 2 recommended, 1 returned
    assert expected["status:draft"] == 1
    assert expected["status:submitted"] == 0
    assert expected["status:returned"] == 0
    assert expected["status:recommended"] == 2
    assert (expected["status:under_review"], expected["status:scored"]) == (-1, 1)


def test_a_run_names_what_it_did_not_exercise():
    done = [*records("login", "create", "save", "upload", "download", "refused", "logout", "recommend", "return"),
            {"kind": "submit", "source": "draft"}, {"kind": "score", "assignment": 1}]
    assert check.not_exercised(done, WORLD) == ["resubmit", "finish"]


def test_an_application_is_finished_only_when_every_assignment_was_scored():
    assert check.finished_applications([1, 2], WORLD["assignments"]) == 0
    assert check.finished_applications([1, 2, 3], WORLD["assignments"]) == 1
    assert check.finished_applications(["1", "2", "3", "4", "5", "6"], WORLD["assignments"]) == 2


def test_compare_passes_only_when_every_count_matches():
    rows, mismatches = check.compare({"applications": 3, "audit:login": 2}, {"applications": 3, "audit:login": 2})
    assert mismatches == []
    assert rows == [("applications", 3, 3), ("audit:login", 2, 2)]


def test_compare_reports_a_write_that_did_not_reach_the_database():
    _rows, mismatches = check.compare({"applications": 3}, {"applications": 2})
    assert mismatches == ["applications: the users did 3, the database moved by 2"]


def test_compare_reports_a_count_that_moved_although_no_user_caused_it():
    _rows, mismatches = check.compare({"transition:submit": 1}, {"transition:submit": 1, "transition:reject": 1})
    assert mismatches == ["transition:reject: the users did 0, the database moved by 1"]


def test_delta_counts_what_appeared_since_the_snapshot():
    assert check.delta({"a": 5, "b": 1}, {"a": 7, "c": 2}) == {"a": 2, "b": -1, "c": 2}


def test_the_access_log_check_finds_every_server_error():
    lines = ['200 12 "GET / HTTP/1.1" 512', '302 40 "POST /x/ HTTP/1.1" 0', '502 3 "GET /y/ HTTP/1.1" 0',
             '500 9 "POST /z/ HTTP/1.1" 0', "not an access line"]
    requests, problems = check.access_log_problems(lines)
    assert requests == 4
    assert problems == ['server error: 502 3 "GET /y/ HTTP/1.1" 0', 'server error: 500 9 "POST /z/ HTTP/1.1" 0']


def test_server_times_and_their_percentiles_come_from_the_access_log():
    lines = [f'200 {ms} "GET / HTTP/1.1" 512' for ms in range(1, 101)] + ["not an access line"]
    assert check.percentiles(check.server_times(lines)) == {"p50": 51, "p95": 96, "p99": 100, "max": 100}
    assert check.percentiles([]) == {}


def test_the_error_log_check_finds_tracebacks_timeouts_and_errors():
    lines = ["[2026-11-26 00:31:11 +0000] [1] [INFO] Booting worker with pid: 2", "Not Found: /reviews/1/",
             "Traceback (most recent call last):", "[2026-11-26 00:32:04 +0000] [1] [CRITICAL] WORKER TIMEOUT (pid:2)",
             "[2026-11-26 08:31:19,442: ERROR/MainProcess] Task core.tasks.send_email raised"]
    assert len(check.error_log_problems("gunicorn.log", lines)) == 3


def test_the_ledger_tells_done_failed_and_unanswered_actions_apart(tmp_path):
    ledger = Ledger(tmp_path)
    ledger.done(ledger.begin("create", user="lt_unit01"), location="/reviews/applications/5/edit/")
    ledger.failed(ledger.begin("submit", application=5), "refused")
    ledger.begin("score", assignment=3)  # the user was stopped before the answer came
    ledger.note("download", attachment=9)
    ledger.close()
    done, failed, unfinished = read(tmp_path)
    assert done == [{"kind": "create", "user": "lt_unit01", "location": "/reviews/applications/5/edit/"},
                    {"kind": "download", "attachment": 9}]
    assert failed == [{"kind": "submit", "application": 5, "reason": "refused"}]
    assert unfinished == [{"kind": "score", "assignment": 3}]


def test_mail_is_counted_per_message(tmp_path):
    (tmp_path / "one.log").write_text("Subject: a\n\nbody\n" + "-" * 79 + "\nSubject: b\n\n" + "-" * 79 + "\n")
    (tmp_path / "two.log").write_text("Subject: c\n\n" + "-" * 79 + "\n")
    assert check.count_mail(tmp_path) == 3


STATS_HEADER = ("Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,"
                "Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,"
                "99.99%,100%\n")


def _run_folder(path, *, failures=0, access=('200 12 "GET / HTTP/1.1" 512',)):
    """A finished run as run.sh leaves it, with the database as it is now as its `before`."""
    (path / "world.json").write_text(json.dumps(WORLD))
    (path / "before.json").write_text(json.dumps(check.database_counts()))
    (path / "mail").mkdir()
    (path / "locust_final_stats.csv").write_text(
        STATS_HEADER + f",Aggregated,10,{failures},12,15,2,80,500,1.5,0,12,13,14,15,20,30,40,50,80,80,80\n")
    for port in (8101, 8102):
        (path / f"gunicorn-{port}.access.log").write_text("\n".join(access) + "\n")
        (path / f"gunicorn-{port}.error.log").write_text("[INFO] Booting worker\n")
    return Ledger(path / "ledger")


@pytest.mark.django_db
def test_a_run_that_changed_nothing_it_did_not_claim_passes(tmp_path):
    _run_folder(tmp_path).close()
    report, problems = check.verify_run(tmp_path)
    assert problems == []
    assert "PASS" in report


@pytest.mark.django_db
def test_a_run_whose_users_claim_a_write_the_database_lacks_fails(tmp_path):
    ledger = _run_folder(tmp_path)
    ledger.done(ledger.begin("create", user="lt_unit01"))  # no application was created
    ledger.close()
    report, problems = check.verify_run(tmp_path)
    assert "applications: the users did 1, the database moved by 0" in problems
    assert "transition:create: the users did 1, the database moved by 0" in problems
    assert "MISMATCH" in report and "FAIL" in report


@pytest.mark.django_db
def test_a_server_error_or_a_failed_request_fails_the_run(tmp_path):
    _run_folder(tmp_path, failures=2, access=['200 12 "GET / HTTP/1.1" 512', '500 30 "POST /x/ HTTP/1.1" 0']).close()
    _report, problems = check.verify_run(tmp_path)
    assert sum(p.startswith("server error: 500") for p in problems) == 2  # one per process
    assert any("locust counted 2 failed requests" in p for p in problems)


@pytest.mark.django_db
def test_an_unanswered_action_fails_the_run(tmp_path):
    ledger = _run_folder(tmp_path)
    ledger.begin("submit", application=5)
    ledger.close()
    _report, problems = check.verify_run(tmp_path)
    assert any(p.startswith("no answer") for p in problems)


@pytest.mark.django_db
def test_a_run_one_process_did_not_serve_fails(tmp_path):
    _run_folder(tmp_path).close()
    (tmp_path / "gunicorn-8102.access.log").write_text("")
    _report, problems = check.verify_run(tmp_path)
    assert any(p.startswith("both application processes") for p in problems)


@pytest.mark.django_db
def test_the_verify_command_exits_non_zero_on_a_mismatch(tmp_path):
    ledger = _run_folder(tmp_path)
    ledger.note("download", attachment=1)  # no audit entry was written for it
    ledger.close()
    with pytest.raises(SystemExit) as stopped:
        check.main(["verify", "--run", str(tmp_path)])
    assert stopped.value.code == 1
    assert "audit:download" in (tmp_path / "report.md").read_text()
