"""What a web worker loads when it starts: the portal's URLs, not the libraries only a few requests need."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Each costs a worker tens of MB for its whole life; they are imported by the code that draws or prints.
HEAVY = ("matplotlib", "weasyprint", "docx", "pptx", "pypdf")

STARTUP = """
import json, sys
import django
django.setup()
from django.conf import settings
from django.urls import get_resolver
get_resolver().url_patterns  # the URLconf and every view module it names, as gunicorn's preload imports them
print(json.dumps(sorted(name for name in sys.modules if name.split(".")[0] in HEAVY)))
"""


def test_a_web_worker_starts_without_the_drawing_and_printing_libraries():
    source = f"HEAVY = {HEAVY!r}\n{STARTUP}"
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "teknokyla.settings"}
    result = subprocess.run(
        [sys.executable, "-c", source], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded == []
