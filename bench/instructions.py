"""``make bench-instructions``: machine instructions per request, Gongzhi against ceiling B.

CPU time on a shared machine moves by 10–20 % between rounds of the same code, more than most
single changes to the hot path save. An instruction count does not move with the machine's
load: each server runs :mod:`bench.profile` under ``valgrind --tool=callgrind`` with
collection off, and it is switched on for ``--requests`` requests after the warm-up, so the
count is the process's own work for those requests (Python, the driver, the kernel's calls
made from it; the database server's work is in another process and not counted). Caches
that expire (module states, ``GONGZHI_MODULE_STATE_TTL``) are held for a minute, as the
requests run some fifty times slower under valgrind.

    python -m bench.instructions --backend postgresql --scenario read --requests 300

Each count takes about a minute; the same code counts within about 2 % run to run in one
session, and up to 7 % apart between sessions: compare counts taken in the same session.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.run import SCENARIOS
from bench.seed import ROOT

SERVERS = ("gongzhi", "ceiling-b")


def count(
    backend: str, scenario: str, server: str, requests: int, volunteers: int, entries: int
) -> float:
    """Instructions per request of ``server`` on ``scenario``, counted by callgrind."""
    with tempfile.TemporaryDirectory(prefix="gongzhi-instructions-") as tmp:
        log = Path(tmp) / "valgrind.log"
        command = [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={Path(tmp) / 'callgrind.out'}",
            f"--log-file={log}",
            sys.executable,
            "-m",
            "bench.profile",
            f"--backend={backend}",
            f"--scenario={scenario}",
            "--requests=100",
            "--rounds=1",
            f"--volunteers={volunteers}",
            f"--entries={entries}",
            "--profiler=callgrind",
            f"--count={server}",
            f"--count-requests={requests}",
        ]
        environment = {**os.environ, "GONGZHI_MODULE_STATE_TTL": "60"}
        subprocess.run(command, check=True, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL)
        return collected(log.read_text()) / requests


def collected(log: str) -> int:
    """The instructions callgrind reports in ``log`` (its ``Collected`` line)."""
    found = re.search(r"Collected : (\d+)", log)
    if found is None:
        raise RuntimeError(f"no instruction count in valgrind's log:\n{log[-2000:]}")
    return int(found[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="postgresql")
    parser.add_argument("--scenario", choices=SCENARIOS, default="read")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--volunteers", type=int, default=300)
    parser.add_argument("--entries", type=int, default=3000)
    args = parser.parse_args()
    figures = {
        server: count(
            args.backend, args.scenario, server, args.requests, args.volunteers, args.entries
        )
        for server in SERVERS
    }
    print(f"{args.backend} {args.scenario}, instructions per request:")
    for server, instructions in figures.items():
        print(f"  {server:10s} {instructions:12,.0f}")
    print(f"  ceiling B ÷ Gongzhi: {figures['ceiling-b'] / figures['gongzhi']:.2f}")


if __name__ == "__main__":
    main()
