"""Dates and moments read from PostgreSQL that Python cannot hold (a year-1 moment stored in a local offset, a BC
date, `infinity`) come back clamped to the nearest date Python can hold instead of failing the whole page.

Forms refuse such years now (`inputs.YearRangeValidator`), but a row stored before, or written by hand, must not
take down every page that lists it: the list shows the odd date, and the edit form asks for a real one.
"""

import datetime

import psycopg2.extensions

# A day inside Python's range at both ends, so a conversion to local time (UTC+2/+3 here) cannot overflow either.
EARLIEST = datetime.datetime(1, 1, 2, tzinfo=datetime.UTC)
LATEST = datetime.datetime(9999, 12, 30, tzinfo=datetime.UTC)


def _is_early(text: str) -> bool:
    # PostgreSQL writes years before 1 as "… BC"; "-infinity" is the only other value below Python's range.
    return text.endswith("BC") or text.startswith("-")


def _clamped(original, earliest, latest):
    def cast(value, cursor):
        try:
            return original(value, cursor)
        except (ValueError, OverflowError):
            return earliest if _is_early(value) else latest

    return cast


def install_stored_date_casts() -> None:
    """Read date, timestamp and timestamptz columns through the clamping casts on every connection."""
    ext = psycopg2.extensions
    casts = (
        (ext.PYDATE, "PORTAL_DATE", EARLIEST.date(), LATEST.date()),
        (ext.PYDATETIME, "PORTAL_TIMESTAMP", EARLIEST.replace(tzinfo=None), LATEST.replace(tzinfo=None)),
        (ext.PYDATETIMETZ, "PORTAL_TIMESTAMPTZ", EARLIEST, LATEST),
    )
    for original, name, earliest, latest in casts:
        ext.register_type(ext.new_type(original.values, name, _clamped(original, earliest, latest)))
