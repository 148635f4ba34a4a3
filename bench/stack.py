"""The production stack of a bench run: databases, collectstatic, gunicorn and a Celery worker, and their cleanup.

Every process started here runs in its own process group, gets SIGTERM if the runner dies (PR_SET_PDEATHSIG), and
is stopped by `Processes.stop_all()`, which the runner calls in a `finally`.

Its public functions are shared on purpose: the fault tests (tests/faults), the backup test and the health-check
test start the same gunicorn, worker and databases as the bench, so that what the bench measures is what they test.
"""

import contextlib
import ctypes
import http.client
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from teknokyla.core import dburl
from teknokyla.devservices import free_port  # noqa: F401 - the bench's and the tests' port finder

BASE_DIR = Path(__file__).resolve().parent.parent
PR_SET_PDEATHSIG = 1
STOP_TIMEOUT = 20  # seconds between SIGTERM and SIGKILL


def _die_with_parent() -> None:
    """In the child before exec: get SIGTERM when the runner goes, however it goes."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Processes:
    """The processes a run started; each one is ended with its whole group."""

    def __init__(self, log_dir: Path):
        self.log_dir = log_dir
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = (self.log_dir / f"{name}.log").open("ab")
        process = subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,  # noqa: PLW1509 - the runner is single-threaded
        )
        log.close()
        self.running[name] = process
        return process

    def stop(self, name: str) -> None:
        process = self.running.pop(name, None)
        if process is None:
            return
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        # Whatever the group left behind (a worker whose master died first) goes too.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)

    def stop_all(self) -> None:
        for name in reversed(list(self.running)):
            self.stop(name)

    def log_tail(self, name: str, lines: int = 30) -> str:
        path = self.log_dir / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


def run_child(command: list[str], env: dict[str, str], timeout: float, log: Path | None = None) -> str:
    """Run a bounded child process to its end and return its last line of output (the JSON the bench modules print)."""
    process = subprocess.Popen(
        command,
        cwd=BASE_DIR,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=_die_with_parent,  # noqa: PLW1509 - the runner is single-threaded
    )
    try:
        out, err = process.communicate(timeout=timeout)
    except BaseException:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise
    if log is not None:
        with log.open("a") as handle:
            handle.write(f"$ {' '.join(command)}\n{out}{err}\n")
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:4])}… failed ({process.returncode}):\n{err[-3000:]}")
    lines = [line for line in out.splitlines() if line.strip()]
    return lines[-1] if lines else ""


# Databases ---------------------------------------------------------------------------------------------------------


def database_url(base_url: str, name: str) -> str:
    """The URL of database `name` on the server of `base_url`."""
    return dburl.database_url(dburl.database_settings(base_url), name)


def _maintenance(base_url: str):
    """An autocommit connection to the server's `postgres` database (TCP, or a Unix socket directory)."""
    connection = dburl.connect(dburl.database_settings(base_url), dbname="postgres")
    connection.autocommit = True
    return connection


def create_database(base_url: str, name: str, template: str | None = None) -> None:
    """A fresh database `name` (dropped first if a run left one), empty or a copy of `template`."""
    connection = _maintenance(base_url)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    finally:
        connection.close()


def drop_database(base_url: str, name: str) -> None:
    connection = _maintenance(base_url)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        connection.close()


def server_version(base_url: str) -> str:
    connection = _maintenance(base_url)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return cursor.fetchone()[0]
    finally:
        connection.close()


# gunicorn and Celery -----------------------------------------------------------------------------------------------


def wait_http(port: int, path: str, process: subprocess.Popen, timeout: float = 90) -> None:
    """Wait until GET path answers 200 on the loopback port; fail if the process exits first."""
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode} before it answered")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            connection.request("GET", path)
            reply = connection.getresponse()
            reply.read()
            if reply.status == 200:
                return
            last = f"{path} answered {reply.status}"
        except OSError as error:
            last = str(error)
        finally:
            connection.close()
        time.sleep(0.3)
    raise RuntimeError(f"the server did not answer in {timeout} s: {last}")


def gunicorn_command(port: int) -> list[str]:
    return [
        sys.executable, "-m", "gunicorn", "-c", str(BASE_DIR / "gunicorn.conf.py"),
        "--bind", f"127.0.0.1:{port}", "teknokyla.wsgi",
    ]  # fmt: skip


def celery_command(name: str) -> list[str]:
    return [
        sys.executable, "-m", "celery", "-A", "teknokyla", "worker", "-l", "WARNING", "--concurrency", "1",
        "-n", f"{name}@%h", "--without-gossip", "--without-mingle",
    ]  # fmt: skip


def ping_worker(env: dict[str, str], timeout: float = 120) -> str:
    """A task through the broker to the worker and back: the worker is up."""
    code = f"from teknokyla.celery import ping; print(ping.delay().get(timeout={timeout}))"
    return run_child([sys.executable, "-c", code], env, timeout=timeout + 30)


# /proc readings ----------------------------------------------------------------------------------------------------


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = (entry / "stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
    return sorted(found)


def rss_mb(pid: int) -> float | None:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    return None


def process_cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def server_cpu_seconds(master: int) -> float:
    """CPU seconds of a server's master and every worker it has had, the replaced ones included.

    A worker that gunicorn replaced (max_requests) took its time with it, but the master waited for it, and a
    waited-for child's time is in the master's cutime and cstime; the living workers are read one by one.
    """
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    with contextlib.suppress(OSError, IndexError, ValueError):
        fields = Path(f"/proc/{master}/stat").read_text().rsplit(")", 1)[1].split()
        total = sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
    return total / ticks + process_cpu_seconds(children(master))


def machine_cpu() -> tuple[float, float]:
    """(busy, total) seconds of all cores since boot, from /proc/stat."""
    ticks = os.sysconf("SC_CLK_TCK")
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / ticks, sum(values) / ticks
