"""`make bench`: the portal on its production stack at two sizes of data, measured against Django's floor.

For each size (the village of load_demo; a large region of 5,000 companies) the runner makes a database, generates
the data, counts each page's queries in-process, starts gunicorn (gunicorn.conf.py, DEBUG off, whitenoise) and a
Celery worker, runs bounded load steps from a second process on the loopback interface, reads the workers' memory,
stops everything, and times the development plan's PDF in a process of its own. It prints one table and writes
bench/results.json.

    python -m bench.run [--sizes village,region] [--seconds 15] [--clients 10,50]   # DATABASE_URL, REDIS_URL set
"""

import argparse
import datetime
import json
import os
import platform
import secrets
import shutil
import signal
import sys
import time
from pathlib import Path
from typing import Any

from . import stack
from .queries import FIRST_SAVE, PAGES, RESULTS_FRESH

BASE_DIR = stack.BASE_DIR
RESULTS = BASE_DIR / "bench" / "results.json"
DB_PREFIX = os.environ.get("BENCH_DB_PREFIX", "teknokyla_bench")
STAFF_PAGES = ("dashboard", "results", "directory", "board")
STAFF_REQUESTS = 20  # timed requests per staff page (after two untimed ones)
STAFF_BUDGET = 40.0  # seconds per staff page at most
LOAD_SETUP_ALLOWANCE = 180  # seconds for a load step's set-up (link openings, logins) on top of its run time
MB = 1024 * 1024

# Targets of the issues, on a 2-core machine with the load generator on the same machine.
SHARE_OF_ADMIN_LOGIN = 0.5  # a survey page's throughput against Django's admin login page, at the most clients
P90_AT_10_MS = 100  # a survey page's p90 at the fewest clients
STAFF_MS = 300
REPORT_VILLAGE_S = 10
REPORT_REGION_S = 120
REPORT_REGION_MB = 1024
WORKER_RSS_MB = 120
SEARCH_P95_MS = 100
INDEX_NOTE_MS = 50


class Stopped(Exception):
    """SIGTERM reached the runner."""


def _on_term(signum, frame):
    raise Stopped()


