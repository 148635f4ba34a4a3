"""`make screens`: pictures of the portal for the README, taken in Chromium from the demo at a phone's and a laptop's
width (the dashboard, a page of the survey, the workforce matching page), written to docs/screens/.

Run inside `teknokyla.devservices exec` (the Makefile does), which gives it a database and a broker. For a look in
another language, elsewhere: `python -m teknokyla.screenshots --language sv --out /tmp/screens-sv`.
"""

import argparse
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import django

BASE_DIR = Path(__file__).resolve().parent.parent
OUT_DIR = BASE_DIR / "docs" / "screens"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
WIDTHS = {"phone": (375, 812), "laptop": (1280, 800)}


def _manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, check=True)


def _survey_link() -> str:
    """A fresh link of a demo company that has submitted its answers."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "teknokyla.settings")
    django.setup()
    from surveys.demo import SLUG
    from surveys.invitations import invitation_create
    from surveys.models import Response

    response = Response.objects.filter(survey__slug=SLUG, submitted_at__isnull=False).order_by("company__name").first()
    if response is None:
        raise RuntimeError("the demo data has no submitted response")
    _invitation, token = invitation_create(survey=response.survey, company=response.company)
    return f"/s/{token}/"


def _wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 - our own server on 127.0.0.1
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def main(argv=None) -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(prog="python -m teknokyla.screenshots", description=__doc__)
    parser.add_argument("--language", choices=("fi", "sv", "en"), default="fi")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="the folder for the pictures (default docs/screens)")
    args = parser.parse_args(argv)

    from bench.stack import free_port

    _manage("migrate", "--verbosity", "0")
    _manage("load_demo")
    link = _survey_link()
    logins = json.loads((BASE_DIR / "var" / "demo-logins.json").read_text())
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--insecure"], cwd=BASE_DIR
    )
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        _wait_for(f"{base}/healthz")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
            )
            context = browser.new_context(locale={"fi": "fi-FI", "sv": "sv-FI", "en": "en-GB"}[args.language])
            context.add_cookies([{"name": "django_language", "value": args.language, "url": base}])
            page = context.new_page()
            # A company's survey first (its session), then staff pages after logging in.
            page.goto(base + link)
            shots = [("survey", "/survey/page/5/")]
            for name, path in shots:
                _shoot(page, base + path, name, args.out)
            page.goto(f"{base}/accounts/login/")
            page.fill("#id_username", "staff")
            page.fill("#id_password", logins["staff"])
            with page.expect_navigation():
                page.click("main form button[type=submit]")
            for name, path in (("dashboard", "/surveys/teknologiakyla-3-0/"), ("workforce", "/workforce/")):
                _shoot(page, base + path, name, args.out)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"Screenshots written to {args.out}/")
    return 0


def _shoot(page, url: str, name: str, out: Path) -> None:
    for size, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.goto(url)
        path = out / f"{name}-{width}.png"
        page.screenshot(path=str(path))
        print(f"{path} ({size})")


if __name__ == "__main__":
    sys.exit(main())
