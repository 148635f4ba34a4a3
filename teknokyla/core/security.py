"""Security helpers: keep invitation tokens out of every log (Django's loggers and gunicorn's access log)."""

import logging
import logging.config
import re

# `/s/<token>` with or without its slash, wherever it sits in a message: a request line, a path, a Referer.
TOKEN_PATH = re.compile(r"/s/[^/\s?#\"'<>]+/?")
REDACTED_PATH = "/s/<redacted>/"
# gunicorn sets up these loggers with its own handlers before Django starts; they only gain the filter.
GUNICORN_LOGGERS = ("gunicorn.access", "gunicorn.error")


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