def machine() -> dict:
    """What the figures came from."""
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        lines = cpuinfo.read_text().splitlines()
        model = next((ln.split(":", 1)[1].strip() for ln in lines if "model name" in ln), "")
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    memory = next((int(ln.split()[1]) // 1024 for ln in meminfo if ln.startswith("MemTotal")), None)
    import django
    import gunicorn

    return {
        "cpu": model,
        "cores": len(os.sched_getaffinity(0)),
        "memory_mb": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


class Runner:
    def __init__(self, args, work: Path):
        self.args = args
        self.work = work
        self.base_url = os.environ["DATABASE_URL"]
        self.processes = stack.Processes(work)
        self.databases: list[str] = []
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DEBUG": "False",
            "SECURE_SSL_REDIRECT": "False",
            "SECRET_KEY": "bench-" + secrets.token_urlsafe(48),
            "BENCH_STATIC_ROOT": str(work / "static"),
            "BENCH_CACHE_PREFIX": f"teknokyla-bench-{secrets.token_hex(4)}",
            "PRIVATE_ROOT": str(work / "private"),
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
        self.log = work / "children.log"

    def say(self, text: str) -> None:
        print(f"· {text}", flush=True)

    def env_for(self, database: str) -> dict[str, str]:
        return {**self.env, "DATABASE_URL": stack.database_url(self.base_url, database)}

    def child(self, module: str, *args: str, database: str, timeout: float = 900) -> str:
        return stack.run_child([sys.executable, "-m", module, *args], self.env_for(database), timeout, self.log)

    def manage(self, *args: str, database: str, timeout: float = 900) -> None:
        stack.run_child([sys.executable, "manage.py", *args], self.env_for(database), timeout, self.log)

    # Steps -----------------------------------------------------------------------------------------------------

    def prepare(self, size: str) -> tuple[str, dict]:
        """The size's database with its data, and the plan the load follows."""
        database = f"{DB_PREFIX}_{size}"
        started = time.monotonic()
        # The region is made on a copy of the village taken before any load touched it (see measure).
        if database not in self.databases:
            stack.create_database(self.base_url, database)
            self.databases.append(database)
            self.manage("migrate", "--no-input", "-v0", database=database)
        plan_path = self.work / f"plan-{size}.json"
        self.child("bench.data", "--size", size, "--plan", str(plan_path), database=database)
        plan = json.loads(plan_path.read_text())
        plan["path"] = str(plan_path)
        self.say(f"{size}: data ready in {time.monotonic() - started:.0f} s: {plan['counts']}")
        return database, plan

    def load(self, port: int, plan: dict, scenario: str, clients: int, **options) -> dict:
        args = [
            "--target", f"http://127.0.0.1:{port}", "--plan", plan["path"], "--scenario", scenario,
            "--clients", str(clients), "--seconds", str(options.get("seconds", self.args.seconds)),
            "--warmup", str(options.get("warmup", self.args.warmup)),
        ]  # fmt: skip
        if options.get("path"):
            args += ["--path", options["path"]]
        if options.get("max_requests"):
            args += ["--max-requests", str(options["max_requests"]), "--warmup-requests", "2"]
        timeout = options.get("seconds", self.args.seconds) + self.args.warmup + LOAD_SETUP_ALLOWANCE
        master = self.processes.running["gunicorn"].pid
        cpu_before, machine_before = stack.server_cpu_seconds(master), stack.machine_cpu()
        clock = time.monotonic()
        result = json.loads(stack.run_child([sys.executable, "-m", "bench.load", *args], self.env, timeout, self.log))
        elapsed = time.monotonic() - clock
        machine_after = stack.machine_cpu()
        # Shares of the whole run of the step (set-up included), in cores: what the server and the machine were busy.
        result["server_cores"] = round((stack.server_cpu_seconds(master) - cpu_before) / elapsed, 2)
        result["machine_cores"] = round((machine_after[0] - machine_before[0]) / elapsed, 2)
        label = result["path"] or scenario
        self.say(
            f"  {label} × {clients}: {result['rps']} req/s, p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, "
            f"errors {result['errors']}"
        )
        return result

    def measure(self, size: str) -> dict:
        database, plan = self.prepare(size)
        if size == "village" and "region" in self.args.sizes:
            # The region starts from a copy of the village as generated, before any load has touched it.
            stack.create_database(self.base_url, f"{DB_PREFIX}_region", template=database)
            self.databases.append(f"{DB_PREFIX}_region")
        result = {"data": plan["counts"], "survey": plan["survey"], "pages": plan["pages"]}
        result.update(json.loads(self.child("bench.queries", "--plan", plan["path"], database=database)))
        self.say(f"{size}: queries per page {result['queries']}, Django CPU ms per page {result['cpu_ms']}")
        result["search"] = json.loads(
            self.child("bench.search", "--plan", plan["path"], database=database, timeout=3600)
        )
        search = result["search"]
        self.say(
            f"{size}: search index of {search['entries']} entries rebuilt in {search['rebuild_s']} s; a note indexed"
            f" in {search['index_note_ms']['p95']} ms p95; search p95 {search['search_p95_ms']} ms"
        )

        port = stack.free_port()
        env = {**self.env_for(database), "GUNICORN_BIND": f"127.0.0.1:{port}"}
        try:
            gunicorn = self.processes.start("gunicorn", stack.gunicorn_command(port), env)
            self.processes.start("celery", stack.celery_command(f"bench-{os.getpid()}"), env)
            try:
                stack.wait_http(port, "/healthz", gunicorn)
            except RuntimeError as error:
                raise RuntimeError(f"{error}\n{self.processes.log_tail('gunicorn')}") from None
            self.say(f"{size}: gunicorn on 127.0.0.1:{port} with {len(stack.children(gunicorn.pid))} workers")
            stack.ping_worker(env)
            self.say(f"{size}: the Celery worker answers")
            # Untimed: every worker has loaded the portal (they boot lazily) before anything is measured.
            self.load(port, plan, "floor", max(self.args.clients), seconds=5, warmup=1)
            steps = []
            for scenario in ("floor", "admin_login", "survey_get", "survey_post"):
                for clients in self.args.clients:
                    steps.append(self.load(port, plan, scenario, clients))
            # Every question page on its own: a page of 25 questions, a page with the workforce table.
            for number in range(1, plan["pages"] + 1):
                for clients in self.args.clients:
                    steps.append(
                        self.load(port, plan, "survey_get", clients, path=page_path(number),
                                  seconds=self.args.page_seconds)
                    )  # fmt: skip
            result["steps"] = steps
            result["staff"] = {}
            for name in STAFF_PAGES:
                result["staff"][name] = self.load(
                    port, plan, "staff", 1, path=plan["staff_pages"][name], seconds=STAFF_BUDGET, warmup=0,
                    max_requests=STAFF_REQUESTS,
                )  # fmt: skip
            workers = stack.children(gunicorn.pid)
            result["gunicorn_workers"] = len(workers)
            result["worker_rss_mb"] = [stack.rss_mb(pid) for pid in workers]
            if size == "village" or self.args.worker_report:
                result["report_via_worker"] = json.loads(
                    self.child("bench.report", "--survey", plan["survey"], "--via-worker", database=database)
                )
                self.say(f"{size}: report through the Celery worker {result['report_via_worker']}")
        finally:
            self.processes.stop_all()
        result["report"] = json.loads(self.child("bench.report", "--survey", plan["survey"], database=database))
        self.say(f"{size}: report {result['report']}")
        return result

    def run(self) -> dict:
        started = time.monotonic()
        results: dict[str, Any] = {
            "started_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "machine": {**machine(), "postgresql": stack.server_version(self.base_url)},
            "settings": {
                "seconds": self.args.seconds,
                "page_seconds": self.args.page_seconds,
                "warmup": self.args.warmup,
                "clients": self.args.clients,
                "staff_requests": STAFF_REQUESTS,
            },
            "sizes": {},
        }
        self.say("collectstatic into a temporary STATIC_ROOT")
        self.manage("collectstatic", "--no-input", "-v0", database="postgres")
        try:
            for size in self.args.sizes:
                results["sizes"][size] = self.measure(size)
        finally:
            self.processes.stop_all()
            if not self.args.keep_databases:
                for database in self.databases:
                    stack.drop_database(self.base_url, database)
        results["duration_s"] = round(time.monotonic() - started)
        results["targets"] = targets(results)
        return results


# Targets and the table ---------------------------------------------------------------------------------------------


def page_path(number: int) -> str:
    return f"/survey/page/{number}/"


def _step(size: dict, scenario: str, clients: int, path: str = "") -> dict | None:
    """The step of a scenario and a number of clients; the random pages' one unless a path is given."""
    steps = size.get("steps", [])
    return next(
        (s for s in steps if s["scenario"] == scenario and s["clients"] == clients and s.get("path", "") == path),
        None,
    )


def _survey_steps(size: dict) -> list[tuple[str, str, str]]:
    """(label, scenario, path) of every survey step: the random pages, the save, each page alone."""
    steps = [("survey GET, random pages", "survey_get", ""), ("save POST", "survey_post", "")]
    pages = size.get("pages", 0)
    return steps + [(f"survey page {n} GET", "survey_get", page_path(n)) for n in range(1, pages + 1)]


def _server_ms(step: dict | None) -> str:
    """The server's CPU per request of a step (gunicorn's master and workers), in ms."""
    if not step or not step.get("rps") or step.get("server_cores") is None:
        return "–"
    return f"{1000 * step['server_cores'] / step['rps']:.1f}"


def targets(results: dict) -> list[dict]:
    """Each target of the issue with the figure measured for it."""
    rows = []

    def add(name, value, limit, ok):
        rows.append({"target": name, "value": value, "limit": limit, "ok": bool(ok)})

    sizes = results["sizes"]
    for size_name, size in sizes.items():
        top = max(results["settings"]["clients"])
        low = min(results["settings"]["clients"])
        admin = _step(size, "admin_login", top)
        for label, scenario, path in _survey_steps(size):
            step = _step(size, scenario, top, path)
            if admin and step and admin["rps"]:
                share = step["rps"] / admin["rps"]
                add(f"{size_name}: {label} req/s at {top} clients, × admin login", round(share, 2),
                    SHARE_OF_ADMIN_LOGIN, share >= SHARE_OF_ADMIN_LOGIN)  # fmt: skip
            step = _step(size, scenario, low, path)
            if step:
                add(f"{size_name}: {label} p90 at {low} clients, ms", step["p90_ms"], P90_AT_10_MS,
                    step["p90_ms"] is not None and step["p90_ms"] < P90_AT_10_MS)  # fmt: skip
        errors = sum(s["errors"] for s in size.get("steps", [])) + sum(s["errors"] for s in size["staff"].values())
        add(f"{size_name}: failed requests", errors, 0, errors == 0)
        rss = max((r for r in size.get("worker_rss_mb", []) if r is not None), default=None)
        add(f"{size_name}: largest gunicorn worker RSS after the run, MB", rss, WORKER_RSS_MB,
            rss is not None and rss < WORKER_RSS_MB)  # fmt: skip
    if "region" in sizes:
        for name, step in sizes["region"]["staff"].items():
            add(
                f"region: {name} p50, ms",
                step["p50_ms"],
                STAFF_MS,
                step["p50_ms"] is not None and step["p50_ms"] < STAFF_MS,
            )
    if "village" in sizes and "region" in sizes:
        village, region = sizes["village"]["queries"], sizes["region"]["queries"]
        for page in PAGES:
            add(f"queries equal at both sizes: {page}", f"{village.get(page)} / {region.get(page)}", "equal",
                village.get(page) == region.get(page))  # fmt: skip
        grow_time = sizes["region"]["report"]["seconds"] / max(sizes["village"]["report"]["seconds"], 0.01)
        grow_data = sizes["region"]["data"]["answers"] / max(sizes["village"]["data"]["answers"], 1)
        add("report time grows no faster than the answers (time ratio ≤ data ratio)",
            f"{grow_time:.1f}× / {grow_data:.0f}×", "≤", grow_time <= grow_data)  # fmt: skip
    for size_name, size in sizes.items():
        search = size.get("search")
        if search:
            add(f"{size_name}: search p95 (slowest of the words), ms", search["search_p95_ms"], SEARCH_P95_MS,
                search["search_p95_ms"] < SEARCH_P95_MS)  # fmt: skip
            add(f"{size_name}: indexing a typical note p95, ms", search["index_note_ms"]["p95"], INDEX_NOTE_MS,
                search["index_note_ms"]["p95"] < INDEX_NOTE_MS)  # fmt: skip
    if "village" in sizes and "region" in sizes and "search" in sizes["region"]:
        counts = {
            name: {q: entry["queries"] for q, entry in sizes[name]["search"]["queries"].items()}
            for name in ("village", "region")
        }
        add("search queries equal whatever the hits", f"{set(counts['village'].values())} / "
            f"{set(counts['region'].values())}", "equal", counts["village"] == counts["region"]
            and len(set(counts["region"].values())) == 1)  # fmt: skip
    if "village" in sizes:
        seconds = sizes["village"]["report"]["seconds"]
        add("village: report, s", seconds, REPORT_VILLAGE_S, seconds < REPORT_VILLAGE_S)
    if "region" in sizes:
        report = sizes["region"]["report"]
        add("region: report, s", report["seconds"], REPORT_REGION_S, report["seconds"] < REPORT_REGION_S)
        add(
            "region: report peak RSS, MB",
            report["peak_rss_mb"],
            REPORT_REGION_MB,
            report["peak_rss_mb"] < REPORT_REGION_MB,
        )
    return rows


def _lat(step: dict | None) -> str:
    if not step:
        return "–"
    return f"{step['p50_ms']}/{step.get('p90_ms', '–')}/{step['p95_ms']}"


def table(results: dict) -> str:
    """One table: a line per figure, a column per size."""
    names = list(results["sizes"])
    sizes = [results["sizes"][n] for n in names]
    lines = []

    def row(label, values):
        lines.append(f"{label:<46}" + "".join(f"{v!s:>24}" for v in values))

    row("", names)
    row("data: companies / submitted / questions", [
        f"{s['data']['companies']} / {s['data']['submitted']} / {s['data']['questions']}" for s in sizes
    ])  # fmt: skip
    for clients in results["settings"]["clients"]:
        for scenario, label in (("floor", "floor"), ("admin_login", "admin login")):
            row(f"{label} × {clients}: req/s", [
                f"{step['rps']:.0f}" if (step := _step(s, scenario, clients)) else "–" for s in sizes
            ])  # fmt: skip
            row(f"{label} × {clients}: p50/p90/p95 ms", [_lat(_step(s, scenario, clients)) for s in sizes])
            row(f"{label} × {clients}: server CPU ms per request", [_server_ms(_step(s, scenario, clients))
                                                                      for s in sizes])  # fmt: skip
    pages = max((s.get("pages", 0) for s in sizes), default=0)
    for clients in results["settings"]["clients"]:
        for label, scenario, path in _survey_steps({"pages": pages}):
            values = []
            for s in sizes:
                step, admin = _step(s, scenario, clients, path), _step(s, "admin_login", clients)
                if step is None:
                    values.append("–")
                    continue
                share = f" ({step['rps'] / admin['rps']:.2f}×)" if admin and admin["rps"] else ""
                values.append(f"{step['rps']:.0f}{share}")
            row(f"{label} × {clients}: req/s (× admin login)", values)
            row(f"{label} × {clients}: p50/p90/p95 ms", [_lat(_step(s, scenario, clients, path)) for s in sizes])
            row(f"{label} × {clients}: server CPU ms per request", [_server_ms(_step(s, scenario, clients, path))
                                                                      for s in sizes])  # fmt: skip
    for page in STAFF_PAGES:
        row(f"staff {page}: p50/p95 ms", [f"{s['staff'][page]['p50_ms']}/{s['staff'][page]['p95_ms']}" for s in sizes])
    for page in (*PAGES, FIRST_SAVE, RESULTS_FRESH):
        row(f"queries: {page}", [s["queries"].get(page, "–") for s in sizes])
    for page in (*PAGES, RESULTS_FRESH):
        row(f"Django CPU ms: {page}", [s["cpu_ms"].get(page, "–") for s in sizes])
    row(f"wall ms (SQL too): {RESULTS_FRESH}", [s.get("wall_ms", {}).get(RESULTS_FRESH, "–") for s in sizes])
    row("gunicorn worker RSS after the run, MB", [max(r for r in s["worker_rss_mb"] if r) for s in sizes])
    row("report: s / peak RSS MB / pages", [
        f"{s['report']['seconds']} / {s['report']['peak_rss_mb']:.0f} / {s['report']['pages']}" for s in sizes
    ])  # fmt: skip
    row("search: index entries / rebuild s", [
        f"{s['search']['entries']} / {s['search']['rebuild_s']}" if "search" in s else "–" for s in sizes
    ])  # fmt: skip
    row("search: a note indexed p50/p95 ms", [
        f"{s['search']['index_note_ms']['p50']}/{s['search']['index_note_ms']['p95']}" if "search" in s else "–"
        for s in sizes
    ])  # fmt: skip
    for q in ("kiertotalouden", "kasvun"):
        row(f"search {q!r}: hits, queries, p50/p95 ms", [
            "{hits}, {queries}, {p50_ms}/{p95_ms}".format(**s["search"]["queries"][q]) if "search" in s else "–"
            for s in sizes
        ])  # fmt: skip
    row("report through the worker, s", [s.get("report_via_worker", {}).get("seconds", "–") for s in sizes])
    lines.append("")
    lines.append("targets:")
    for target in results["targets"]:
        mark = "ok  " if target["ok"] else "MISS"
        lines.append(f"  {mark} {target['target']}: {target['value']} (target {target['limit']})")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--sizes", default="village,region", help="village, region or both (comma-separated)")
    parser.add_argument("--seconds", type=float, default=15, help="timed seconds per load step")
    parser.add_argument("--page-seconds", type=float, default=6, help="timed seconds per step of one survey page")
    parser.add_argument("--warmup", type=float, default=3, help="untimed seconds before each load step")
    parser.add_argument("--clients", default="10,50", help="concurrent clients per step (comma-separated)")
    parser.add_argument("--worker-report", action="store_true", help="also build the region's report via Celery")
    parser.add_argument("--keep-databases", action="store_true", help="leave the bench databases for a look")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    args.sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    args.clients = [int(c) for c in args.clients.split(",")]
    if not set(args.sizes) <= {"village", "region"} or not args.sizes:
        parser.error("--sizes takes village, region or both")
    if not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL"):
        parser.error("DATABASE_URL and REDIS_URL must be set (make bench sets them)")
    # devservices exec ignores Ctrl-C for itself, and the ignore is inherited: take it back, and SIGTERM too.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _on_term)
    # The run's logs, plans and static files; kept until the next run, for a look after a failure.
    work = BASE_DIR / "var" / "bench" / "last-run"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    runner = Runner(args, work)
    try:
        results = runner.run()
    except (KeyboardInterrupt, Stopped):
        print("· stopped; every process the bench started has been ended", file=sys.stderr)
        return 130
    except Exception:
        print(f"· the bench failed; its logs are in {work}", file=sys.stderr)
        raise
    print()
    print(table(results))
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"\n· written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
