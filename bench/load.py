"""The load generator: virtual clients on asyncio that speak plain HTTP/1.1 to a server on the loopback interface.

Each virtual client keeps its own cookies. A company opens its invitation link first, then reads or saves survey
pages with the page's CSRF token and version; staff log in first. A step runs for a fixed time after a warm-up and
stops by itself. Standard library only, so that the generator costs the machine as little as possible.

    python -m bench.load --target http://127.0.0.1:8000 --plan PLAN.json --scenario survey_get --clients 50
"""

import argparse
import asyncio
import json
import math
import random
import re
import resource
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

LOOPBACK = ("127.", "localhost", "[::1]", "::1")
REQUEST_TIMEOUT = 30.0  # seconds; a request slower than this counts as an error
SCENARIOS = ("floor", "admin_login", "survey_get", "survey_post", "staff")
FLOOR_PATH = "/bench/floor"
# The yardstick of the survey pages: a page of the same framework that renders a form, through the same stack.
ADMIN_LOGIN_PATH = "/admin/login/"
PAGE_PATH = re.compile(r"^/survey/page/(\d+)/$")
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION_INPUT = re.compile(rb'<input[^>]*name="version"[^>]*>')
VALUE = re.compile(rb'value="(\d+)"')


class BenchError(Exception):
    """The target refused the set-up of a virtual client (a link that did not open, a login that failed)."""


def check_loopback(target: str) -> tuple[str, int]:
    """(host, port) of a target URL; anything but a loopback address is refused."""
    parts = urlsplit(target)
    host = parts.hostname or ""
    if parts.scheme != "http" or not (host.startswith(LOOPBACK) or host in LOOPBACK):
        raise ValueError(f"the load goes only to http:// on the loopback interface, not {target}")
    return host, parts.port or 80


@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str:
        return next((value for key, value in self.headers if key == name), "")


class Session:
    """One browser: its own cookies, one connection per request (gunicorn's sync workers close each one)."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.cookies: dict[str, str] = {}

    async def request(self, method: str, path: str, form: list | None = None) -> Reply:
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            "User-Agent: teknokyla-bench",
            "Accept-Language: fi",
            "Connection: close",
        ]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        body = b""
        if form is not None:
            body = urlencode([tuple(pair) for pair in form]).encode()
            lines += [
                f"Origin: http://{self.host}:{self.port}",
                "Content-Type: application/x-www-form-urlencoded",
                f"Content-Length: {len(body)}",
            ]
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        reader, writer = await asyncio.open_connection(self.host, self.port)
        try:
            writer.write(raw)
            data = await reader.read()  # to the end: the request said Connection: close
        finally:
            writer.close()
        head, _sep, payload = data.partition(b"\r\n\r\n")
        head_lines = head.decode("latin-1").split("\r\n")
        headers = []
        for line in head_lines[1:]:
            key, _colon, value = line.partition(":")
            headers.append((key.strip().lower(), value.strip()))
        reply = Reply(int(head_lines[0].split()[1]), headers, payload)
        self._keep_cookies(reply)
        return reply

    def _keep_cookies(self, reply: Reply) -> None:
        for key, value in reply.headers:
            if key != "set-cookie":
                continue
            pair, *attributes = value.split(";")
            name, _eq, cookie = pair.strip().partition("=")
            gone = cookie in ("", '""') or any(a.strip().lower() == "max-age=0" for a in attributes)
            if gone:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = cookie


def csrf_token(body: bytes) -> str:
    """The CSRF token of the form on a page: the load generator, `make lighthouse` and the deadline-rush test log in
    and post with it."""
    match = CSRF_INPUT.search(body)
    if match is None:
        raise BenchError("no CSRF token on the page")
    return match[1].decode()


def _version(body: bytes) -> int | None:
    tag = VERSION_INPUT.search(body)
    value = VALUE.search(tag[0]) if tag else None
    return int(value[1]) if value else None


class Client:
    """A virtual client: `setup` once (not timed), then `act` repeatedly; `act` returns True when all went well."""

    def __init__(self, session: Session, plan: dict, rng: random.Random, path: str = ""):
        self.session, self.plan, self.rng, self.path = session, plan, rng, path

    async def setup(self) -> None:
        pass

    async def act(self) -> bool:
        raise NotImplementedError


class FloorClient(Client):
    async def act(self) -> bool:
        return (await self.session.request("GET", FLOOR_PATH)).status == 200


class AdminLoginClient(Client):
    """Someone who has not logged in, reading Django's admin login page (its form, its CSRF token)."""

    async def act(self) -> bool:
        return (await self.session.request("GET", ADMIN_LOGIN_PATH)).status == 200


