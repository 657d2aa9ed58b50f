"""``make bench-console``: how long every main console page takes on the demo district.

The database is prepared exactly as ``make run`` prepares it (``gongzhi db upgrade``,
``gongzhi tenants apply tenants/wangcheng.yaml``, ``gongzhi users ensure-demo-admin``,
``gongzhi demo load``) in a fresh SQLite file and, with ``--backends sqlite,postgresql``, a
fresh PostgreSQL database (served as a role without ownership, so row-level security applies);
then ``gongzhi serve`` runs on a free port, as a browser would reach it. One client with its
own cookies logs in through ``/console/login`` as the demo platform administrator (the password
``ensure-demo-admin`` printed) and fetches, in rounds, every main page: the dashboards of the
district, of a town and of a community, the tenant tree, the module matrix, the members and the
audit log, and each module's list and the detail page of its first record (found by following
the navigation and the list's links, so a new module page is measured without editing this
file). After ``--warmup`` rounds, ``--repeat`` rounds are timed (wall time from the request to
the last byte of the answer); the report gives each page's median, 95th percentile and maximum
against the target (``--target-ms``, 200 ms). Pages take turns within each round, so a burst
of load from other processes on a shared machine spreads over every page instead of one.

    python -m bench.console
    python -m bench.console --backends sqlite,postgresql --repeat 20

Times are reported, never asserted: the tests check what the pages show, this measures them.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

from bench import seed
from bench.run import free_port, serving

ROOT = seed.ROOT
DISTRICT = "wangcheng"
CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')
PASSWORD = re.compile(r"password: (\S+)")


@dataclass(frozen=True)
class Page:
    """One page to time: a short name and its path."""

    name: str
    path: str


@dataclass(frozen=True)
class Timing:
    """One page's figures over the timed rounds, in milliseconds."""

    name: str
    path: str
    count: int
    median_ms: float
    p95_ms: float
    max_ms: float
    bytes: int


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (``share`` in 0..1) of ``values``."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[rank]


def environment(url: str) -> dict[str, str]:
    """The environment of the ``gongzhi`` commands: ``make run``'s (development settings),
    on ``url``; on PostgreSQL served as :data:`bench.seed.APP_ROLE`, migrated as the owner."""
    env = dict(os.environ)
    for name in [n for n in env if n.startswith("GONGZHI_")]:
        del env[name]
    env.update(
        GONGZHI_DATABASE_URL=seed.app_url(url),
        GONGZHI_MIGRATION_DATABASE_URL=url,
        GONGZHI_SECRET_KEY=seed.SECRET_KEY,
    )
    return env


