"""The benchmark's workload (bench/locustfile.py) covers every page the report lists. The suite never imports
locust in its own process (it monkey-patches, STACK-NOTES.md), so the locustfile is imported in a child process
where locust is installed (`make bench` installs it) and compiled where it is not (`make test` leaves it out)."""
import importlib.util
import py_compile
import subprocess
import sys
from pathlib import Path

import pytest

from bench import report
from bench.pages import PAGES, PAGES_BY_KEY, TARGETS, THINK_SECONDS, phase_pages, thinks

LOCUSTFILE = Path(__file__).resolve().parents[2] / "bench" / "locustfile.py"


def test_the_mixed_phase_requests_every_page_and_each_page_has_its_three_phases():
    pages, limits = phase_pages("mixed")
    assert [p.key for p in pages] == [p.key for p in PAGES] and not limits
    for page in PAGES:
        assert phase_pages(f"page:{page.key}") == ([page], False)
        assert phase_pages(f"limit:{page.key}") == ([page], True)
        assert phase_pages(f"users:{page.key}") == ([page], False) and thinks(f"users:{page.key}")
        assert not thinks(f"page:{page.key}") and not thinks(f"limit:{page.key}")
        assert page.kind in TARGETS and page.weight > 0
    with pytest.raises(SystemExit):
        phase_pages("page:nothing")


def test_the_report_lists_exactly_the_pages_of_the_workload():
    assert [row["key"] for row in report.page_rows({})] == list(PAGES_BY_KEY)


def test_the_locustfile_imports_with_every_phase(tmp_path):
    if importlib.util.find_spec("locust") is None:
        py_compile.compile(str(LOCUSTFILE), cfile=str(tmp_path / "locustfile.pyc"), doraise=True)
        return
    world = tmp_path / "world.json"
    world.write_text('{"paths": {}, "pool": [], "sessions": {}}')
    code = ("import bench.locustfile as l; "
            "print(l.BenchUser.tasks[0].__name__, ','.join(p.key for p in l.PHASE_PAGES), l.LIMITS, "
            "l.BenchUser.wait_time(None))")
    for phase, expected in [("mixed", ",".join(PAGES_BY_KEY) + " False 0"), ("limit:registry", "registry True 0")]:
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                             cwd=LOCUSTFILE.parents[1], env={"BENCH_PHASE": phase, "BENCH_WORLD": str(world),
                                                             "PATH": "/usr/bin:/bin"})
        assert out.stdout.split() == ["request_a_page", *expected.split()]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=LOCUSTFILE.parents[1], env={"BENCH_PHASE": "users:registry", "BENCH_WORLD": str(world),
                                                         "PATH": "/usr/bin:/bin"})
    function, pages, limits, pause = out.stdout.split()
    assert (function, pages, limits) == ("request_a_page", "registry", "False")
    assert THINK_SECONDS[0] <= float(pause) <= THINK_SECONDS[1]  # a working user reads the page first