class RespondentClient(Client):
    """A company: opens its own invitation link, then reads pages at random, or the one page of `path`."""

    token: str = ""

    async def setup(self) -> None:
        reply = await self.session.request("GET", f"/s/{self.token}/")
        if reply.status != 302 or "sessionid" not in self.session.cookies:
            raise BenchError(f"the invitation link answered {reply.status}")

    def page(self) -> int:
        fixed = PAGE_PATH.match(self.path)
        return int(fixed[1]) if fixed else self.rng.randint(1, self.plan["pages"])

    async def act(self) -> bool:
        return (await self.session.request("GET", f"/survey/page/{self.page()}/")).status == 200


class SaverClient(RespondentClient):
    """A company saving pages: the CSRF token and each page's version come from the pages it has loaded."""

    async def setup(self) -> None:
        await super().setup()
        self.versions: dict[int, int] = {}
        for number in range(1, self.plan["pages"] + 1):
            reply = await self.session.request("GET", f"/survey/page/{number}/")
            if reply.status != 200:
                raise BenchError(f"survey page {number} answered {reply.status}")
            self.csrf = csrf_token(reply.body)
            self.versions[number] = _version(reply.body) or 0

    async def act(self) -> bool:
        number = self.page()
        form = [["csrfmiddlewaretoken", self.csrf], ["version", str(self.versions[number])], ["action", "save"]]
        reply = await self.session.request("POST", f"/survey/page/{number}/", form + self.plan["post"][str(number)])
        if reply.status == 302:
            self.versions[number] += 1
            # "Your answers were saved." would show on the page the browser goes to next; this client does not go.
            self.session.cookies.pop("messages", None)
            return True
        # A colleague saved first (the same company's link on another client): carry on from their version.
        self.versions[number] = _version(reply.body) or self.versions[number]
        return False


class StaffClient(Client):
    """A staff member: logs in through the login form, then reads one page."""

    async def setup(self) -> None:
        reply = await self.session.request("GET", "/accounts/login/")
        staff = self.plan["staff"]
        form = [["csrfmiddlewaretoken", csrf_token(reply.body)], ["username", staff["username"]]]
        reply = await self.session.request("POST", "/accounts/login/", form + [["password", staff["password"]]])
        if reply.status != 302 or "sessionid" not in self.session.cookies:
            raise BenchError(f"the staff login answered {reply.status}")

    async def act(self) -> bool:
        return (await self.session.request("GET", self.path)).status == 200


CLIENTS = {
    "floor": FloorClient,
    "admin_login": AdminLoginClient,
    "survey_get": RespondentClient,
    "survey_post": SaverClient,
    "staff": StaffClient,
}


@dataclass
class StepResult:
    scenario: str
    clients: int
    seconds: float
    requests: int
    errors: int
    rps: float
    p50_ms: float | None
    p90_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    max_ms: float | None
    generator_cpu: float  # the generator's own CPU time as a share of one core
    path: str = ""
    statuses: dict[str, int] = field(default_factory=dict)


def percentile(values: list[float], share: float) -> float | None:
    """The nearest-rank percentile of sorted values (share in 0–1)."""
    if not values:
        return None
    index = min(len(values) - 1, max(0, math.ceil(share * len(values)) - 1))
    return values[index]


