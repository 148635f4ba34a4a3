"""A database outage as a restart makes it, for the test database only.

From a separate connection to the `postgres` maintenance database: `ALLOW_CONNECTIONS false` on the test
database, then every backend connected to it is terminated. Open connections break and new ones are refused,
exactly what a web process sees while PostgreSQL restarts; the shared server itself is never touched.
"""

from contextlib import contextmanager

import psycopg2
from django.db import connection
from psycopg2 import sql


def _admin_connection(settings_dict: dict):
    admin = psycopg2.connect(
        dbname="postgres",
        user=settings_dict["USER"] or None,
        password=settings_dict["PASSWORD"] or None,
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
    )
    admin.autocommit = True
    return admin


def _test_database_name() -> str:
    name = connection.settings_dict["NAME"]
    # Only ever the database pytest-django made for this run.
    assert name.startswith("test_"), f"refusing to take down {name!r}: not a test database"
    return name


def _allow_connections(cursor, name: str, allowed: bool) -> None:
    cursor.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS {}").format(sql.Identifier(name), sql.Literal(allowed)))


def _terminate_backends(cursor, name: str) -> int:
    cursor.execute(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
        [name],
    )
    return cursor.fetchone()[0]


@contextmanager
def database_down():
    """Inside the block the test database refuses every connection and every open one is gone.

    Connections are always allowed again on the way out, and this process's own connection is closed so that
    its next query (the test's assertions, pytest-django's teardown) connects afresh.
    """
    name = _test_database_name()
    admin = _admin_connection(connection.settings_dict)
    try:
        with admin.cursor() as cursor:
            _allow_connections(cursor, name, False)
            try:
                _terminate_backends(cursor, name)
                connection.close()
                yield
            finally:
                _allow_connections(cursor, name, True)
                connection.close()
    finally:
        admin.close()
