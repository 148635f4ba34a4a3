"""Settings of the benchmark: the portal's production settings, plus the floor view's URLconf.

The runner sets SECRET_KEY, DATABASE_URL, REDIS_URL and BENCH_STATIC_ROOT; DEBUG is off and the HTTPS redirect
too, because the load comes over plain HTTP on the loopback interface.
"""

import os
import secrets
from pathlib import Path

os.environ.setdefault("DEBUG", "False")
os.environ.setdefault("SECURE_SSL_REDIRECT", "False")
os.environ.setdefault("LOG_LEVEL", "WARNING")
# One key for every process of a run: the runner passes it; a lone process (a shell, say) makes its own.
os.environ.setdefault("SECRET_KEY", "bench-" + secrets.token_urlsafe(48))

from teknokyla.settings import *  # noqa: E402, F403
from teknokyla.settings import BASE_DIR, CACHES  # noqa: E402

ROOT_URLCONF = "bench.urls"
VAR_DIR = BASE_DIR / "var" / "bench"
STATIC_ROOT = Path(os.environ.get("BENCH_STATIC_ROOT", str(VAR_DIR / "static")))
# Its own cache namespace: a run never reads figures a portal (or an earlier run) left in the same Redis.
CACHES = {
    **CACHES,
    "default": {**CACHES["default"], "KEY_PREFIX": os.environ.get("BENCH_CACHE_PREFIX", "teknokyla-bench")},
}
