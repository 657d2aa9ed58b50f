"""``make bench``: Gongzhi against its two ceilings, on SQLite and PostgreSQL, in one run.

For each backend a bench database is created and seeded (:mod:`bench.seed`), and the three
servers (Gongzhi through ``gongzhi serve``, ceiling B, ceiling A; see :mod:`bench.ceilings`) are
started on 127.0.0.1 on free ports, each with the same number of uvicorn workers (one per core
unless ``BENCH_WORKERS`` says otherwise). For each scenario every server is warmed up, then
``wrk`` loads them in turns: ``--turns`` rounds of ``--seconds / --turns`` each, the order
reversed every other round. A server's figures add up its rounds (requests/s over all of them,
CPU per request over all of them, the median of its rounds' latency percentiles), so the
machine's drift over a run, which on a shared machine moves a server's throughput by a third
from one minute to the next, falls on all three alike. The table and the ratios Gongzhi ÷
ceiling are printed and written as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from bench import seed, wrk

SCENARIOS = ("list", "read", "write")
SERVERS = ("gongzhi", "ceiling-b", "ceiling-a")
TARGET_RATIO = 0.60
TARGET_WRITE_RATIO = 0.40
TARGET_P99_MS = 50.0
READY_TIMEOUT = 60.0
Results = dict[str, dict[str, dict[str, wrk.Result]]]
"""backend → scenario → server → figures."""


@dataclass(frozen=True)
class Options:
    backends: tuple[str, ...]
    seconds: float
    warmup: float
    connections: int
    volunteers: int
    entries: int
    workers: int = 1
    turns: int = 5


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def request(
    url: str, *, body: str | None = None, headers: Mapping[str, str] | None = None
) -> tuple[int, bytes]:
    """One HTTP request: status and body (an error status is returned, not raised)."""
    req = urllib.request.Request(url, data=body.encode() if body is not None else None)
    for name, value in (headers or {}).items():
        req.add_header(name, value)
    if body is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            return int(response.status), bytes(response.read())
    except urllib.error.HTTPError as error:
        return int(error.code), bytes(error.read())


@contextmanager
def serving(
    command: Sequence[str], env: Mapping[str, str], ready_url: str, log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``command`` until the block ends; ready once ``ready_url`` answers 200."""
    with log.open("ab") as out:
        process = subprocess.Popen(
            list(command), env=dict(env), cwd=seed.ROOT, stdout=out, stderr=out
        )
    try:
        deadline = time.monotonic() + READY_TIMEOUT
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{command[0]} exited with {process.returncode}; see {log}")
            try:
                if request(ready_url)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{ready_url} not ready after {READY_TIMEOUT:.0f}s; see {log}")
            time.sleep(0.2)
        yield process
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def server_command(name: str, port: int, workers: int = 1) -> list[str]:
    """The command line of ``name`` on ``port``, with ``workers`` uvicorn worker processes
    (the same for every server, so none gets more of the cores than another)."""
    if name == "gongzhi":
        cli = str(Path(sys.executable).with_name("gongzhi"))
        return [
            cli, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
        ]  # fmt: skip
    factory = "bench.ceilings:static_app" if name == "ceiling-a" else "bench.ceilings:raw_app"
    return [
        sys.executable, "-m", "uvicorn", "--factory", factory,
        "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
        "--no-access-log", "--log-level", "warning", "--timeout-graceful-shutdown", "20",
    ]  # fmt: skip


def entry_body() -> str:
    return json.dumps(
        {
            "hours": "1.5",
            "served_on": date.today().isoformat(),
            "content": "压测服务记录",
            "verified_by": "社区居委会",
        },
        ensure_ascii=False,
    )


def scenario_urls(base: str, dataset: seed.Dataset) -> dict[str, tuple[str, str | None]]:
    """URL and body of each scenario; writes go to another volunteer than the detail read."""
    prefix = f"{base}/api/v1/tenants/{dataset.tenant_slug}/five-sector/volunteers"
    return {
        "list": (f"{prefix}?limit=50", None),
        "read": (f"{prefix}/{dataset.volunteer_id}", None),
        "write": (f"{prefix}/{dataset.write_volunteer_id}/entries", entry_body()),
    }


