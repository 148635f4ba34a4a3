"""PostgreSQL connection values to and from a `postgres://` URL, the one place that knows how a Unix-socket
directory (the embedded pgserver's) travels in a URL: percent-encoded in the host part.

Plain Python on purpose: `settings.py` reads `DATABASE_URL` with it before Django is set up.
"""

import re
from collections.abc import Mapping
from urllib.parse import parse_qsl, quote, unquote, urlsplit

SCHEMES = ("postgres", "postgresql", "pgsql")
# The host (a name, an address, [an IPv6 address] or a percent-encoded folder) and an optional port.
ADDRESS = re.compile(r"(?P<host>\[[^\]]*\]|[^:]*)(?::(?P<port>\d*))?")


def database_settings(url: str) -> dict:
    """Django's connection values (ENGINE, NAME, USER, PASSWORD, HOST, PORT, OPTIONS) of a `postgres://` URL.

    Parsed here rather than by django-environ, whose PostgreSQL rules read a `/` in a database name as a socket
    path and split a host at commas: each part is percent-decoded exactly once, after the URL is split.
    """
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        raise ValueError(f"Not a PostgreSQL URL: {parts.scheme or 'no scheme'}://…")
    credentials, _, address = parts.netloc.rpartition("@")
    user, _, password = credentials.partition(":")
    match = ADDRESS.fullmatch(address)
    if match is None:
        raise ValueError("The URL's host and port cannot be read.")
    host = match["host"]
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.removeprefix("/")),
        "USER": unquote(user),
        "PASSWORD": unquote(password),
        "HOST": host[1:-1] if host.startswith("[") else unquote(host),
        "PORT": int(match["port"]) if match["port"] else "",
        "OPTIONS": dict(parse_qsl(parts.query)),
    }


def database_url(values: Mapping, name: str | None = None) -> str:
    """The URL of connection values like Django's `settings_dict`, for database `name` (default: theirs).

    Every part is percent-encoded, so a password with `@` or `/`, a socket directory as the host and a database
    name with spaces all come back unchanged through `database_settings()`.
    """
    user = quote(values.get("USER") or "", safe="")
    password = values.get("PASSWORD") or ""
    credentials = f"{user}:{quote(password, safe='')}@" if password else (f"{user}@" if user else "")
    host = values.get("HOST") or ""
    port = values.get("PORT") or ""
    address = (f"[{host}]" if ":" in host and not host.startswith("/") else quote(host, safe="")) + (
        f":{port}" if port else ""
    )
    return f"postgres://{credentials}{address}/{quote(name or values.get('NAME') or '', safe='')}"


def connect(values: Mapping, dbname: str | None = None):
    """A psycopg2 connection with these values (to database `dbname` if given): TCP or a socket directory."""
    import psycopg2

    return psycopg2.connect(
        dbname=dbname or values["NAME"],
        user=values.get("USER") or None,
        password=values.get("PASSWORD") or None,
        host=values.get("HOST") or None,
        port=values.get("PORT") or None,
    )
