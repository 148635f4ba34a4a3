"""Smoke test of the benchmark (`make bench`) on tiny data, so that it never rots: data, query counts, load, table.

The full run is not part of the suite; this one takes a few seconds.
"""

import asyncio
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench import data, load, run, stack
from bench import search as search_bench
from bench.queries import FIRST_SAVE, PAGES, RESULTS_FRESH, count_queries

STEP_KEYS = {"scenario", "clients", "seconds", "requests", "errors", "rps", "p50_ms", "p90_ms", "p95_ms", "p99_ms"}


def step(live_server, plan, scenario, clients, **options):
    # A loop of its own in a thread: the browser tests' Playwright may keep an event loop running in this one.
    measure = load.run_step(target=live_server.url, plan=plan, scenario=scenario, clients=clients, **options)
    with ThreadPoolExecutor(max_workers=1) as runner:
        result = runner.submit(asyncio.run, measure).result().__dict__
    assert set(result) >= STEP_KEYS
    assert result["requests"] > 0, result
    assert result["errors"] == 0, result
    assert result["p50_ms"] <= result["p90_ms"] <= result["p95_ms"] <= result["p99_ms"] <= result["max_ms"]
    return result


@pytest.mark.urls("bench.urls")
@pytest.mark.django_db(transaction=True)
def test_tiny_region_measured_end_to_end(live_server):
    plan = data.generate_region(size=data.TINY)
    assert plan["counts"]["companies"] >= data.TINY.companies
    assert plan["counts"]["submitted"] == data.TINY.submitted
    assert plan["counts"]["questions"] == data.TINY.questions
    assert plan["pages"] == data.TINY.pages and plan["tokens"]
    # Every page has fields to post, and page 1 a field for each of its questions' codes.
    assert all(plan["post"][str(n)] for n in range(1, plan["pages"] + 1))

    measured = count_queries(plan, cpu_runs=1)
    assert set(measured["queries"]) == {*PAGES, FIRST_SAVE, RESULTS_FRESH}
    assert measured["queries"]["floor"] == 0
    assert measured["queries"]["admin login"] == 0  # no session yet: the yardstick reads no table
    assert measured["queries"][FIRST_SAVE] > measured["queries"]["survey save POST"]
    # The results page computes its figures only when the cache has none for the responses as they are.
    assert measured["queries"][RESULTS_FRESH] > measured["queries"]["results"]
    assert all(ms > 0 for ms in measured["cpu_ms"].values())
    assert measured["wall_ms"][RESULTS_FRESH] > 0
    # The search: the index rebuilt from the bulk-written data, a note indexed, the same query count for every word.
    measured["search"] = search_bench.measure(plan, runs=2)
    assert measured["search"]["entries"] > 0 and measured["search"]["index_note_ms"]["p50"] > 0
    assert len({entry["queries"] for entry in measured["search"]["queries"].values()}) == 1

    seconds = {"seconds": 0.6, "warmup": 0.2}
    steps = [
        step(live_server, plan, "floor", 2, **seconds),
        step(live_server, plan, "admin_login", 2, **seconds),
        step(live_server, plan, "survey_get", 2, **seconds),
        step(live_server, plan, "survey_post", 2, **seconds),
        *(
            step(live_server, plan, "survey_get", 2, path=run.page_path(number), **seconds)
            for number in range(1, plan["pages"] + 1)
        ),
    ]
    staff = {
        name: step(live_server, plan, "staff", 1, path=path, seconds=5, warmup=0, max_requests=2, warmup_requests=1)
        for name, path in plan["staff_pages"].items()
    }
    assert all(result["requests"] == 2 for result in staff.values())

    # The runner's table and targets from figures of this shape.
    size = {
        "data": plan["counts"],
        "pages": plan["pages"],
        **measured,
        "steps": [{**s, "clients": c} for s in steps for c in (10, 50)],
        "staff": staff,
        "worker_rss_mb": [90.0],
        "report": {"seconds": 1.0, "peak_rss_mb": 200.0, "pages": 3},
    }
    results = {"settings": {"clients": [10, 50]}, "sizes": {"village": size, "region": size}}
    results["targets"] = run.targets(results)
    assert {"target", "value", "limit", "ok"} == set(results["targets"][0])
    assert any(t["target"] == "queries equal at both sizes: dashboard" and t["ok"] for t in results["targets"])
    text = run.table(results)
    assert "survey GET, random pages × 50" in text and "admin login × 10" in text and "targets:" in text
    last = f"survey page {plan['pages']} GET"
    assert f"{last} × 50: req/s (× admin login)" in text
    names = {t["target"] for t in results["targets"]}
    assert f"region: {last} req/s at 50 clients, × admin login" in names
    assert "village: save POST p90 at 10 clients, ms" in names
    assert f"wall ms (SQL too): {RESULTS_FRESH}" in text
    assert "search: a note indexed" in text
    assert any(t["target"] == "search queries equal whatever the hits" and t["ok"] for t in results["targets"])


def test_load_goes_only_to_loopback():
    assert load.check_loopback("http://127.0.0.1:8000") == ("127.0.0.1", 8000)
    assert load.check_loopback("http://localhost:9000") == ("localhost", 9000)
    for target in ("http://10.0.0.5:8000", "http://192.168.1.2/", "https://127.0.0.1:8000", "http://example.fi/"):
        with pytest.raises(ValueError):
            load.check_loopback(target)


def test_percentile_is_nearest_rank():
    values = [float(n) for n in range(1, 101)]
    assert load.percentile(values, 0.5) == 50.0
    assert load.percentile(values, 0.95) == 95.0
    assert load.percentile(values, 0.99) == 99.0
    assert load.percentile([], 0.5) is None


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_every_started_process_is_stopped_even_on_failure(tmp_path):
    processes = stack.Processes(tmp_path)
    # A parent with a child of its own, as gunicorn's master and its workers are.
    sleep = "import time; time.sleep(60)"
    code = f"import subprocess, sys; subprocess.Popen([sys.executable, '-c', {sleep!r}]); {sleep}"
    parent = processes.start("sleeper", [sys.executable, "-c", code], {})
    deadline = time.monotonic() + 10
    while not stack.children(parent.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    (child,) = stack.children(parent.pid)
    with pytest.raises(RuntimeError):
        try:
            raise RuntimeError("a step failed")
        finally:
            processes.stop_all()
    # A signalled process takes a moment to go; the grandchild is reaped by whoever adopted it.
    deadline = time.monotonic() + 10
    while (_alive(parent.pid) or _alive(child)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(parent.pid) and not _alive(child)
    assert processes.running == {}


def test_a_child_that_overruns_is_killed():
    with pytest.raises(subprocess.TimeoutExpired):
        stack.run_child([sys.executable, "-c", "import time; time.sleep(30)"], {}, timeout=0.5)