def login(base: str) -> dict[str, str]:
    """Log the bench's district administrator in; the bearer header every request carries."""
    body = json.dumps({"username": seed.BENCH_USER, "password": seed.BENCH_PASSWORD})
    status, content = request(f"{base}/api/v1/auth/login", body=body)
    if status != 200:
        raise RuntimeError(f"login answered {status}: {content[:500]!r}")
    return {"Authorization": f"Bearer {json.loads(content)['access_token']}"}


def record_payloads(
    base: str, dataset: seed.Dataset, headers: Mapping[str, str], path: Path
) -> None:
    """Gongzhi's own responses, which ceiling A serves from memory."""
    payloads: dict[str, Any] = {}
    for scenario, (url, body) in scenario_urls(base, dataset).items():
        status, content = request(url, body=body, headers=headers)
        if status not in (200, 201):
            raise RuntimeError(f"{scenario}: {url} answered {status}: {content[:500]!r}")
        payloads[scenario] = json.loads(content)
    if payloads["list"]["total"] != dataset.volunteers:
        raise RuntimeError(
            f"Gongzhi lists {payloads['list']['total']} of {dataset.volunteers} volunteers"
        )
    path.write_text(json.dumps(payloads, ensure_ascii=False))


def process_cpu_seconds(pid: int) -> float | None:
    """User plus system CPU time so far of process ``pid`` and every process under it (its
    uvicorn workers), from Linux's ``/proc``; None where there is no ``/proc``."""
    parents: dict[int, int] = {}
    ticks: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        child = int(stat.parent.name)
        parents[child] = int(fields[1])
        ticks[child] = int(fields[11]) + int(fields[12])
    if pid not in ticks:
        return None
    tree = {pid}
    grew = True
    while grew:
        before = len(tree)
        tree |= {child for child, parent in parents.items() if parent in tree}
        grew = len(tree) > before
    return sum(ticks[p] for p in tree) / os.sysconf("SC_CLK_TCK")


def combined(rounds: Sequence[wrk.Result], cpu_seconds: float | None) -> wrk.Result:
    """One server's rounds of a scenario as one figure: requests/s over their total time, CPU
    per request over their total requests, the median of their latency percentiles."""
    requests = sum(r.requests for r in rounds)
    seconds = sum(r.requests / r.rps for r in rounds if r.rps)
    cpu_ms = cpu_seconds * 1000 / requests if cpu_seconds is not None and requests else None
    return wrk.Result(
        rps=requests / seconds if seconds else 0.0,
        p50_ms=statistics.median(r.p50_ms for r in rounds),
        p99_ms=statistics.median(r.p99_ms for r in rounds),
        requests=requests,
        errors=sum(r.errors for r in rounds),
        server_cpu_ms=cpu_ms,
    )


def load_in_turns(
    bases: Mapping[str, str],
    pids: Mapping[str, int],
    dataset: seed.Dataset,
    headers: Mapping[str, str],
    options: Options,
) -> dict[str, dict[str, wrk.Result]]:
    """Each scenario on every server: a warm-up each, then the rounds in turns (the order
    reversed every other round); server → scenario → figures.

    CPU per request is the steadier figure on a shared machine: requests/s depend on how much
    of the cores the server got, its CPU per request does not."""
    figures: dict[str, dict[str, wrk.Result]] = {server: {} for server in bases}
    rounds = max(1, options.turns)
    per_round = max(1.0, options.seconds / rounds)
    for scenario in SCENARIOS:
        urls = {server: scenario_urls(base, dataset)[scenario] for server, base in bases.items()}
        if options.warmup > 0:
            for url, body in urls.values():
                wrk.run(
                    url,
                    seconds=options.warmup,
                    connections=options.connections,
                    headers=headers,
                    body=body,
                )
        done: dict[str, list[wrk.Result]] = {server: [] for server in bases}
        cpu: dict[str, float | None] = dict.fromkeys(bases, 0.0)
        for turn in range(rounds):
            order = list(bases) if turn % 2 == 0 else list(bases)[::-1]
            for server in order:
                url, body = urls[server]
                before = process_cpu_seconds(pids[server])
                result = wrk.run(
                    url,
                    seconds=per_round,
                    connections=options.connections,
                    headers=headers,
                    body=body,
                )
                after = process_cpu_seconds(pids[server])
                done[server].append(result)
                spent = cpu[server]
                cpu[server] = (
                    None
                    if spent is None or before is None or after is None
                    else spent + after - before
                )
        for server in bases:
            figures[server][scenario] = combined(done[server], cpu[server])
    return figures


