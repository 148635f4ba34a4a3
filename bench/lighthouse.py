"""`make lighthouse`: Lighthouse's scores for a company's survey page and the staff dashboard on the production stack.

The stack is the bench's (DEBUG off, gunicorn, whitenoise serving the collected, hashed and compressed static
files) on the village's data. A company's session comes from its invitation link and the staff's from the login
form, as in the load steps; Lighthouse (npm, on Debian's Chromium) gets the session cookie as a header. Prints one
Markdown table, the one in bench/README.md.

    python -m bench.lighthouse [--form-factor mobile|desktop]   # DATABASE_URL, REDIS_URL set
"""

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from . import stack
from .load import Session, csrf_token
from .run import DB_PREFIX, Runner

LIGHTHOUSE = "lighthouse@12.2.3"  # Lighthouse 13 needs Node 22; Debian 12 has Node 20
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
ATTEMPTS = 3
FIGURES = ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift")


async def _company_cookie(port: int, token: str) -> str:
    session = Session("127.0.0.1", port)
    await session.request("GET", f"/s/{token}/")
    return "; ".join(f"{k}={v}" for k, v in session.cookies.items())


async def _staff_cookie(port: int, staff: dict) -> str:
    session = Session("127.0.0.1", port)
    reply = await session.request("GET", "/accounts/login/")
    form = [["csrfmiddlewaretoken", csrf_token(reply.body)], ["username", staff["username"]]]
    form.append(["password", staff["password"]])
    reply = await session.request("POST", "/accounts/login/", form)
    if reply.status != 302:
        raise RuntimeError(f"the staff login answered {reply.status}")
    return "; ".join(f"{k}={v}" for k, v in session.cookies.items())


def _lighthouse(url: str, cookie: str, form_factor: str, out: Path) -> dict:
    chrome = shutil.which("chromium") or shutil.which("chromium-browser")
    command = [
        "npm", "exec", "--yes", f"--package={LIGHTHOUSE}", "--", "lighthouse", url,
        "--quiet", "--output=json", f"--output-path={out}", f"--form-factor={form_factor}",
        f"--only-categories={','.join(CATEGORIES)}", "--chrome-flags=--headless=new --no-sandbox",
        f"--extra-headers={json.dumps({'Cookie': cookie})}",
    ]  # fmt: skip
    if form_factor == "desktop":
        command.append("--preset=desktop")
    for attempt in range(1, ATTEMPTS + 1):
        # Lighthouse now and then fails to record the page's trace (NO_NAVSTART): a run again is its own advice.
        finished = subprocess.run(command, check=False, env={**os.environ, "CHROME_PATH": chrome or ""}, timeout=300)
        if finished.returncode == 0:
            return json.loads(out.read_text())
        print(f"· {url}: Lighthouse failed (attempt {attempt} of {ATTEMPTS})", file=sys.stderr, flush=True)
    raise RuntimeError(f"Lighthouse failed {ATTEMPTS} times on {url}")


def _median_run(url: str, cookie: str, form_factor: str, out: Path, runs: int) -> dict:
    """The run with the median performance score of `runs`, as Lighthouse's own docs advise for a noisy machine."""
    reports = [_lighthouse(url, cookie, form_factor, out.with_suffix(f".{n}.json")) for n in range(runs)]
    reports.sort(key=lambda report: report["categories"]["performance"]["score"])
    return reports[len(reports) // 2]


def _row(name: str, report: dict) -> str:
    scores = [str(round(report["categories"][c]["score"] * 100)) for c in CATEGORIES]
    audits = report["audits"]
    figures = [audits[a]["displayValue"].replace("\xa0", " ") for a in FIGURES]
    sent = f"{audits['total-byte-weight']['numericValue'] / 1024:.0f} KiB"
    unused = audits["unused-css-rules"].get("details", {}).get("overallSavingsBytes", 0)
    return " | ".join([name, *scores, *figures, sent, f"{unused / 1024:.0f} KiB"])


def _shortfalls(report: dict) -> list[str]:
    """The audits that cost points outside performance (whose figures are in the row)."""
    found = []
    for name in CATEGORIES[1:]:
        for ref in report["categories"][name]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                found.append(f"{name}: {audit['title']}")
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.lighthouse", description=__doc__)
    parser.add_argument("--form-factor", choices=("mobile", "desktop"), default="mobile")
    parser.add_argument("--runs", type=int, default=3, help="runs per page; the median one is shown (default 3)")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="teknokyla-lighthouse-"))
    runner = Runner(argparse.Namespace(sizes=["village"]), work)
    try:
        runner.manage("collectstatic", "--no-input", "-v0", database="postgres")
        database, plan = runner.prepare("village")
        port = stack.free_port()
        env = {**runner.env_for(database), "GUNICORN_BIND": f"127.0.0.1:{port}"}
        gunicorn = runner.processes.start("gunicorn", stack.gunicorn_command(port), env)
        stack.wait_http(port, "/healthz", gunicorn)
        base = f"http://127.0.0.1:{port}"
        pages = [
            ("survey page 1", f"{base}/survey/page/1/", asyncio.run(_company_cookie(port, plan["tokens"][0]))),
            ("dashboard", base + plan["staff_pages"]["dashboard"], asyncio.run(_staff_cookie(port, plan["staff"]))),
        ]
        header = ["page", *CATEGORIES, "FCP", "LCP", "TBT", "CLS", "bytes sent", "unused CSS"]
        print(" | ".join(header))
        print(" | ".join("---" for _ in header))
        notes = []
        for name, url, cookie in pages:
            report = _median_run(url, cookie, args.form_factor, work / f"{name}.json", args.runs)
            print(_row(name, report), flush=True)
            notes += [f"{name}: {note}" for note in _shortfalls(report)]
        print("\n".join(["", *notes]) if notes else "\nNo audit outside performance lost a point.")
    finally:
        runner.processes.stop_all()
        stack.drop_database(runner.base_url, f"{DB_PREFIX}_village")
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