def gongzhi(env: Mapping[str, str], *args: str) -> str:
    """Run one ``gongzhi`` command; its output (a failure stops the bench)."""
    cli = Path(sys.executable).with_name("gongzhi")
    done = subprocess.run(
        [str(cli), *args], env=dict(env), cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"gongzhi {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout + done.stderr


def prepare(env: Mapping[str, str]) -> str:
    """``make run``'s preparation of the demo district; the demo administrator's password."""
    gongzhi(env, "db", "upgrade")
    gongzhi(env, "tenants", "apply", "tenants/wangcheng.yaml")
    printed = gongzhi(env, "users", "ensure-demo-admin")
    found = PASSWORD.search(printed)
    if found is None:
        raise RuntimeError(f"ensure-demo-admin printed no password:\n{printed}")
    gongzhi(env, "demo", "load")
    return found.group(1)


def log_in(client: httpx.Client, password: str) -> None:
    """Log in through the console's form as the demo administrator."""
    form = client.get("/console/login")
    form.raise_for_status()
    token = CSRF.search(form.text)
    if token is None:
        raise RuntimeError("the login page carries no CSRF token")
    answer = client.post(
        "/console/login",
        data={
            "csrf_token": token.group(1),
            "username": "admin",
            "password": password,
            "next": "/console",
        },
    )
    if answer.status_code != 303:
        raise RuntimeError(f"login answered {answer.status_code}: {answer.text[:300]}")


def _links(html: str, prefix: str) -> list[str]:
    """The distinct paths of ``html``'s links that start with ``prefix``, in page order."""
    found = re.findall(r'href="(' + re.escape(prefix) + r'[^"?#]*)"', html)
    return list(dict.fromkeys(found))


def _child_slugs(client: httpx.Client, tenant: str) -> list[str]:
    """The slugs of ``tenant``'s children, in the tree page's order."""
    html = client.get(f"/console/t/{tenant}/tree").text
    pattern = r'class="depth-1"><a href="/console/t/' + re.escape(tenant) + r'/tree/([^"/]+)"'
    return re.findall(pattern, html)


def discover(client: httpx.Client) -> list[Page]:
    """Every main page of the demo district, found by following the console's own links."""
    dashboard = client.get(f"/console/t/{DISTRICT}")
    dashboard.raise_for_status()
    towns = _child_slugs(client, DISTRICT)
    town = "gaotangling" if "gaotangling" in towns else towns[0]
    community = _child_slugs(client, town)[0]
    base = f"/console/t/{DISTRICT}"
    pages = [
        Page("dashboard (district)", base),
        Page("dashboard (town)", f"/console/t/{town}"),
        Page("dashboard (community)", f"/console/t/{community}"),
        Page("tree", f"{base}/tree"),
        Page("module matrix", f"{base}/modules"),
        Page("members", f"{base}/members"),
        Page("audit", f"{base}/audit"),
    ]
    for listing in _links(dashboard.text, f"{base}/m/"):
        module, resource = listing.split("/")[-2:]
        pages.append(Page(f"{module}/{resource}", listing))
        detail = _first_detail(client, listing, (DISTRICT, town, community))
        if detail is not None:
            pages.append(Page(f"{module}/{resource} detail", detail))
    return pages


def _first_detail(client: httpx.Client, listing: str, tenants: Sequence[str]) -> str | None:
    """The first record's detail page of ``listing`` at the first of ``tenants`` with one."""
    for tenant in tenants:
        path = listing.replace(f"/console/t/{DISTRICT}/", f"/console/t/{tenant}/", 1)
        answer = client.get(path)
        if answer.status_code != 200:
            continue
        for link in _links(answer.text, path + "/"):
            if link.rsplit("/", 1)[1] not in ("new", "export") and link.count("/") == 7:
                return link
    return None


def measure(
    clients: Mapping[str, httpx.Client], pages: Sequence[Page], warmup: int, repeat: int
) -> dict[str, list[Timing]]:
    """Fetch every page from every server ``warmup`` rounds untimed, then ``repeat`` rounds
    timed; the servers take turns on each page (in alternating order from one round to the
    next), so a burst of load from elsewhere falls on both alike."""
    times: dict[str, dict[str, list[float]]] = {
        label: {page.path: [] for page in pages} for label in clients
    }
    sizes: dict[str, dict[str, int]] = {label: {} for label in clients}
    order = list(clients)
    for round_ in range(warmup + repeat):
        for page in pages:
            for label in order if round_ % 2 == 0 else order[::-1]:
                started = time.perf_counter()
                answer = clients[label].get(page.path)
                elapsed = (time.perf_counter() - started) * 1000
                if answer.status_code != 200:
                    raise RuntimeError(f"{label}: {page.path} answered {answer.status_code}")
                if round_ >= warmup:
                    times[label][page.path].append(elapsed)
                    sizes[label][page.path] = len(answer.content)
    return {
        label: [
            Timing(
                name=page.name,
                path=page.path,
                count=len(times[label][page.path]),
                median_ms=statistics.median(times[label][page.path]),
                p95_ms=percentile(times[label][page.path], 0.95),
                max_ms=max(times[label][page.path]),
                bytes=sizes[label][page.path],
            )
            for page in pages
        ]
        for label in clients
    }


BASELINE_BOOT = """
import sys
source = sys.argv.pop(1)
sys.meta_path[:] = [f for f in sys.meta_path if "__editable__" not in getattr(f, "__module__", "")]
sys.path.insert(0, source)
from core.cli import run
sys.argv[0] = "gongzhi"
sys.exit(run())
"""
"""Start ``gongzhi`` from another checkout's code: this environment installs the project in
editable mode, whose import hook would otherwise always load this tree's."""


def server(
    label: str, env: Mapping[str, str], work: Path, source: Path | None
) -> tuple[list[str], str, Path]:
    """How to serve one side: command, base URL and log; ``source`` another checkout whose
    code the server runs instead of this one's."""
    port = free_port()
    if source is None:
        command = [str(Path(sys.executable).with_name("gongzhi"))]
    else:
        command = [sys.executable, "-c", BASELINE_BOOT, str(source.resolve())]
    command += ["serve", "--host", "127.0.0.1", "--port", str(port)]
    return command, f"http://127.0.0.1:{port}", work / f"serve-{label}.log"


def bench_backend(backend: str, options: argparse.Namespace, work: Path) -> dict[str, list[Timing]]:
    """Prepare ``backend``'s demo database, serve it (and the baseline's code on the same
    database, with ``--baseline``) and time every page."""
    with seed.database(backend, work) as url, contextlib.ExitStack() as stack:
        env = environment(url)
        print(f"[{backend}] preparing the demo district ...", flush=True)
        password = prepare(env)
        sides: dict[str, Path | None] = {"this tree": None}
        if options.baseline is not None:
            sides["baseline"] = options.baseline
        clients: dict[str, httpx.Client] = {}
        for label, source in sides.items():
            command, base, log = server(f"{backend}-{label}", env, work, source)
            stack.enter_context(serving(command, env, base + "/health/live", log))
            clients[label] = stack.enter_context(httpx.Client(base_url=base, timeout=60))
            log_in(clients[label], password)
        pages = discover(clients["this tree"])
        print(
            f"[{backend}] {len(pages)} pages, {options.warmup} warm-up and "
            f"{options.repeat} timed rounds ...",
            flush=True,
        )
        return measure(clients, pages, options.warmup, options.repeat)


def report(backend: str, results: Mapping[str, Sequence[Timing]], target: float, load: str) -> str:
    """The table of one backend's pages against ``target`` milliseconds (and the baseline's
    medians with the ratio, when one was measured)."""
    timings = results["this tree"]
    baseline = {t.path: t for t in results.get("baseline", [])}
    width = max(len(t.name) for t in timings)
    header = f"  {'page':<{width}}  {'median':>7}  {'p95':>7}  {'max':>7}  {'KiB':>6}"
    if baseline:
        header += f"  {'baseline':>8}  {'ratio':>5}"
    lines = [
        f"{backend}: median / p95 / max in ms over {timings[0].count} fetches "
        f"(target < {target:.0f} ms median; load average {load})",
        header,
    ]
    for t in timings:
        line = (
            f"  {t.name:<{width}}  {t.median_ms:7.1f}  {t.p95_ms:7.1f}  {t.max_ms:7.1f}"
            f"  {t.bytes / 1024:6.1f}"
        )
        if t.path in baseline:
            base = baseline[t.path].median_ms
            line += f"  {base:8.1f}  {t.median_ms / base:5.2f}"
        lines.append(line + ("" if t.median_ms < target else "  OVER"))
    over = [t.name for t in timings if t.median_ms >= target]
    lines.append(
        f"  {len(timings) - len(over)} of {len(timings)} pages under {target:.0f} ms median"
        + (f"; over: {', '.join(over)}" if over else "")
    )
    if baseline:
        slow = [b.name for b in baseline.values() if b.median_ms >= target]
        lines.append(
            f"  baseline: {len(baseline) - len(slow)} of {len(baseline)} under {target:.0f} ms"
            + (f"; over: {', '.join(slow)}" if slow else "")
        )
    return "\n".join(lines)


def load_average() -> str:
    try:
        return " ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "unknown"


def parse_options(argv: Sequence[str] | None = None) -> argparse.Namespace:
    env = os.environ
    parser = argparse.ArgumentParser(prog="python -m bench.console", description=__doc__)
    parser.add_argument("--backends", default=env.get("BENCH_BACKENDS", "sqlite"))
    parser.add_argument("--repeat", type=int, default=int(env.get("BENCH_REPEAT", "15")))
    parser.add_argument("--warmup", type=int, default=int(env.get("BENCH_WARMUP", "2")))
    parser.add_argument("--target-ms", type=float, default=200.0)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument(
        "--baseline",
        type=Path,
        default=None,
        help="another checkout (e.g. a worktree of main) served on the same database, "
        "its pages timed in turn with this tree's",
    )
    options = parser.parse_args(argv)
    options.backends = [b.strip() for b in options.backends.split(",") if b.strip()]
    unknown = [b for b in options.backends if b not in ("sqlite", "postgresql")]
    if unknown:
        parser.error(f"--backends: expected sqlite and/or postgresql, got {unknown}")
    if options.repeat < 1 or options.warmup < 0:
        parser.error("--repeat must be at least 1 and --warmup at least 0")
    return options


def main(argv: Sequence[str] | None = None) -> None:
    options = parse_options(argv)
    results: dict[str, dict[str, list[Timing]]] = {}
    with tempfile.TemporaryDirectory(prefix="gongzhi-bench-console-") as folder:
        for backend in options.backends:
            results[backend] = bench_backend(backend, options, Path(folder))
            print(report(backend, results[backend], options.target_ms, load_average()))
    if options.json is not None:
        options.json.parent.mkdir(parents=True, exist_ok=True)
        options.json.write_text(
            json.dumps(
                {
                    backend: {label: [asdict(t) for t in ts] for label, ts in sides.items()}
                    for backend, sides in results.items()
                },
                indent=2,
            ),
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
