"""Outages made for a test alone: the test database's, and a private Redis's.

The database: from a separate connection to the `postgres` maintenance database, `ALLOW_CONNECTIONS false` on the
test database, then every backend connected to it is terminated. Open connections break and new ones are refused,
exactly what a web process sees while PostgreSQL restarts; the shared server itself is never touched.

Redis: `PrivateRedis` is a redis-server of the test's own, which it may kill or freeze; the machine's shared one is
never touched either.
"""

import signal
import subprocess
import time
from contextlib import contextmanager

import psycopg2
import redis
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


# Redis: a private server that a test may kill or freeze -----------------------------------------------------------

REDIS_SERVER = "/usr/bin/redis-server"


class PrivateRedis:
    """A redis-server of this test alone, on a port of its own, without persistence."""

    def __init__(self, port: int):
        self.port = port
        self.process: subprocess.Popen | None = None

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        command = [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                assert self.process.poll() is None, "redis-server exited"
                assert time.monotonic() < deadline, "redis-server did not answer"
                time.sleep(0.05)

    def kill(self) -> None:
        """Stop it the hard way, as a crash would: SIGKILL, nothing saved."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def freeze(self) -> None:
        """Stop it without closing anything, as a hung server or a lost network would: connections open, no reply."""
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def is_up(self) -> bool:
        try:
            return redis.Redis(port=self.port, socket_connect_timeout=0.2).ping()
        except redis.ConnectionError:
            return False
