"""The query count and Django's own CPU time of every measured page, in-process with Django's test client.

Each page is requested once to warm caches (content types, the session), then counted on the second request with
CaptureQueriesContext. The CPU time is this process's (Python: middleware, views, ORM, templates), not PostgreSQL's.

    python -m bench.queries --plan PLAN.json      # with DJANGO_SETTINGS_MODULE=bench.settings
"""

import argparse
import json
import sys
from pathlib import Path

# Pages whose count must not depend on the size of the data, in table order.
PAGES = (
    "floor",
    "admin login",
    "survey page GET",
    "survey save POST",
    "dashboard",
    "results",
    "directory",
    "board",
)
# Informational: the first save of a page writes each answer (and its history row), so it follows the page's length.
FIRST_SAVE = "save POST, first save of the page"
# Informational: the results page keeps its rendered figures in the cache until a response changes; this is the
# view that computes them (the first after a save, a submit or a change of the survey).
RESULTS_FRESH = "results, first view after a change"


CPU_RUNS = 10
CPU_BUDGET = 10.0  # seconds of CPU per page at most


def _cpu_ms(call, most: int = CPU_RUNS) -> float:
    """Mean CPU milliseconds of this process per call."""
    import time

    runs, start = 0, time.process_time()
    while runs < most and time.process_time() - start < CPU_BUDGET:
        call()
        runs += 1
    return round((time.process_time() - start) / runs * 1000, 1)


def _count(call) -> tuple[int, object]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        reply = call()
    return len(context.captured_queries), reply


def _checked(reply, status: int, what: str):
    if reply.status_code != status:
        raise RuntimeError(f"{what} answered {reply.status_code}, expected {status}")
    return reply


def _forget_page(token: str) -> None:
    """Delete the company's answers on page 1, so that the next save writes every one of them anew."""
    from surveys.models import Answer, Invitation, hash_token

    invitation = Invitation.objects.select_related("survey").get(token_hash=hash_token(token))
    first = invitation.survey.sections.order_by("order", "pk").first()
    Answer.objects.filter(response_id=invitation.response_id, question__section=first).delete()


def count_queries(plan: dict, cpu_runs: int = CPU_RUNS) -> dict[str, dict]:
    """{"queries": {page: count}, "cpu_ms": {page: ms}} for the floor, survey page 1, its save, the staff pages."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from .load import ADMIN_LOGIN_PATH, FLOOR_PATH

    counts, cpu = {}, {}
    anonymous = Client()
    _checked(anonymous.get(FLOOR_PATH), 200, "the floor")
    counts["floor"], _reply = _count(lambda: _checked(anonymous.get(FLOOR_PATH), 200, "the floor"))
    cpu["floor"] = _cpu_ms(lambda: anonymous.get(FLOOR_PATH), cpu_runs)
    _checked(anonymous.get(ADMIN_LOGIN_PATH), 200, "the admin login")
    counts["admin login"], _reply = _count(lambda: _checked(anonymous.get(ADMIN_LOGIN_PATH), 200, "the admin login"))
    cpu["admin login"] = _cpu_ms(lambda: anonymous.get(ADMIN_LOGIN_PATH), cpu_runs)

    company = Client()
    _checked(company.get(f"/s/{plan['tokens'][0]}/"), 302, "the invitation link")
    page = "/survey/page/1/"
    _checked(company.get(page), 200, "survey page 1")
    counts["survey page GET"], reply = _count(lambda: _checked(company.get(page), 200, "survey page 1"))
    cpu["survey page GET"] = _cpu_ms(lambda: company.get(page), cpu_runs)
    fields = plan["post"]["1"]
    versions = [reply_version(reply)]

    def save(data):
        company.cookies.pop("messages", None)  # shown by the page a browser is sent to next
        form = [("version", str(versions[0])), ("action", "save"), *map(tuple, data)]
        reply = _checked(company.post(page, _encode(form), content_type=FORM), 302, "the page save")
        versions[0] += 1
        return reply

    save(fields)  # the answers as the load posts them
    counts["survey save POST"], _reply = _count(lambda: save(fields))
    cpu["survey save POST"] = _cpu_ms(lambda: save(fields), cpu_runs)
    _forget_page(plan["tokens"][0])
    versions[0] = reply_version(company.get(page))
    counts[FIRST_SAVE], _reply = _count(lambda: save(fields))

    staff = Client()
    staff.force_login(get_user_model().objects.get(username=plan["staff"]["username"]))
    for name, path in plan["staff_pages"].items():
        _checked(staff.get(path), 200, name)
        counts[name], _reply = _count(lambda path=path, name=name: _checked(staff.get(path), 200, name))
        cpu[name] = _cpu_ms(lambda path=path: staff.get(path), cpu_runs)
    counts[RESULTS_FRESH], cpu[RESULTS_FRESH], wall = _results_fresh(staff, plan["staff_pages"]["results"])
    return {"queries": counts, "cpu_ms": cpu, "wall_ms": {RESULTS_FRESH: wall}}


def _results_fresh(staff, path: str, runs: int = 3) -> tuple[int, float, float]:
    """Queries, CPU ms and wall ms (PostgreSQL's time included) of results pages the cache cannot answer.

    The cached figures are dropped before each request, as a save or submit makes them stale. (The key holds only
    the parsed filters, so an unknown query parameter no longer makes a miss.)
    """
    import time

    from django.core.cache import cache

    def get():
        cache.delete_pattern("survey-results:*")  # Redis only: no SQL query to count
        return _checked(staff.get(path), 200, "results")

    count, _reply = _count(get)
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        get()
        wall.append(1000 * (time.perf_counter() - started))
        cpu.append(1000 * (time.process_time() - started_cpu))
    return count, round(sum(cpu) / runs, 1), round(sorted(wall)[runs // 2], 1)


FORM = "application/x-www-form-urlencoded"


def _encode(pairs) -> str:
    from urllib.parse import urlencode

    return urlencode(list(pairs))


def reply_version(reply) -> int:
    from .load import _version

    return _version(reply.content) or 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.queries", description=__doc__)
    parser.add_argument("--plan", type=Path, required=True)
    args = parser.parse_args(argv)
    import django

    django.setup()
    print(json.dumps(count_queries(json.loads(args.plan.read_text()))), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
