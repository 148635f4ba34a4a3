"""Bench of the search: rebuilding the index, indexing one typical note, and the search page's time and queries.

    python -m bench.search --plan PLAN.json      # with DJANGO_SETTINGS_MODULE=bench.settings

The data is written in bulk (no signals), so the index is rebuilt first; that time is reported too. Then, in
process (Django's test client, PostgreSQL's time included): one interview's note indexed again, with Voikko's word
cache emptied before each run (the worst case, a note of new words), and the search page as staff for words that
find few, some and very many records. Prints JSON.
"""

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

RUNS = 20
# Words as staff type them: an inflected form, a part of compounds, a building, a prefix of a name, a code, and a
# word in every other text (the most hits: the pages and the counts must not grow with them).
QUERIES = ("kiertotalouden", "laboratorio", "Sampo", "yhteyshenk", "2077474", "työvoiman saatavuus", "kasvun")
NOTE = (
    "Yritys kertoi, että vedyn tuotanto ja kiertotalous ovat sille tärkeitä kasvun lähteitä. Testauslaboratorio "
    "Sammonkadulla auttaisi tuotekehityksessä, ja osaavan työvoiman saatavuus on suurin este. Harjoittelijat Lapin "
    "AMK:sta ovat olleet hyvä rekrytointikanava, mutta hitsaajia ja automaatioasentajia tarvitaan lisää kahden "
    "vuoden sisällä. Ruotsin puolen teollisuushankkeet tuovat tilauksia; digitalisaatio etenee hitaasti."
)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1)


def measure(plan: dict, *, rebuild: bool = True, runs: int = RUNS) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection, reset_queries, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from search import analysis, indexing
    from search.models import Entry
    from search.query import search
    from workshops.models import Interview

    started = time.perf_counter()
    if rebuild:
        with transaction.atomic():
            indexing.rebuild()
        indexing.tidy()
    counts = {kind: Entry.objects.filter(kind=kind).count() for kind in Entry.Kind.values}
    result: dict[str, Any] = {
        "rebuild_s": round(time.perf_counter() - started, 1),
        "entries": sum(counts.values()),
        "by_kind": counts,
    }

    interview = Interview.objects.order_by("pk").first()
    if interview is None:
        raise RuntimeError("the bench data has no interview")
    Interview.objects.filter(pk=interview.pk).update(notes=NOTE)
    timings = []
    for _ in range(runs):
        analysis._analyse.cache_clear()
        started = time.perf_counter()
        with transaction.atomic():
            indexing.index(Entry.Kind.INTERVIEWS, [interview.pk])
        timings.append(1000 * (time.perf_counter() - started))
    result["index_note_ms"] = {"p50": _percentile(timings, 0.5), "p95": _percentile(timings, 0.95)}

    staff = Client()
    staff.force_login(get_user_model().objects.get(username=plan["staff"]["username"]))
    url = reverse("search:search")
    result["queries"] = {}
    for q in QUERIES:
        staff.get(url, {"q": q})  # warm: Voikko's cache, the connection
        # Each request empties the connection's query log when it starts: counted now, before the next one.
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            reply = staff.get(url, {"q": q})
        queries = len(captured)
        if reply.status_code != 200:
            raise RuntimeError(f"search {q!r}: {reply.status_code}")
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            staff.get(url, {"q": q})
            timings.append(1000 * (time.perf_counter() - started))
        # Outside the test runner a reply carries no context: the hits are counted by the search itself.
        results = search(q, staff=True)
        result["queries"][q] = {
            "hits": results.total if results else 0,
            "queries": queries,
            "p50_ms": _percentile(timings, 0.5),
            "p95_ms": _percentile(timings, 0.95),
        }
    result["search_p95_ms"] = max(entry["p95_ms"] for entry in result["queries"].values())
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__)
    parser.add_argument("--plan", type=Path, required=True)
    parser.add_argument("--no-rebuild", action="store_true", help="the index is up to date: measure the rest only")
    args = parser.parse_args(argv)
    import django

    django.setup()
    print(json.dumps(measure(json.loads(args.plan.read_text()), rebuild=not args.no_rebuild)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
