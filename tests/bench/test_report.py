"""The benchmark's report (bench/report.py) from sample figures in locust's CSV format: the ratios, the verdicts
against the targets, the scale-out growth and the comparison with the baseline."""
import json

import pytest

from bench import report
from bench.pages import PAGES, PAGES_BY_KEY

HEADER = ("Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,"
          "Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,"
          "99.99%,100%\n")


def stats_csv(path, name, requests, rps, p50, p95, p99, failures=0):
    """A stats file as locust writes it: the request name's row and the aggregated row."""
    row = f"GET,{name},{requests},{failures},{p50},{p50},1,{p99},100,{rps},0,{p50},{p50},{p50},{p50},{p95},{p95},{p99},{p99},{p99},{p99},{p99}\n"
    aggregated = row.replace(f"GET,{name},", ",Aggregated,", 1)
    path.write_text(HEADER + row + aggregated, encoding="utf-8")


@pytest.fixture
def run(tmp_path):
    """Every page at 100 req/s p95 100 ms in the closed loop and p95 30 ms for working users, its limit at 150 req/s
    p95 40 ms; mixed 80 and 140 req/s."""
    phases = tmp_path / "phases"
    phases.mkdir()
    for page in PAGES:
        stats_csv(phases / f"page-{page.key}_stats.csv", page.key, 2000, 100.0, 60, 100, 120)
        stats_csv(phases / f"limit-{page.key}_stats.csv", page.limit_key, 3000, 150.0, 20, 40, 50)
        stats_csv(phases / f"users-{page.key}_stats.csv", page.key, 400, 8.0, 12, 30, 45)
    stats_csv(phases / "mixed_stats.csv", "studio_list", 1500, 75.0, 90, 130, 170)
    stats_csv(phases / "scale-1_stats.csv", "studio_list", 1600, 80.0, 90, 130, 170)
    stats_csv(phases / "scale-2_stats.csv", "studio_list", 2800, 140.0, 90, 130, 170)
    (tmp_path / "meta.json").write_text(json.dumps({"started": "2026-11-26 05:00 UTC", "commit": "abc1234"}))
    return tmp_path


def _result(run):
    return json.loads((run / "results.json").read_text(encoding="utf-8"))


def test_report_sets_each_page_beside_its_limit(run, tmp_path):
    assert report.main(["--run", str(run), "--baseline", str(tmp_path / "none.json")]) == 0
    result = _result(run)
    rows = {row["key"]: row for row in result["pages"]}
    assert list(rows) == [page.key for page in PAGES]
    studio_list = rows["studio_list"]
    assert studio_list["page"] == {"requests": 2000, "failures": 0, "p50": 60.0, "p95": 100.0, "p99": 120.0,
                                   "rps": 100.0}
    assert studio_list["limit"]["rps"] == 150.0 and studio_list["limit"]["p95"] == 40.0
    assert studio_list["working"]["p95"] == 30.0 and studio_list["working"]["requests"] == 400
    assert studio_list["ratio"] == 0.667
    assert studio_list["verdict"] == "PASS"
    assert rows["change_agree"]["verdict"] == "PASS"  # the transition: p95 under 250 ms
    assert rows["studio_export"]["verdict"] == "—"
    assert result["mixed"]["rps"] == 75.0
    assert result["scale_out"]["growth"] == 1.75
    markdown = (run / "report.md").read_text(encoding="utf-8")
    assert ("| 创新工作室: titled, one naming year (`studio_list`) | 12 | 30 | 45 | 60 | 100 | 120 | 100.0 | 40 | 150.0 "
            "| 0.667 | PASS |") in markdown
    assert "×1.75" in markdown


@pytest.mark.parametrize("kind, p95, page_rps, expected", [
    ("read", 149, 75, "PASS"),
    ("read", 150, 75, "FAIL"),  # p95 must be under 150 ms
    ("read", 100, 74, "FAIL"),  # under half the limit's throughput (150 req/s)
    ("transition", 249, 1, "PASS"),  # the transition has no throughput target
    ("transition", 250, 150, "FAIL"),
])
def test_verdicts_follow_the_targets(kind, p95, page_rps, expected):
    page = next(p for p in PAGES if p.kind == kind)
    stats = {"p95": p95, "rps": page_rps}
    assert report.verdict(page, stats, {"p95": 10, "rps": 150}) == expected


