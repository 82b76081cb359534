"""The benchmark's report: `python -m bench.report --run DIR` after bench/run.sh's phases.

Reads locust's figures of each phase (DIR/phases/<phase>_stats.csv), sets each page beside its limit, checks the
targets of issue 8 and compares the ratios with the committed baseline (bench/baseline.json). Writes
DIR/report.md and DIR/results.json; exits 1 when a ratio regressed by more than 20% or a request failed.
"""
import argparse
import csv
import json
import sys
from pathlib import Path

from bench.pages import PAGES, REGRESSION, TARGETS, THINK_SECONDS

BASELINE = Path(__file__).resolve().parent / "baseline.json"


def read_stats(path, name):
    """One request name's figures from locust's stats CSV, or None when the phase made no such request."""
    if not Path(path).exists():
        return None
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["Name"] == name:
                return {"requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
                        "p50": float(row["50%"]), "p95": float(row["95%"]), "p99": float(row["99%"]),
                        "rps": float(row["Requests/s"])}
    return None


def verdict(page, stats, limit, working=None):
    """PASS or FAIL against the page's targets (bench.pages.TARGETS), "—" where it has none. The p95 target is
    judged on the working users' phase where the run measured one, the throughput target on the closed loop."""
    target = TARGETS[page.kind]
    if stats is None or (target["p95_ms"] is None and target["min_ratio"] is None):
        return "—"
    if stats.get("failures") or (working or {}).get("failures"):
        return "FAIL"  # failed requests are fast and would flatter the times
    ok = target["p95_ms"] is None or (working or stats)["p95"] < target["p95_ms"]
    if target["min_ratio"] is not None:
        ok = ok and ratio(stats, limit) is not None and ratio(stats, limit) >= target["min_ratio"]
    return "PASS" if ok else "FAIL"


def ratio(stats, limit):
    if not stats or not limit or not limit["rps"]:
        return None
    return round(stats["rps"] / limit["rps"], 3)


def page_rows(phases):
    """`phases` maps "page:KEY", "limit:KEY" and "users:KEY" to their figures; a row per page of bench.pages.PAGES."""
    rows = []
    for page in PAGES:
        stats, limit = phases.get(f"page:{page.key}"), phases.get(page.limit_key)
        working = phases.get(f"users:{page.key}")
        rows.append({"key": page.key, "label": page.label, "kind": page.kind, "page": stats, "limit": limit,
                     "working": working, "ratio": ratio(stats, limit),
                     "verdict": verdict(page, stats, limit, working)})
    return rows


def regressions(rows, baseline):
    """The pages whose ratio fell by more than REGRESSION against the baseline's."""
    before = {row["key"]: row["ratio"] for row in baseline.get("pages", [])}
    found = []
    for row in rows:
        old = before.get(row["key"])
        if old and row["ratio"] is not None and row["ratio"] < old * (1 - REGRESSION):
            found.append({"key": row["key"], "baseline": old, "ratio": row["ratio"],
                          "change": round(row["ratio"] / old - 1, 3)})
    return found


def scale_out(one, two):
    """The mixed workload's throughput with one application process and with two."""
    if not one or not two or not one["rps"]:
        return None
    return {"one": one, "two": two, "growth": round(two["rps"] / one["rps"], 3)}


def transitions(run):
    """The transition requests locust counted as done, over every phase, beside the change requests the database
    shows reviewed (reviewed.txt, written by run.sh after the last phase). None when the run did not count them."""
    counted = run / "reviewed.txt"
    if not counted.exists():
        return None
    names = [name for page in PAGES if page.kind == "transition" for name in (page.key, page.limit_key)]
    done = 0
    for stats_file in (run / "phases").glob("*_stats.csv"):
        for name in names:
            stats = read_stats(stats_file, name)
            done += stats["requests"] - stats["failures"] if stats else 0
    return {"done": done, "reviewed": int(counted.read_text().strip())}


def results(phases, mixed, scaling, baseline, meta, transition_counts=None):
    rows = page_rows(phases)
    failures = sum(s["failures"] for s in [*phases.values(), mixed, *(scaling or ())] if s)
    return {"meta": meta, "pages": rows, "mixed": mixed, "scale_out": scale_out(*(scaling or (None, None))),
            "regressions": regressions(rows, baseline), "failures": failures, "transitions": transition_counts}


def transitions_differ(result):
    """Fewer reviewed than answered as done: a refusal looked like success to the client. (More reviewed is
    expected: a request still in flight when a phase ends is done by the server but never counted by locust.)"""
    counts = result.get("transitions")
    return bool(counts) and counts["reviewed"] < counts["done"]


def _ms(stats, field):
    return f"{stats[field]:.0f}" if stats else "—"


def _rps(stats):
    return f"{stats['rps']:.1f}" if stats else "—"


