"""Answers kept across a lost survey session.

A page posted after the company's session ended (expired, deleted, another link opened) is not thrown away:
it waits in the browser's new session, with the signed owner marker the page carried, until the invitation
link of that same response is opened again in that browser and the page is saved then.
"""

import datetime
import json
from dataclasses import dataclass

from django.core import signing
from django.http import QueryDict
from django.utils import timezone, translation

# The page form's hidden field that names its response: signed, so a browser cannot point answers elsewhere.
OWNER_FIELD = "owner"
OWNER_SALT = "surveys.page-owner"
# The session key holding the kept pages: a list of {"owner", "number", "data", "kept_at"}.
KEPT_KEY = "survey_kept_pages"
KEEP_FOR = datetime.timedelta(days=7)
# A bound on what one browser session can hold: one entry per (response, page), at most this many, each at
# most this big (a page of answers is a few kilobytes; the bound only stops a session row from being bloated).
MAX_KEPT = 5
MAX_KEPT_CHARS = 512 * 1024
# Posted fields that are not answers: the CSRF token is per-browser and the marker is kept beside the data.
NOT_ANSWERS = {"csrfmiddlewaretoken", OWNER_FIELD, "action"}


def owner_marker(*, response_id: int) -> str:
    """The page form's owner marker: the response id, signed. Not a secret, and never the invitation token."""
    return signing.Signer(salt=OWNER_SALT).sign(str(response_id))


def marker_response_id(*, marker: str | None) -> int | None:
    """The response a marker names, or None for a missing, altered or forged one."""
    if not marker:
        return None
    try:
        return int(signing.Signer(salt=OWNER_SALT).unsign(marker))
    except (signing.BadSignature, ValueError):
        return None


@dataclass
class KeptPage:
    """One page posted without a session, waiting to be saved."""

    response_id: int
    number: int
    data: QueryDict
    language: str  # numbers and dates were typed in this language's format
    entry: dict  # as stored in the session, to put it back unchanged

    @classmethod
    def from_entry(cls, entry: dict) -> "KeptPage | None":
        response_id = marker_response_id(marker=entry.get("owner"))
        if response_id is None:
            return None
        data = QueryDict(mutable=True)
        for name, values in (entry.get("data") or {}).items():
            data.setlist(name, [str(value) for value in values])
        language = entry.get("language") or translation.get_language()
        return cls(response_id, int(entry["number"]), data, str(language), entry)


def _fresh_entries(session, now: datetime.datetime) -> list[dict]:
    """The kept entries younger than KEEP_FOR; anything malformed is dropped."""
    fresh = []
    for entry in session.get(KEPT_KEY) or []:
        try:
            kept_at = datetime.datetime.fromisoformat(entry["kept_at"])
            int(entry["number"])
        except (KeyError, TypeError, ValueError):
            continue
        if now - kept_at <= KEEP_FOR:
            fresh.append(entry)
    return fresh


def _write(session, entries: list[dict]) -> None:
    if entries:
        session[KEPT_KEY] = entries
    elif KEPT_KEY in session:
        del session[KEPT_KEY]


def kept_page_store(*, session, marker: str | None, number: int, data: QueryDict, now=None) -> bool:
    """Keep a page posted without a valid session; False (nothing kept) when the marker is not genuine."""
    response_id = marker_response_id(marker=marker)
    if response_id is None:
        return False
    now = now or timezone.now()
    answers = {name: data.getlist(name) for name in data if name not in NOT_ANSWERS}
    if len(json.dumps(answers)) > MAX_KEPT_CHARS:
        return False
    entries = [
        entry
        for entry in _fresh_entries(session, now)
        if not (marker_response_id(marker=entry.get("owner")) == response_id and int(entry["number"]) == number)
    ]
    entries.append(
        {
            "owner": marker,
            "number": number,
            "data": answers,
            "language": translation.get_language(),
            "kept_at": now.isoformat(),
        }
    )
    _write(session, entries[-MAX_KEPT:])
    return True


def kept_pages_take(*, session, response_id: int, now=None) -> list[KeptPage]:
    """Remove and return the fresh pages kept for this response; other responses' pages stay where they are."""
    if KEPT_KEY not in session:
        return []
    mine, others = [], []
    for entry in _fresh_entries(session, now or timezone.now()):
        page = KeptPage.from_entry(entry)
        if page is None:
            continue
        if page.response_id == response_id:
            mine.append(page)
        else:
            others.append(entry)
    _write(session, others)
    return mine


def kept_pages_put_back(*, session, pages: list[KeptPage]) -> None:
    """Return pages that could not be handled now, to be tried the next time the link is opened."""
    if pages:
        _write(session, (_fresh_entries(session, timezone.now()) + [page.entry for page in pages])[-MAX_KEPT:])


def kept_page_forget(*, session, response_id: int, number: int) -> None:
    """A save of this page went through: an older kept copy of it must never overwrite it later."""
    if KEPT_KEY not in session:
        return
    entries = [
        entry
        for entry in session.get(KEPT_KEY) or []
        if not (marker_response_id(marker=entry.get("owner")) == response_id and entry.get("number") == number)
    ]
    _write(session, entries)