@pytest.mark.parametrize("closed_loop_p95, working_p95, expected", [
    (900, 149, "PASS"),  # 20 users who never pause queue behind each other: their p95 is not the target's
    (100, 150, "FAIL"),  # the working users' p95 is
])
def test_the_p95_target_is_judged_on_the_working_users_where_measured(closed_loop_p95, working_p95, expected):
    page = next(p for p in PAGES if p.kind == "read")
    stats, working = {"p95": closed_loop_p95, "rps": 100}, {"p95": working_p95, "rps": 8}
    assert report.verdict(page, stats, {"p95": 10, "rps": 150}, working) == expected


def test_failed_requests_of_the_working_users_fail_the_page():
    page = next(p for p in PAGES if p.kind == "read")
    working = {"p95": 10, "rps": 8, "requests": 400, "failures": 1}
    assert report.verdict(page, {"p95": 10, "rps": 100}, {"p95": 10, "rps": 150}, working) == "FAIL"


@pytest.mark.parametrize("requests, failures", [(1000, 1), (500, 500)])
def test_a_page_with_failed_requests_fails_its_targets_however_fast(requests, failures):
    # A request refused at once is fast: without this, a transition whose pool ran out would PASS at 0 ms.
    page = next(p for p in PAGES if p.kind == "transition")
    stats = {"p95": 0, "rps": 9999, "requests": requests, "failures": failures}
    assert report.verdict(page, stats, {"p95": 10, "rps": 150}) == "FAIL"


def test_a_ratio_fallen_by_more_than_a_fifth_is_a_regression(run, tmp_path):
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps({"pages": [{"key": "studio_list", "ratio": 0.84},  # 0.667 is 20.6% lower
                                              {"key": "registry", "ratio": 0.83},  # 0.667 is 19.6% lower
                                              {"key": "studio_detail", "ratio": None}]}))
    assert report.main(["--run", str(run), "--baseline", str(baseline)]) == 1
    assert _result(run)["regressions"] == [{"key": "studio_list", "baseline": 0.84, "ratio": 0.667, "change": -0.206}]
    assert "REGRESSION `studio_list`" in (run / "report.md").read_text(encoding="utf-8")


def test_saving_the_baseline_writes_this_runs_ratios(run, tmp_path):
    baseline = tmp_path / "baseline.json"
    assert report.main(["--run", str(run), "--baseline", str(baseline), "--save-baseline"]) == 0
    saved = json.loads(baseline.read_text(encoding="utf-8"))
    assert saved["meta"]["commit"] == "abc1234"
    assert {row["key"]: row["ratio"] for row in saved["pages"]} == {page.key: 0.667 for page in PAGES}
    # The same run again against it: no regression.
    assert report.main(["--run", str(run), "--baseline", str(baseline)]) == 0


def test_failed_requests_fail_the_run(run, tmp_path):
    stats_csv(run / "phases" / "page-registry_stats.csv", "registry", 2000, 100.0, 60, 100, 120, failures=3)
    assert report.main(["--run", str(run), "--baseline", str(tmp_path / "none.json")]) == 1
    assert _result(run)["failures"] == 3
    assert "(3 failed)" in (run / "report.md").read_text(encoding="utf-8")


def test_a_page_not_measured_has_no_figures_and_no_verdict(run, tmp_path):
    (run / "phases" / "limit-registry_stats.csv").unlink()
    report.main(["--run", str(run), "--baseline", str(tmp_path / "none.json")])
    row = next(r for r in _result(run)["pages"] if r["key"] == "registry")
    assert row["limit"] is None and row["ratio"] is None and row["verdict"] == "FAIL"
    assert PAGES_BY_KEY["registry"].kind == "read"


@pytest.mark.parametrize("reviewed, status", [(5400, 0), (5420, 0), (5390, 1)])
def test_transitions_counted_by_the_client_must_match_the_database(run, tmp_path, reviewed, status):
    # The fixture's transition: 2,000 done on its page, 3,000 on its limit and 400 by working users. More reviewed
    # is a request still in flight as a phase ended; fewer is a refusal that the client took for success.
    (run / "reviewed.txt").write_text(f"{reviewed}\n")
    assert report.main(["--run", str(run), "--baseline", str(tmp_path / "none.json")]) == status
    assert _result(run)["transitions"] == {"done": 5400, "reviewed": reviewed}
    text = (run / "report.md").read_text(encoding="utf-8")
    assert ("fewer than answered as done" in text) == bool(status)