def markdown(result):
    meta = result["meta"]
    lines = [f"# Benchmark {meta.get('started', '')}", ""]
    lines += [f"- {key}: {value}" for key, value in meta.items()]
    users = meta.get("users", "the")
    lines += ["", "Times in ms; throughput in requests per second; ratio = the page's throughput / its limit's.",
              f"Closed loop: {users} users who never pause. Working: {users} users who read each page "
              f"{THINK_SECONDS[0]}–{THINK_SECONDS[1]} s before the next.",
              "Targets: list and detail pages p95 (working) < 150 ms and ratio (closed loop) ≥ 0.5; the transition "
              "p95 (working) < 250 ms.", "",
              "| page | working p50 | working p95 | working p99 | closed-loop p50 | p95 | p99 | req/s | "
              "limit p95 | limit req/s | ratio | target |",
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for row in result["pages"]:
        page, limit, working = row["page"], row["limit"], row.get("working")
        failed = sum(s["failures"] for s in (page, working) if s)
        failed = f" ({failed} failed)" if failed else ""
        lines.append(f"| {row['label']} (`{row['key']}`){failed} | {_ms(working, 'p50')} | {_ms(working, 'p95')} | "
                     f"{_ms(working, 'p99')} | {_ms(page, 'p50')} | {_ms(page, 'p95')} | "
                     f"{_ms(page, 'p99')} | {_rps(page)} | {_ms(limit, 'p95')} | {_rps(limit)} | "
                     f"{row['ratio'] if row['ratio'] is not None else '—'} | {row['verdict']} |")
    mixed = result["mixed"]
    lines += ["", "## Mixed workload", ""]
    lines.append(f"Every page by its weight: p50 {_ms(mixed, 'p50')} ms, p95 {_ms(mixed, 'p95')} ms, "
                 f"p99 {_ms(mixed, 'p99')} ms, {_rps(mixed)} requests/s." if mixed else "Not run.")
    scaling = result["scale_out"]
    lines += ["", "## Scale-out", ""]
    if scaling:
        lines.append(f"The mixed workload with one application process: {_rps(scaling['one'])} requests/s "
                     f"(p95 {_ms(scaling['one'], 'p95')} ms); with two: {_rps(scaling['two'])} requests/s "
                     f"(p95 {_ms(scaling['two'], 'p95')} ms): ×{scaling['growth']}.")
    else:
        lines.append("Not run.")
    lines += ["", "## Against the baseline", ""]
    if result["regressions"]:
        lines += [f"- REGRESSION `{r['key']}`: ratio {r['ratio']} against {r['baseline']} ({r['change']:+.0%})"
                  for r in result["regressions"]]
    else:
        lines.append(f"No ratio fell by more than {REGRESSION:.0%} against bench/baseline.json.")
    counts = result.get("transitions")
    if counts:
        lines += ["", "## The transition's effect", ""]
        lines.append(f"{counts['done']} transitions answered as done; {counts['reviewed']} change requests reviewed "
                     "in the database" + (": **fewer than answered as done**." if transitions_differ(result) else
                                          " (the surplus were still in flight when a phase ended)."))
    if result["failures"]:
        lines += ["", f"**{result['failures']} requests failed** (see the phases' *_failures.csv)."]
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", required=True, type=Path, help="the run's folder")
    parser.add_argument("--baseline", type=Path, default=BASELINE)
    parser.add_argument("--save-baseline", action="store_true", help="write this run's ratios as the baseline")
    options = parser.parse_args(argv)
    run = options.run
    phases = {}
    for page in PAGES:
        # locust names a page's requests by its key and its limit's by "limit:KEY" (bench/locustfile.py)
        for phase, name in ((f"page:{page.key}", page.key), (page.limit_key, page.limit_key),
                            (f"users:{page.key}", page.key)):
            stats = read_stats(run / "phases" / f"{phase.replace(':', '-')}_stats.csv", name)
            if stats:
                phases[phase] = stats
    mixed = read_stats(run / "phases" / "mixed_stats.csv", "Aggregated")
    scaling = (read_stats(run / "phases" / "scale-1_stats.csv", "Aggregated"),
               read_stats(run / "phases" / "scale-2_stats.csv", "Aggregated"))
    meta = json.loads((run / "meta.json").read_text(encoding="utf-8")) if (run / "meta.json").exists() else {}
    baseline = json.loads(options.baseline.read_text(encoding="utf-8")) if options.baseline.exists() else {}
    result = results(phases, mixed, scaling, baseline, meta, transitions(run))
    (run / "results.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    (run / "report.md").write_text(markdown(result), encoding="utf-8")
    print(markdown(result))
    if options.save_baseline:
        options.baseline.write_text(json.dumps(
            {"meta": meta, "pages": [{"key": r["key"], "ratio": r["ratio"]} for r in result["pages"]]},
            ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"baseline written: {options.baseline}")
    return 1 if result["regressions"] or result["failures"] or transitions_differ(result) else 0


if __name__ == "__main__":
    sys.exit(main())
