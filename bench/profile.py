"""``make bench-profile``: one scenario served in-process, counted and profiled.

Where ``make bench`` measures the servers over HTTP under load (noisy on a shared machine),
this drives the ASGI apps directly, one request after another, on a freshly seeded database,
and reports per request: the server's CPU time (``time.process_time``, which excludes the time
spent waiting for the database), the wall time, and for Gongzhi the database round trips it
made: on PostgreSQL the messages asyncpg sends (:class:`DriverTrips`), on SQLite counted with
SQLAlchemy's events (``BEGIN`` and ``COMMIT`` included). Ceiling B (:func:`bench.ceilings.raw_app`) runs the same requests in the
same process, the two servers taking turns in rounds (``--rounds``), and each server's figure
is its least disturbed round, so the ratio is read from one run and a burst of load from other
processes on a shared machine moves one round rather than the ratio. With ``--profiler``
the Gongzhi requests run again under pyinstrument (the call tree, async-aware) or cProfile
(the functions by own time), written to ``var/bench/``.

    python -m bench.profile --backend postgresql --scenario read --requests 2000
    python -m bench.profile --backend sqlite --scenario write --profiler pyinstrument
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import os
import pstats
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import event
from sqlalchemy.engine import Engine

from bench import seed
from bench.run import SCENARIOS, entry_body, scenario_urls
from core.testing import SentQueries

AsgiApp = Callable[..., Any]


@dataclass(frozen=True)
class Figures:
    """Per-request averages of one server on one scenario."""

    server: str
    requests: int
    cpu_us: float
    wall_us: float
    round_trips: float | None
    statements: Mapping[str, float]


class RoundTrips:
    """Round trips to the database, counted from SQLAlchemy's engine events.

    A transaction's ``BEGIN`` reaches the server with its first statement (asyncpg and SQLite
    both begin lazily), and its ``COMMIT``/``ROLLBACK`` only if it began; so each is counted
    when the transaction ran at least one statement. On PostgreSQL the ``BEGIN`` carries the
    row-level-security context (:class:`core.db.ContextConnection`).
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.kinds: Counter[str] = Counter()
        self.trace: list[str] | None = None
        self._open: set[int] = set()
        self._begun: set[int] = set()

    def attach(self) -> None:
        engine = self.engine
        event.listen(engine, "begin", self._begin)
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._commit)
        event.listen(engine, "rollback", self._rollback)

    def detach(self) -> None:
        """Stop counting. The listeners cost the server Python calls on every statement (and
        on PostgreSQL turn on SQLAlchemy's event dispatch, which the kernel alone leaves off),
        so they are attached only while requests are counted, never while they are timed."""
        engine = self.engine
        event.remove(engine, "begin", self._begin)
        event.remove(engine, "before_cursor_execute", self._statement)
        event.remove(engine, "commit", self._commit)
        event.remove(engine, "rollback", self._rollback)

    @property
    def total(self) -> int:
        return sum(self.kinds.values())

    def _begin(self, conn: Any) -> None:
        # On SQLite the kernel's own ``begin`` listener has already sent ``BEGIN …``.
        if id(conn) not in self._begun:
            self._open.add(id(conn))

    def _statement(self, conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        key = id(conn)
        kind = _kind(statement)
        if kind == "BEGIN":
            self._begun.add(key)
        elif key in self._open:
            self._open.discard(key)
            self._begun.add(key)
            self.kinds["BEGIN"] += 1
        self.kinds[kind] += 1
        if self.trace is not None:
            self.trace.append(statement[:120])

    def _end(self, conn: Any, name: str) -> None:
        key = id(conn)
        self._open.discard(key)
        if key in self._begun:
            self._begun.discard(key)
            self.kinds[name] += 1
            if self.trace is not None:
                self.trace.append(name)

    def _commit(self, conn: Any) -> None:
        self._end(conn, "COMMIT")

    def _rollback(self, conn: Any) -> None:
        self._end(conn, "ROLLBACK")


class DriverTrips(SentQueries):
    """Round trips to PostgreSQL as asyncpg sends them (:class:`core.testing.SentQueries`):
    one per message, by kind; a message carrying a due ``COMMIT`` with a ``BEGIN`` counts
    once, as ``COMMIT+BEGIN``.

    :class:`RoundTrips` would reroute a read: listeners on the engine's statement events make
    it run through SQLAlchemy's connection, which commits at once, where the read's own path
    leaves its ``COMMIT`` to the connection's next ``BEGIN`` (:class:`core.db.ContextConnection`).
    """

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self.kinds: Counter[str] = Counter()
        self.trace: list[str] | None = None

    @property
    def total(self) -> int:
        return sum(self.kinds.values())

    def _log(self, record: Any) -> None:
        query: str = record.query
        if query.startswith("COMMIT; BEGIN"):
            kind = "COMMIT+BEGIN"
        elif query.startswith("BEGIN"):
            kind = "BEGIN"
        else:
            kind = _kind(query)
        self.kinds[kind] += 1
        if self.trace is not None:
            self.trace.append(query[:120])


def _kind(statement: str) -> str:
    words = statement.split()
    first = words[0].upper() if words else "?"
    if first == "SELECT" and "set_config" in statement:
        return "set_config"
    if first in ("INSERT", "UPDATE", "DELETE") and len(words) > 2:
        return f"{first} {words[2] if first != 'UPDATE' else words[1]}"
    if first == "SELECT" and " FROM " in statement:
        table = statement.split(" FROM ", 1)[1].split()[0]
        return f"SELECT {table}"
    return first


def _scope(method: str, url: str, headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
    parts = urlsplit(url)
    raw = [(b"host", b"bench")] + [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    if body:
        raw += [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": parts.path,
        "raw_path": parts.path.encode(),
        "query_string": parts.query.encode(),
        "root_path": "",
        "headers": raw,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


async def call(app: AsgiApp, method: str, url: str, headers: Mapping[str, str], body: str) -> int:
    """One request straight into the ASGI app; its status (the body is dropped)."""
    payload = body.encode()
    sent = False
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": payload, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(_scope(method, url, headers, payload), receive, send)
    return status


class Lifespan:
    """Run an ASGI app's startup and, on exit, its shutdown."""

    def __init__(self, app: AsgiApp) -> None:
        self.app = app
        self.events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.replies: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.task: asyncio.Task[Any] | None = None

    async def __aenter__(self) -> Lifespan:
        self.task = asyncio.create_task(
            self.app({"type": "lifespan", "state": {}}, self.events.get, self.replies.put)
        )
        await self.events.put({"type": "lifespan.startup"})
        reply = await self.replies.get()
        if reply["type"] != "lifespan.startup.complete":
            raise RuntimeError(f"startup failed: {reply}")
        return self

    async def __aexit__(self, *_: Any) -> None:
        await self.events.put({"type": "lifespan.shutdown"})
        await self.replies.get()
        if self.task is not None:
            await self.task


async def login(app: AsgiApp) -> dict[str, str]:
    """A bearer header for the bench's district administrator, through the app itself."""
    from litestar.testing import AsyncTestClient

    async with AsyncTestClient(app) as client:
        response = await client.post(
            "/api/v1/auth/login",
            json={"username": seed.BENCH_USER, "password": seed.BENCH_PASSWORD},
        )
        response.raise_for_status()
        return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def warm(
    app: AsgiApp,
    scenario: str,
    url: str,
    headers: Mapping[str, str],
    requests: int,
    counter: RoundTrips | DriverTrips | None,
) -> None:
    """A warm-up (caches, prepared statements, the pool), and the statements of one request
    printed when ``BENCH_TRACE`` is set."""
    method, body = ("POST", entry_body()) if scenario == "write" else ("GET", "")
    for _ in range(max(20, requests // 10)):
        status = await call(app, method, url, headers, body)
        if status not in (200, 201):
            raise RuntimeError(f"{scenario}: {url} answered {status}")
    if counter is not None and os.environ.get("BENCH_TRACE"):
        counter.trace = []
        await call(app, method, url, headers, body)
        await asyncio.sleep(0)
        print("\n".join(counter.trace), file=sys.__stdout__)
        counter.trace = None


async def timed(
    app: AsgiApp, scenario: str, url: str, headers: Mapping[str, str], requests: int
) -> tuple[float, float]:
    """CPU and wall seconds of ``requests`` requests one after another."""
    method, body = ("POST", entry_body()) if scenario == "write" else ("GET", "")
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(requests):
        await call(app, method, url, headers, body)
    return time.process_time() - cpu, time.perf_counter() - wall


async def profiled(
    app: AsgiApp,
    scenario: str,
    url: str,
    headers: Mapping[str, str],
    requests: int,
    profiler: str,
) -> str:
    """The report of ``profiler`` over ``requests`` more requests.

    ``callgrind``: the process runs under ``valgrind --tool=callgrind --instr-atstart=no``
    (:mod:`bench.instructions` starts it so), and instructions are counted over these requests
    only, collection switched on and off around them with ``callgrind_control``.
    """
    method, body = ("POST", entry_body()) if scenario == "write" else ("GET", "")
    if profiler == "callgrind":
        _callgrind("on")
        try:
            for _ in range(requests):
                await call(app, method, url, headers, body)
        finally:
            _callgrind("off")
        return f"callgrind: instructions of {requests} requests collected\n"
    if profiler == "pyinstrument":
        from pyinstrument import Profiler

        with Profiler(async_mode="enabled", interval=0.0002) as sampler:
            for _ in range(requests):
                await call(app, method, url, headers, body)
        return str(sampler.output_text(unicode=True, color=False, show_all=False))
    tracer = cProfile.Profile(time.process_time)
    tracer.enable()
    for _ in range(requests):
        await call(app, method, url, headers, body)
    tracer.disable()
    out_dir = seed.ROOT / "var" / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    tracer.dump_stats(str(out_dir / f"profile-{scenario}.prof"))
    out = io.StringIO()
    stats = pstats.Stats(tracer, stream=out)
    out.write(
        f"function calls per request (deterministic, unlike the CPU time):"
        f" {stats.total_calls / requests:.0f}"  # type: ignore[attr-defined]
        f" ({stats.prim_calls / requests:.0f} primitive)\n\n"  # type: ignore[attr-defined]
    )
    stats.sort_stats("tottime").print_stats(40)
    pstats.Stats(tracer, stream=out).sort_stats("cumulative").print_stats(60)
    return out.getvalue()


def _callgrind(state: str) -> None:
    """Switch callgrind's collection of this process ``on`` or ``off``."""
    subprocess.run(
        ["callgrind_control", "--instr", state, str(os.getpid())], check=True, capture_output=True
    )


def _figures(server: str, samples: Sequence[tuple[float, float]], per_round: int) -> Figures:
    """The least disturbed round: on a shared machine other processes only ever add time."""
    cpu = min(c for c, _ in samples)
    wall = min(w for _, w in samples)
    return Figures(
        server=server,
        requests=per_round * len(samples),
        cpu_us=cpu / per_round * 1e6,
        wall_us=wall / per_round * 1e6,
        round_trips=None,
        statements={},
    )


async def measure(
    backend: str, url: str, dataset: seed.Dataset, options: argparse.Namespace
) -> tuple[list[Figures], str]:
    """Both servers alive side by side, measured in alternating rounds.

    Each round runs ``requests / rounds`` requests on Gongzhi, then as many on ceiling B; each
    server's figure is its least disturbed round (the minimum), so a burst of load from other
    processes moves one round, not the ratio.
    """
    from bench.ceilings import raw_app
    from core.app import create_app
    from core.settings import load_settings

    os.environ.update(
        seed.gongzhi_env(url),
        BENCH_DATABASE_URL=url,
        BENCH_TENANT_PATH=dataset.tenant_path,
    )
    sys.stderr = options.log
    try:
        urls = scenario_urls("http://bench", dataset)
        target = urls[options.scenario][0]
        scenario = options.scenario
        rounds = max(1, options.rounds)
        per_round = max(1, options.requests // rounds)
        gongzhi = create_app(load_settings())
        engine = gongzhi.state.db.engine.sync_engine
        counter: RoundTrips | DriverTrips = (
            DriverTrips(engine) if backend == "postgresql" else RoundTrips(engine)
        )
        counter.attach()
        ceiling = raw_app()
        ours: list[tuple[float, float]] = []
        theirs: list[tuple[float, float]] = []
        async with Lifespan(gongzhi), Lifespan(ceiling):
            headers = await login(gongzhi)
            await warm(gongzhi, scenario, target, headers, options.requests, counter)
            await warm(ceiling, scenario, target, {}, options.requests, None)
            counter.detach()
            for _ in range(rounds):
                ours.append(await timed(gongzhi, scenario, target, headers, per_round))
                theirs.append(await timed(ceiling, scenario, target, {}, per_round))
            counter.kinds.clear()
            counter.attach()
            for _ in range(rounds):
                await timed(gongzhi, scenario, target, headers, per_round)
                await timed(ceiling, scenario, target, {}, per_round)
            await asyncio.sleep(0)  # asyncpg's query loggers report with call_soon
            counter.detach()
            counted = Counter(counter.kinds)
            report = ""
            if options.profiler:
                counted_app, counted_headers = (
                    (ceiling, {}) if options.count == "ceiling-b" else (gongzhi, headers)
                )
                report = await profiled(
                    counted_app,
                    scenario,
                    target,
                    counted_headers,
                    options.count_requests or options.requests,
                    options.profiler,
                )
    finally:
        # The server's log goes to a file that is deleted with the seeded database; an
        # error that ends the run must still reach the terminal.
        sys.stderr.close()
        sys.stderr = sys.__stderr__
    total = per_round * rounds
    mine = _figures("gongzhi", ours, per_round)
    mine = Figures(
        server=mine.server,
        requests=mine.requests,
        cpu_us=mine.cpu_us,
        wall_us=mine.wall_us,
        round_trips=sum(counted.values()) / total,
        statements={k: v / total for k, v in sorted(counted.items())},
    )
    return [mine, _figures("ceiling-b", theirs, per_round)], report


def render(backend: str, scenario: str, results: Sequence[Figures]) -> str:
    gongzhi, ceiling = results
    lines = [
        f"{backend} {scenario}: {gongzhi.requests} requests one after another, in-process,"
        " in alternating rounds (each server's least disturbed round)",
        f"{'server':<11}{'CPU µs/req':>12}{'wall µs/req':>13}{'round trips':>13}",
    ]
    for r in results:
        trips = f"{r.round_trips:.2f}" if r.round_trips is not None else "-"
        lines.append(f"{r.server:<11}{r.cpu_us:>12.0f}{r.wall_us:>13.0f}{trips:>13}")
    lines.append(
        f"ceiling B ÷ Gongzhi: CPU {ceiling.cpu_us / gongzhi.cpu_us:.2f},"
        f" wall {ceiling.wall_us / gongzhi.wall_us:.2f}"
    )
    if gongzhi.statements:
        lines.append(
            "Gongzhi's round trips per request: "
            + ", ".join(f"{k} {v:.2f}" for k, v in gongzhi.statements.items())
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    env = os.environ
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="postgresql")
    parser.add_argument("--scenario", choices=SCENARIOS, default="read")
    parser.add_argument("--requests", type=int, default=int(env.get("BENCH_REQUESTS", "2000")))
    parser.add_argument("--rounds", type=int, default=int(env.get("BENCH_PROFILE_ROUNDS", "10")))
    parser.add_argument(
        "--profiler", choices=("pyinstrument", "cprofile", "callgrind"), default=None
    )
    parser.add_argument(
        "--count",
        choices=("gongzhi", "ceiling-b"),
        default="gongzhi",
        help="the server the profiler's requests go to",
    )
    parser.add_argument(
        "--count-requests", type=int, default=0, help="requests profiled (default --requests)"
    )
    parser.add_argument("--volunteers", type=int, default=int(env.get("BENCH_VOLUNTEERS", "3000")))
    parser.add_argument("--entries", type=int, default=int(env.get("BENCH_ENTRIES", "30000")))
    options = parser.parse_args(argv)
    with (
        tempfile.TemporaryDirectory(prefix="gongzhi-profile-") as tmp,
        seed.database(options.backend, Path(tmp)) as url,
    ):
        dataset = seed.prepare(options.backend, url, Path(tmp), options.volunteers, options.entries)
        options.log = (Path(tmp) / "server.log").open("a", encoding="utf-8")
        results, report = asyncio.run(measure(options.backend, url, dataset, options))
    text = render(options.backend, options.scenario, results)
    print(text)
    out = seed.ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    stem = f"profile-{options.backend}-{options.scenario}"
    (out / f"{stem}.json").write_text(
        json.dumps([r.__dict__ for r in results], indent=2, default=str)
    )
    if report:
        (out / f"{stem}-{options.profiler}.txt").write_text(text + "\n\n" + report)
        print(f"profile: {out / f'{stem}-{options.profiler}.txt'}")


if __name__ == "__main__":
    main()
