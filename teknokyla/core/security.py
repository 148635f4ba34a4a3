"""Security helpers: the client's address behind a proxy, and no invitation token in any log."""

import ipaddress
import logging
import logging.config
import re

from django.conf import settings

# `/s/<token>` with or without its slash, wherever it sits in a message: a request line, a path, a Referer.
TOKEN_PATH = re.compile(r"/s/[^/\s?#\"'<>]+/?")
REDACTED_PATH = "/s/<redacted>/"
# gunicorn sets up these loggers with its own handlers before Django starts; they only gain the filter.
GUNICORN_LOGGERS = ("gunicorn.access", "gunicorn.error")


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or, from a trusted reverse proxy, the address that proxy saw.

    Behind a proxy every request comes from the proxy's address; lockouts and rate limits keyed on it would lock
    everyone out together. Only the right-most X-Forwarded-For entry not added by our own proxies is believed:
    anything left of it the client could have written itself.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = set(settings.TRUSTED_PROXIES)
    if remote not in trusted:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for address in reversed(forwarded):
        if address and address not in trusted:
            return address if _is_address(address) else remote
    return remote


def body_larger_than(request, max_bytes: int) -> bool:
    """Whether a request announces a body over max_bytes: an upload can be refused before Django reads it."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > max_bytes
    except ValueError:
        return False


def redact_tokens(text: str) -> str:
    """The text with every invitation link's token replaced by `<redacted>`."""
    return TOKEN_PATH.sub(REDACTED_PATH, text)


class RedactSurveyTokens(logging.Filter):
    """A logging filter that rewrites a record's message so no invitation token reaches a log."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_tokens(message)
        if redacted != message:
            # The arguments are folded into the message, so no handler can format the token back in.
            record.msg, record.args = redacted, ()
        return True


def configure_logging(config: dict) -> None:
    """Django's LOGGING_CONFIG: the LOGGING dict, then the token filter on gunicorn's own loggers."""
    logging.config.dictConfig(config)
    for name in GUNICORN_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(existing, RedactSurveyTokens) for existing in logger.filters):
            logger.addFilter(RedactSurveyTokens())