def bench_backend(backend: str, options: Options, work: Path) -> dict[str, dict[str, wrk.Result]]:
    """Seed a database on ``backend``, start every server on it, and load them in turns."""
    headers: dict[str, str] = {}
    with seed.database(backend, work) as url:
        print(
            f"· {backend}: seeding {options.volunteers} volunteers, {options.entries} entries",
            flush=True,
        )
        dataset = seed.prepare(backend, url, work, options.volunteers, options.entries)
        payloads = work / f"payloads-{backend}.json"
        env = {
            **seed.gongzhi_env(url),
            "PYTHONPATH": str(seed.ROOT),
            "BENCH_PAYLOADS": str(payloads),
            "BENCH_DATABASE_URL": url,
            "BENCH_TENANT_PATH": dataset.tenant_path,
        }
        bases: dict[str, str] = {}
        pids: dict[str, int] = {}
        with ExitStack() as running:
            for server in SERVERS:
                port = free_port()
                base = f"http://127.0.0.1:{port}"
                ready = (
                    f"{base}/health/ready"
                    if server == "gongzhi"
                    else f"{base}/api/v1/tenants/{dataset.tenant_slug}/five-sector/volunteers?limit=1"
                )
                if server == "ceiling-a" and not payloads.exists():
                    raise RuntimeError("ceiling A needs Gongzhi's recorded responses")
                log = work / f"{server}-{backend}.log"
                command = server_command(server, port, options.workers)
                process = running.enter_context(serving(command, env, ready, log))
                if server == "gongzhi":
                    headers = login(base)
                    record_payloads(base, dataset, headers, payloads)
                bases[server], pids[server] = base, process.pid
            print(f"· {backend}: loading {', '.join(SERVERS)} in turns", flush=True)
            return load_in_turns(bases, pids, dataset, headers, options)


def measure(options: Options) -> Results:
    results: Results = {}
    with tempfile.TemporaryDirectory(prefix="gongzhi-bench-") as tmp:
        for backend in options.backends:
            by_server = bench_backend(backend, options, Path(tmp))
            results[backend] = {
                scenario: {server: by_server[server][scenario] for server in SERVERS}
                for scenario in SCENARIOS
            }
    return results