async def _timed(client: Client) -> tuple[bool, float]:
    start = time.perf_counter()
    try:
        ok = await asyncio.wait_for(client.act(), REQUEST_TIMEOUT)
    except (OSError, TimeoutError, ValueError, IndexError):
        ok = False  # refused, reset, timed out or garbled: an error either way
    return ok, time.perf_counter() - start


async def run_step(
    *,
    target: str,
    plan: dict,
    scenario: str,
    clients: int,
    seconds: float,
    warmup: float = 1.0,
    path: str = "",
    max_requests: int | None = None,
    warmup_requests: int = 0,
    seed: int = 8,
) -> StepResult:
    """Set up `clients` virtual clients, run them for warmup + seconds (or to max_requests), and measure.

    The first `warmup_requests` of each client are not measured either (a slow page may take longer than warmup).
    """
    if scenario not in CLIENTS:
        raise ValueError(f"unknown scenario {scenario!r}")
    host, port = check_loopback(target)
    rng = random.Random(seed)
    tokens = list(plan.get("tokens", []))
    rng.shuffle(tokens)
    team = []
    for number in range(clients):
        client = CLIENTS[scenario](Session(host, port), plan, random.Random(seed * 1000 + number), path)
        if isinstance(client, RespondentClient):
            if not tokens:
                raise BenchError("the plan has no invitation tokens")
            client.token = tokens[number % len(tokens)]
        team.append(client)
    # Set-up in small groups: a burst of logins or link openings is not what is measured.
    for start in range(0, len(team), 10):
        await asyncio.gather(*(client.setup() for client in team[start : start + 10]))

    latencies: list[float] = []
    statuses: dict[str, int] = {"ok": 0, "error": 0}
    began = time.perf_counter()
    measure_from = began + warmup
    stop_at = measure_from + seconds
    cpu_at_start: list[float] = []

    def cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    async def drive(client: Client) -> None:
        done = 0
        while time.perf_counter() < stop_at:
            if max_requests is not None and len(latencies) >= max_requests:
                return
            ok, elapsed = await _timed(client)
            finished = time.perf_counter()
            done += 1
            if done > warmup_requests and measure_from <= finished < stop_at:
                if not cpu_at_start:
                    cpu_at_start.append(cpu())
                latencies.append(elapsed)
                statuses["ok" if ok else "error"] += 1

    await asyncio.gather(*(drive(client) for client in team))
    ended = min(time.perf_counter(), stop_at)
    window = max(ended - measure_from, 1e-9)
    used = cpu() - (cpu_at_start[0] if cpu_at_start else cpu())
    latencies.sort()
    ms = [value * 1000 for value in latencies]
    return StepResult(
        scenario=scenario,
        clients=clients,
        seconds=round(window, 2),
        requests=len(ms),
        errors=statuses["error"],
        rps=round(len(ms) / window, 1),
        p50_ms=_round(percentile(ms, 0.50)),
        p90_ms=_round(percentile(ms, 0.90)),
        p95_ms=_round(percentile(ms, 0.95)),
        p99_ms=_round(percentile(ms, 0.99)),
        max_ms=_round(ms[-1] if ms else None),
        generator_cpu=round(used / window, 3),
        path=path,
        statuses=statuses,
    )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("--target", required=True, help="http://127.0.0.1:PORT (loopback only)")
    parser.add_argument("--plan", type=Path, required=True)
    parser.add_argument("--scenario", choices=SCENARIOS, required=True)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--warmup", type=float, default=2)
    parser.add_argument("--path", default="", help="the page a staff client reads; a survey client's one page")
    parser.add_argument("--max-requests", type=int, default=None)
    parser.add_argument("--warmup-requests", type=int, default=0)
    args = parser.parse_args(argv)
    plan = json.loads(args.plan.read_text())
    result = asyncio.run(
        run_step(
            target=args.target,
            plan=plan,
            scenario=args.scenario,
            clients=args.clients,
            seconds=args.seconds,
            warmup=args.warmup,
            path=args.path,
            max_requests=args.max_requests,
            warmup_requests=args.warmup_requests,
        )
    )
    print(json.dumps(asdict(result)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
