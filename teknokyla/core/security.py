"""Security helpers: keep invitation tokens out of the logs (Django's loggers and gunicorn's access log)."""

import logging
import re

from gunicorn.glogging import Logger as GunicornBaseLogger

# `/s/<token>` with or without its slash, wherever it sits in a message: a request line, a path, a Referer.
TOKEN_PATH = re.compile(r"/s/[^/\s?#\"'<>]+/?")
REDACTED_PATH = "/s/<redacted>/"


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


class RedactingGunicornLogger(GunicornBaseLogger):
    """gunicorn's logger, whose access-log fields (request line, path, Referer, headers) carry no token.

    gunicorn.conf.py names it, so `gunicorn teknokyla.wsgi` started in the project folder uses it.
    """

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: redact_tokens(value) if isinstance(value, str) else value for key, value in atoms.items()}
