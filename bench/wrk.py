"""Running Debian's ``wrk`` and reading its figures (requests/s, p50, p99, errors)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

POST_SCRIPT = Path(__file__).with_name("post.lua")
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
_LATENCY = re.compile(r"^\s*(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m)\s*$", re.MULTILINE)
_RPS = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
_REQUESTS = re.compile(r"^\s*(\d+) requests in", re.MULTILINE)
_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_SOCKET = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")


@dataclass(frozen=True)
class Result:
    """One wrk run: throughput, latency percentiles in milliseconds, failed requests."""

    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    server_cpu_ms: float | None = None
    """CPU time of the server process per request (user and system), where measured."""


def parse(output: str) -> Result:
    """The figures of ``wrk --latency`` output; ValueError when a figure is missing."""
    latency = {p: float(v) * _UNITS[u] for p, v, u in _LATENCY.findall(output)}
    rps = _RPS.search(output)
    requests = _REQUESTS.search(output)
    if rps is None or requests is None or set(latency) != {"50", "99"}:
        raise ValueError(f"unexpected wrk output:\n{output}")
    errors = sum(int(n) for n in _NON_2XX.findall(output))
    socket = _SOCKET.search(output)
    if socket:
        errors += sum(int(n) for n in socket.groups())
    return Result(float(rps.group(1)), latency["50"], latency["99"], int(requests.group(1)), errors)


def ensure_installed() -> str:
    """The path of ``wrk``; the Makefile installs it, so its absence here is an error."""
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit("错误：未找到 wrk / error: wrk not found (run `make bench`)")
    return path


def run(
    url: str,
    *,
    seconds: float,
    connections: int,
    threads: int = 2,
    headers: Mapping[str, str] | None = None,
    body: str | None = None,
) -> Result:
    """Load ``url`` for ``seconds`` (a POST of ``body`` when given) and return the figures."""
    command = [
        ensure_installed(),
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--latency",
        "--timeout",
        "10s",
    ]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    env = dict(os.environ)
    if body is not None:
        command += ["-s", str(POST_SCRIPT)]
        env["BENCH_BODY"] = body
    command.append(url)
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    return parse(done.stdout)
