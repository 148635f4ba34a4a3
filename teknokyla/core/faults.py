"""When the database cannot be reached, say so plainly (503) instead of showing a server error.

A database restart or failover breaks the open connections: the request that meets it gets a page that tells
the user nothing was saved and how to get the answers back, rendered without touching the database.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# Seconds a browser or a proxy is asked to wait before trying again: a restart takes about this long.
RETRY_AFTER = 30
TEMPLATE = "503_database.html"


def _back_path(request) -> str:
    """Where the page's link leads: the same page, by its path only; never an invitation link (it holds a token)."""
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name == "surveys:open":
        return "/"
    return request.path


def _plain_text(back: str) -> str:
    return "\n\n".join(
        [
            _("The answers were not saved"),
            _(
                "The service cannot reach its database right now. Go back to the page – the answers you typed "
                "are kept in this browser – and save again in a moment."
            ),
            back,
        ]
    )


def database_unavailable(request) -> HttpResponse:
    """The 503 page. No context processors (they read the user and the session), so no query can run."""
    back = _back_path(request)
    try:
        # Without a request the template gets a plain context: no context processor runs.
        body = render_to_string(TEMPLATE, {"back_path": back, "method": request.method})
        reply = HttpResponse(body, status=503)
    except Exception:  # the page that explains an outage must not become a second error
        logger.exception("the database outage page could not be rendered")
        reply = HttpResponse(_plain_text(back), status=503, content_type="text/plain; charset=utf-8")
    reply["Retry-After"] = str(RETRY_AFTER)
    reply["Cache-Control"] = "no-store"
    return reply


class OutageLoggedFilter(logging.Filter):
    """On the `django.request` logger: drops its "Service Unavailable" error for a 503 that was logged here already.

    Django logs every 5xx answer with the request and status code in the record (documented for `django.request`).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        outage = getattr(record, "status_code", None) == 503 and getattr(request, "database_outage_logged", False)
        return not outage


class DatabaseUnavailableMiddleware:
    """Turns a lost database connection raised by a view into the 503 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        # The path only: the logging filter redacts invitation tokens, and the query string is never logged.
        logger.warning(
            "database unavailable: %s %s answered 503 (%s: %s)",
            request.method,
            request.path,
            type(exception).__name__,
            str(exception).strip().splitlines()[0] if str(exception).strip() else "",
        )
        session = getattr(request, "session", None)
        if session is not None:
            # Nothing of this request reached the database; saving the session on the way out would only fail
            # again and turn the 503 into a 500.
            session.modified = False
        # Logged above as a warning: an outage is expected now and then, so not also as a server error
        # (OutageLoggedFilter drops django.request's record of this 503).
        request.database_outage_logged = True
        return database_unavailable(request)
