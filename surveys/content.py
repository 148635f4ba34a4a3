"""What a survey asks (its pages, questions and choices), cached per worker process, and the version that says when.

Staff change a survey's questions rarely; respondents read them on every page view and save. A version token in the
shared cache (Redis) names the current state of every survey's content: a save or delete of a survey, page,
question or choice replaces it, at once and again when the transaction commits (so no worker caches what was
current between the two). Every worker compares it with the version its copy was built from, with one Redis read
and no query. Without Redis there is no version, and callers read the database as if nothing were cached.

How often Redis is asked (each call waits up to the cache's socket timeout, 0.25 s, when Redis hangs):
- Once per request at most. The version read is kept for the rest of the request (a page save uses it three
  times); the next request reads it again, so a change made by another worker shows on this worker's next request,
  as before. Outside a request (a Celery task, a command) a read is kept for `VERSION_READ_SECONDS` at most.
- A change made in this process (`content_changed`) is what this process reads from then on, at once.
- A read that fails (Redis down or not answering) is remembered by the process for `UNREACHABLE_SECONDS`: during
  that time its requests read the database without asking Redis at all, so a hung Redis costs one request per
  worker and period two timeouts (the GET, and the ADD that tells a failure from a missing key), not every request
  several. Without a version nothing cached is used, so this never shows anything out of date; it only makes the
  pages read their questions from PostgreSQL again for a few seconds after Redis is back.
"""

import threading
import time
import uuid

from django.core.cache import cache
from django.core.signals import request_started, setting_changed
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from redis.exceptions import RedisError

from companies.models import Company, Tenancy

from .models import Choice, Question, Section, Survey

VERSION_KEY = "survey-content-version"
# A copy is also rebuilt after this long: a change made while Redis could not be written is never hidden for longer.
MAX_AGE_SECONDS = 300
# Per process: {key: (version, value, built at)}. Small (a survey has tens of pages), never shared between processes.
_local: dict = {}
# A version read is used this long at most outside a request (within a request: until it ends).
VERSION_READ_SECONDS = 1.0
# After a failed read, Redis is not asked again by this process for this long.
UNREACHABLE_SECONDS = 5.0
# Per thread (a request runs in one): (version, read at) of the current request, dropped when the next one starts.
_read = threading.local()
# Per process: until when (time.monotonic()) Redis is taken as unreachable.
_unreachable_until = 0.0


def content_version() -> str | None:
    """The current version token of the surveys' content, or None when the shared cache cannot be read.

    Read from Redis at most once per request (see the module's docstring).
    """
    now = time.monotonic()
    if now < _unreachable_until:
        return None
    held = getattr(_read, "held", None)
    if held is not None and now - held[1] < VERSION_READ_SECONDS:
        return held[0]
    version = _version_from_redis()
    if version is None:
        _mark_unreachable()
    else:
        _read.held = (version, now)
    return version


def _version_from_redis() -> str | None:
    """The token in Redis, adding one when there is none yet; None when Redis does not answer.

    The cache ignores Redis errors (IGNORE_EXCEPTIONS): a failed GET reads as a missing key, and a failed ADD
    returns None (True or False otherwise), which tells the two apart.
    """
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            # First use (or a flushed cache): whoever adds first names the version everyone then reads.
            token = uuid.uuid4().hex
            added = cache.add(VERSION_KEY, token, timeout=None)
            if added is None:
                return None
            version = token if added else cache.get(VERSION_KEY)
    except RedisError:
        return None
    return version


def _mark_unreachable() -> None:
    global _unreachable_until
    _read.__dict__.pop("held", None)
    _unreachable_until = time.monotonic() + UNREACHABLE_SECONDS


def content_changed() -> None:
    """A new version token: every cached copy of any survey's content is out of date."""
    token = uuid.uuid4().hex
    try:
        # django-redis answers True, or None for an error it ignored; Django's base class declares None.
        written = cache.set(VERSION_KEY, token, timeout=None)  # type: ignore[func-returns-value]
    except RedisError:
        written = None
    if written is None:
        # Not written (the cache returns None for an ignored error): this process reads the database for a while,
        # and the other workers' copies expire after MAX_AGE_SECONDS.
        _mark_unreachable()
    else:
        _read.held = (token, time.monotonic())


@receiver(request_started, dispatch_uid="surveys.content.new_request")
def _new_request(**kwargs):
    """Each request reads the version afresh: what another worker changed shows on the next request."""
    _read.__dict__.pop("held", None)


@receiver(setting_changed, dispatch_uid="surveys.content.cache_settings")
def _cache_settings_changed(setting, **kwargs):
    """Another cache (tests point it at a Redis of their own): what was read from, or failed on, the old one goes."""
    global _unreachable_until
    if setting == "CACHES":
        _read.__dict__.pop("held", None)
        _unreachable_until = 0.0


def cached(key, build, version: str | None):
    """The value built for `key` at `version` in this process, building it when missing, out of date or old."""
    if version is None:
        return build()
    held = _local.get(key)
    if held is not None and held[0] == version and time.monotonic() - held[2] < MAX_AGE_SECONDS:
        return held[1]
    value = build()
    _local[key] = (version, value, time.monotonic())
    return value


@receiver([post_save, post_delete], sender=Survey)
@receiver([post_save, post_delete], sender=Section)
@receiver([post_save, post_delete], sender=Question)
@receiver([post_save, post_delete], sender=Choice)
# The results page's cached figures are grouped and filtered by an organisation's industry and the building it rents
# in (and the version is in their key): a change in the registry, by hand, in the admin or by an import, shows there
# at once too. The registry changes seldom; the survey's content is then read once more by each worker.
@receiver([post_save, post_delete], sender=Company)
@receiver([post_save, post_delete], sender=Tenancy)
def _survey_content_changed(sender, **kwargs):
    content_changed()
    transaction.on_commit(content_changed)