def report(results: Results, options: Options) -> str:
    """The table of figures, then the ratios and whether each target is met."""
    lines = [
        f"wrk -t2 -c{options.connections}, {options.seconds:g}s per server and scenario in"
        f" {options.turns} rounds taken in turns (warm-up {options.warmup:g}s); "
        f"{options.volunteers} volunteers, {options.entries} ledger entries; "
        f"{os.cpu_count()} CPUs, {options.workers} worker(s) per server,"
        f" Python {platform.python_version()}",
        "",
        f"{'backend':<11}{'scenario':<9}{'server':<11}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'errors':>8}{'CPU ms/req':>12}",
    ]
    for backend, scenarios in results.items():
        for scenario, servers in scenarios.items():
            for server, r in servers.items():
                cpu = f"{r.server_cpu_ms:.2f}" if r.server_cpu_ms is not None else "-"
                lines.append(
                    f"{backend:<11}{scenario:<9}{server:<11}{r.rps:>9.0f}{r.p50_ms:>9.2f}"
                    f"{r.p99_ms:>9.2f}{r.errors:>8}{cpu:>12}"
                )
    lines += [
        "",
        "Gongzhi req/s ÷ ceiling req/s; targets: list and read ≥ 0.60 of B, write ≥ 0.40,",
        "Gongzhi p99 < 50 ms for list and read. CPU B/G: ceiling B's server CPU per request ÷",
        "Gongzhi's (the same ratio measured by cost rather than by throughput).",
        f"{'backend':<11}{'scenario':<9}{'÷ B':>7}{'÷ A':>7}{'CPU B/G':>9}{'p99 ms':>9}  targets",
    ]
    for backend, scenarios in results.items():
        for scenario, servers in scenarios.items():
            g, b, a = servers["gongzhi"], servers["ceiling-b"], servers["ceiling-a"]
            ratio_b, ratio_a = g.rps / b.rps, g.rps / a.rps
            cpu_ratio = (
                f"{b.server_cpu_ms / g.server_cpu_ms:.2f}"
                if b.server_cpu_ms is not None and g.server_cpu_ms
                else "-"
            )
            target = TARGET_RATIO if scenario in ("list", "read") else TARGET_WRITE_RATIO
            verdicts = [f"ratio {'met' if ratio_b >= target else 'NOT met'}"]
            if scenario in ("list", "read"):
                verdicts.append(f"p99 {'met' if g.p99_ms < TARGET_P99_MS else 'NOT met'}")
            lines.append(
                f"{backend:<11}{scenario:<9}{ratio_b:>7.2f}{ratio_a:>7.2f}{cpu_ratio:>9}"
                f"{g.p99_ms:>9.2f}  " + ", ".join(verdicts)
            )
    return "\n".join(lines)


def parse_options(argv: Sequence[str] | None = None) -> Options:
    env = os.environ
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backends", default=env.get("BENCH_BACKENDS", "sqlite,postgresql"))
    parser.add_argument("--seconds", type=float, default=float(env.get("BENCH_SECONDS", "10")))
    parser.add_argument("--warmup", type=float, default=float(env.get("BENCH_WARMUP", "2")))
    parser.add_argument("--connections", type=int, default=int(env.get("BENCH_CONNECTIONS", "32")))
    parser.add_argument("--volunteers", type=int, default=int(env.get("BENCH_VOLUNTEERS", "3000")))
    parser.add_argument("--entries", type=int, default=int(env.get("BENCH_ENTRIES", "30000")))
    parser.add_argument(
        "--workers", type=int, default=int(env.get("BENCH_WORKERS", str(os.cpu_count() or 1)))
    )
    parser.add_argument("--turns", type=int, default=int(env.get("BENCH_TURNS", "5")))
    args = parser.parse_args(argv)
    backends = tuple(b.strip() for b in args.backends.split(",") if b.strip())
    unknown = [b for b in backends if b not in ("sqlite", "postgresql")]
    if unknown or not backends:
        parser.error(f"--backends: expected sqlite and/or postgresql, got {args.backends!r}")
    return Options(
        backends,
        args.seconds,
        args.warmup,
        args.connections,
        args.volunteers,
        args.entries,
        max(1, args.workers),
        max(1, args.turns),
    )


def main(argv: Sequence[str] | None = None) -> None:
    options = parse_options(argv)
    results = measure(options)
    text = report(results, options)
    print()
    print(text)
    out = seed.ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (out / f"bench-{stamp}.json").write_text(
        json.dumps(
            {
                "options": asdict(options),
                "results": {
                    b: {s: {v: asdict(r) for v, r in sv.items()} for s, sv in ss.items()}
                    for b, ss in results.items()
                },
            },
            indent=2,
        )
    )
    (out / f"bench-{stamp}.txt").write_text(text + "\n")


if __name__ == "__main__":
    main()
