"""gunicorn's settings for the portal (read from the working directory: `gunicorn teknokyla.wsgi`).

Sync workers, 2 × cores + 1 of them (at most 12), preloaded and recycled after ~5,000 requests; GUNICORN_WORKERS,
GUNICORN_BIND and GUNICORN_MAX_REQUESTS override.
"""

import gc
import os

cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", min(2 * cores + 1, 12)))
worker_class = "sync"
# A request still running after this is killed with its worker; report builds run in Celery, not here.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
# A reverse proxy in front sets X-Forwarded-Proto; the settings trust it (SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The portal is imported once in the master and forked: workers start ready (no first slow request) and share the
# pages of the code until they write to them.
preload_app = True
# A worker is replaced after about this many requests (the jitter spreads the restarts), so memory a rare large
# request left in its heap is given back; with the app preloaded a restart is a fork, not a new import.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 5000))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", 500))


def pre_fork(server, worker):
    """In the master, before each worker is forked: what the preloaded portal holds is moved out of the garbage
    collector's sight. A worker's full collections then skip those objects (less CPU per request), and no longer
    write to their pages, which stay shared with the master instead of being copied into every worker."""
    gc.freeze()
