"""``make bench-scale``: a China-sized tenant tree on PostgreSQL and the operations that must
stay fast on it.

The tree (31 provinces, 300 cities, 3,000 districts, 40,000 towns, 600,000 communities and
villages at ``BENCH_SCALE=1``), one volunteer per ten ledger entries, 10 million service-hour
entries and 1 million activities are generated with set-based SQL (``generate_series`` and
``INSERT … SELECT``) in a database created and dropped by the script. The measured operations
then run through the real code paths: :func:`core.tenancy.resolve.find_tenant`,
:func:`core.modules.rollup.rollup` with the five-sector metrics,
:meth:`core.modules.state.ModuleStates.set_policy` and tenant-file provisioning
(:func:`core.kernel.apply_tenant_file`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from bench import seed
from core.app import freeze_startup_objects, load_plugins
from core.db import SYSTEM, Database, DbContext, create_nullpool_engine
from core.kernel import apply_tenant_file
from core.migrate import upgrade
from core.modules.rollup import rollup
from core.modules.state import ModuleStates
from core.rls import grant_app_role
from core.settings import load_settings
from core.tenancy.cache import TenantCache
from core.tenancy.models import Tenant
from core.tenancy.resolve import find_tenant

LEVELS = ("province", "city", "district", "town", "community")
FULL_SIZE = {
    "province": 31,
    "city": 300,
    "district": 3_000,
    "town": 40_000,
    "community": 600_000,
}
KINDS = {"province": "省", "city": "市", "district": "区", "town": "街道", "community": "社区"}
SLUG_PREFIX = {"province": "p", "city": "c", "district": "d", "town": "t", "community": "v"}
CODE_DIGITS = {"province": 2, "city": 2, "district": 2, "town": 3, "community": 3}
FULL_ENTRIES = 10_000_000
FULL_ACTIVITIES = 1_000_000
ENTRIES_PER_VOLUNTEER = 10
CHUNK = 1_000_000
MODULE = "five-sector"
TARGETS_MS = {
    "district roll-up": 100.0,
    "province roll-up": 2000.0,
    "tenant resolution p99": 1.0,
    "tenant resolution, cached p99": 1.0,
}


@dataclass(frozen=True)
class Sizes:
    tenants: dict[str, int]
    volunteers: int
    entries: int
    activities: int

    @classmethod
    def scaled(cls, scale: float) -> Sizes:
        tenants = {level: max(1, round(n * scale)) for level, n in FULL_SIZE.items()}
        entries = max(1, round(FULL_ENTRIES * scale))
        return cls(
            tenants=tenants,
            volunteers=max(1, entries // ENTRIES_PER_VOLUNTEER),
            entries=entries,
            activities=max(1, round(FULL_ACTIVITIES * scale)),
        )


def log(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


async def _timed(label: str, conn: AsyncConnection, statement: str, **params: Any) -> float:
    """Run the ``;``-separated statements of ``statement`` and log how long they took."""
    started = time.perf_counter()
    for part in statement.split(";"):
        if part.strip():
            clause = text(part)
            await conn.execute(clause, {k: v for k, v in params.items() if f":{k}" in part})
    elapsed = time.perf_counter() - started
    log(f"{label}: {elapsed:.1f}s")
    return elapsed


async def generate_tree(conn: AsyncConnection, sizes: Sizes) -> None:
    """Every level in one INSERT … SELECT; child ``n`` goes to parent ``(n-1) % parents + 1``.

    Slugs are the level's letter and number; division codes extend the parent's code, so the
    ids, paths and codes are all consistent with what the tenant API would have written.
    """
    await _timed(
        "provinces",
        conn,
        """
        INSERT INTO tenants (id, parent_id, path, depth, level, kind, slug, name, division_code,
                             division_year, status, settings, created_at, updated_at)
        SELECT g.id, NULL, '/' || replace(g.id::text, '-', '') || '/', 0, 'province', '省',
               'p' || g.n, '省' || g.n, lpad(g.n::text, 2, '0'), 2023, 'active', '{}', now(), now()
        FROM (SELECT n, gen_random_uuid() AS id FROM generate_series(1, :count) AS n) AS g
        """,
        count=sizes.tenants["province"],
    )
    for depth, level in enumerate(LEVELS[1:], start=1):
        parent = LEVELS[depth - 1]
        await _timed(
            f"{level}: {sizes.tenants[level]}",
            conn,
            f"""
            INSERT INTO tenants (id, parent_id, path, depth, level, kind, slug, name,
                                 division_code, division_year, status, settings, created_at,
                                 updated_at)
            SELECT g.id, p.id, p.path || replace(g.id::text, '-', '') || '/', {depth},
                   '{level}', '{KINDS[level]}', '{SLUG_PREFIX[level]}' || g.n,
                   '{KINDS[level]}' || g.n,
                   p.division_code || lpad(((g.n - 1) / :parents + 1)::text,
                                           {CODE_DIGITS[level]}, '0'),
                   2023, 'active', '{{}}', now(), now()
            FROM (SELECT n, gen_random_uuid() AS id FROM generate_series(1, :count) AS n) AS g
            JOIN tenants AS p ON p.slug = '{SLUG_PREFIX[parent]}' || ((g.n - 1) % :parents + 1)
            """,
            count=sizes.tenants[level],
            parents=sizes.tenants[parent],
        )


async def generate_module_data(conn: AsyncConnection, sizes: Sizes) -> None:
    """Volunteers, activities and ledger entries spread evenly over the communities."""
    communities = sizes.tenants["community"]
    await _timed(
        "community numbers",
        conn,
        """
        CREATE TEMP TABLE bench_communities AS
        SELECT substr(slug, 2)::int AS n, id FROM tenants WHERE level = 'community';
        ALTER TABLE bench_communities ADD PRIMARY KEY (n);
        """,
    )
    await _timed(
        f"volunteers: {sizes.volunteers}",
        conn,
        """
        CREATE TEMP TABLE bench_volunteers AS
        SELECT k, gen_random_uuid() AS id, c.id AS tenant_id
        FROM generate_series(1, :count) AS k
        JOIN bench_communities AS c ON c.n = (k - 1) % :communities + 1;
        ALTER TABLE bench_volunteers ADD PRIMARY KEY (k);
        INSERT INTO fs_volunteers (id, tenant_id, name, volunteer_number, skills,
                                   served_tenant_ids, created_at, updated_at)
        SELECT id, tenant_id, '志愿者' || k, 'V' || lpad(k::text, 8, '0'), '["助老"]', '[]',
               now(), now()
        FROM bench_volunteers;
        """,
        count=sizes.volunteers,
        communities=communities,
    )
    await _timed(
        f"activities: {sizes.activities}",
        conn,
        """
        INSERT INTO fs_activities (id, tenant_id, title, category, place, starts_at, ends_at,
                                   capacity, status, closed_at, person_times, created_at,
                                   updated_at)
        SELECT gen_random_uuid(), c.id, '社区活动' || a, '志愿服务', '社区活动室',
               now() - (a % 365) * interval '1 day',
               now() - (a % 365) * interval '1 day' + interval '2 hours', 30,
               CASE WHEN a % 5 = 0 THEN 'open' ELSE 'closed' END,
               CASE WHEN a % 5 = 0 THEN NULL ELSE now() - (a % 365) * interval '1 day' END,
               a % 40, now(), now()
        FROM generate_series(1, :count) AS a
        JOIN bench_communities AS c ON c.n = (a - 1) % :communities + 1
        """,
        count=sizes.activities,
        communities=communities,
    )
    for start in range(1, sizes.entries + 1, CHUNK):
        stop = min(sizes.entries, start + CHUNK - 1)
        await _timed(
            f"ledger entries {start}..{stop}",
            conn,
            """
            INSERT INTO fs_service_entries (id, tenant_id, volunteer_id, activity_id, kind,
                                            minutes, served_on, content, verified_by,
                                            recorded_at)
            SELECT gen_random_uuid(), v.tenant_id, v.id, NULL, 'credit', 30 * (1 + e % 16),
                   current_date - (e % 365), '社区服务', '社区居委会', now()
            FROM generate_series(CAST(:start AS int), CAST(:stop AS int)) AS e
            JOIN bench_volunteers AS v ON v.k = (e - 1) % :volunteers + 1
            """,
            start=start,
            stop=stop,
            volunteers=sizes.volunteers,
        )


async def generate(url: str, sizes: Sizes) -> dict[str, float]:
    """Fill ``url``; returns the seconds each phase took."""
    engine = create_nullpool_engine(url)
    phases: dict[str, float] = {}
    try:
        started = time.perf_counter()
        async with engine.begin() as conn:
            await conn.execute(text("SET LOCAL synchronous_commit = off"))
            await generate_tree(conn, sizes)
        phases["tree"] = time.perf_counter() - started
        started = time.perf_counter()
        async with engine.begin() as conn:
            await conn.execute(text("SET LOCAL synchronous_commit = off"))
            await generate_module_data(conn, sizes)
        phases["module data"] = time.perf_counter() - started
        started = time.perf_counter()
        async with engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text("VACUUM ANALYZE"))
        phases["vacuum analyze"] = time.perf_counter() - started
    finally:
        await engine.dispose()
    return phases


def percentile(samples: Sequence[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def repeat(times: int, operation: Callable[[], Awaitable[object]]) -> list[float]:
    """Milliseconds of each of ``times`` calls of ``operation``."""
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        await operation()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def summary(samples: Sequence[float]) -> dict[str, float]:
    return {
        "n": len(samples),
        "p50_ms": statistics.median(samples),
        "p99_ms": percentile(samples, 0.99),
        "max_ms": max(samples),
    }


async def grant(url: str) -> None:
    """Grant the bench's app role (:data:`bench.seed.APP_ROLE`) every table, as the owner."""
    engine = create_nullpool_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(grant_app_role, seed.APP_ROLE)
    finally:
        await engine.dispose()


async def measure(url: str, sizes: Sizes, work: Path, rounds: int) -> dict[str, Any]:
    """The named operations through the real code, each timed in a loop after a warm-up.

    They run as the app role (no ownership, no ``BYPASSRLS``), as ``gongzhi serve`` does, so
    row-level security applies: resolution in the system context it runs in, each roll-up and
    the module switch in the context of its tenant. Provisioning and the storage figures run as
    the owner, as the command line does.
    """
    os.environ["GONGZHI_TENANT_LEVELS"] = ",".join(LEVELS)
    await grant(url)
    settings = load_settings(
        {
            **seed.gongzhi_env(url),
            "GONGZHI_DATABASE_URL": seed.app_url(url),
            "GONGZHI_TENANT_LEVELS": ",".join(LEVELS),
        }
    )
    db = Database(settings, default_context=SYSTEM)
    owner = Database(settings.with_(database_url=url), default_context=SYSTEM)
    host = load_plugins(settings)
    states = ModuleStates(host, settings.module_state_ttl)
    modules = frozenset({MODULE})
    # As in a worker of ``gongzhi serve`` (core.app.serve_app): the objects alive once the
    # application is loaded are out of the collector's sight, so a full collection inside a
    # timed operation walks only what the operations built.
    freeze_startup_objects()
    rng = random.Random(8)
    figures: dict[str, Any] = {}
    try:
        keys = [f"v{rng.randrange(1, sizes.tenants['community'] + 1)}" for _ in range(500)]
        keys += [f"d{rng.randrange(1, sizes.tenants['district'] + 1)}" for _ in range(250)]
        async with db.session() as session:
            codes = list(
                (
                    await session.execute(
                        select(Tenant.division_code)
                        .where(Tenant.level == "town")
                        .order_by(Tenant.division_code)
                        .limit(250)
                    )
                ).scalars()
            )
        keys += [code for code in codes if code]

        async def resolve_all(read: bool) -> list[float]:
            samples = []
            async with db.session(write=not read, shared_read=read) as session:
                for key in keys:
                    started = time.perf_counter()
                    found = await find_tenant(session, key)
                    samples.append((time.perf_counter() - started) * 1000)
                    if found is None:
                        raise RuntimeError(f"tenant {key} not found")
            return samples

        # A read request resolves its tenant on its read connection; a write (and the command
        # line) through the ORM session.
        for label, read in (("tenant resolution", True), ("tenant resolution, in a write", False)):
            await resolve_all(read)
            samples: list[float] = []
            for _ in range(rounds):
                samples += await resolve_all(read)
            figures[label] = summary(samples)
            log(f"{label}: {figures[label]}")

        cache = TenantCache(ttl=3600)

        async def resolve_cached() -> list[float]:
            cached = []
            async with db.session() as session:
                for key in keys:
                    started = time.perf_counter()
                    await cache.find(session, key)
                    cached.append((time.perf_counter() - started) * 1000)
            return cached

        await resolve_cached()
        samples = []
        for _ in range(rounds):
            samples += await resolve_cached()
        figures["tenant resolution, cached"] = summary(samples)
        log(f"tenant resolution, cached: {figures['tenant resolution, cached']}")

        async def tenant(slug: str) -> Tenant:
            async with db.session() as session:
                found = await find_tenant(session, slug)
                assert found is not None
                return found

        subtrees = {
            "district roll-up": await tenant("d1"),
            "city roll-up": await tenant("c1"),
            "province roll-up": await tenant("p1"),
        }
        for label, root in subtrees.items():
            async with db.session() as session:
                districts = await session.scalar(
                    select(text("count(*)"))
                    .select_from(Tenant)
                    .where(Tenant.path.startswith(root.path), Tenant.level == "district")
                )

            async def one_rollup(root: Tenant = root) -> object:
                async with db.session(context=DbContext.for_tenant(root)) as session:
                    result = await rollup(session, host, root, modules)
                    if result["failed"]:
                        raise RuntimeError(f"metrics failed: {result['failed']}")
                    return result

            await one_rollup()
            figures[label] = {"districts": districts, **summary(await repeat(rounds, one_rollup))}
            log(f"{label}: {figures[label]}")

        district = subtrees["district roll-up"]
        policies = ["required", "allowed"]
        toggles = 0

        async def switch() -> None:
            nonlocal toggles
            context = DbContext.for_tenant(district)
            async with db.session(write=True, context=context) as session:
                await states.set_policy(session, district, MODULE, policies[toggles % 2])
            toggles += 1

        figures["switch module for a district subtree"] = summary(await repeat(2 * rounds, switch))
        log(f"switch: {figures['switch module for a district subtree']}")

        figures["provisioning"] = await provision(owner, work, sizes)
        log(f"provisioning: {figures['provisioning']}")
        figures["storage"] = await storage(owner, sizes)
        log(f"storage: {figures['storage']}")
    finally:
        await db.dispose()
        await owner.dispose()
    return figures


async def provision(db: Database, work: Path, sizes: Sizes) -> dict[str, float]:
    """Tenants per second through a tenant file: one new district of 13 towns × 15 villages
    (fresh slugs each run, so a re-measured database provisions new tenants too)."""
    towns, villages = 13, 15
    run = secrets.token_hex(3)
    lines = [
        "version: 1",
        "tenants:",
        f"  - slug: bench-{run}",
        "    name: 新区",
        "    level: district",
        "    parent: c1",
        "    children:",
    ]
    for t in range(1, towns + 1):
        lines += [
            f"      - slug: bench-{run}-town-{t}",
            f"        name: 新镇{t}",
            "        level: town",
            "        children:",
        ]
        for v in range(1, villages + 1):
            lines += [
                f"          - slug: bench-{run}-village-{t}-{v}",
                f"            name: 新村{t}-{v}",
                "            level: community",
            ]
    path = work / "bench-new-district.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    count = 1 + towns + towns * villages
    started = time.perf_counter()
    await apply_tenant_file(db, str(path))
    seconds = time.perf_counter() - started
    return {"tenants": count, "seconds": seconds, "tenants_per_s": count / seconds}


async def storage(db: Database, sizes: Sizes) -> dict[str, float]:
    """Bytes on disk (table, TOAST and indexes) of the ledger and the tree."""
    async with db.session() as session:
        ledger = await session.scalar(text("SELECT pg_total_relation_size('fs_service_entries')"))
        tenants = await session.scalar(text("SELECT pg_total_relation_size('tenants')"))
        database = await session.scalar(text("SELECT pg_database_size(current_database())"))
    mib = 1024 * 1024
    return {
        "ledger_mib": ledger / mib,
        "ledger_mib_per_million_entries": ledger / mib / (sizes.entries / 1e6),
        "tenants_mib": tenants / mib,
        "database_mib": database / mib,
    }


def report(sizes: Sizes, phases: dict[str, float], figures: dict[str, Any]) -> str:
    lines = [
        "tree: "
        + ", ".join(f"{n} {level}" for level, n in sizes.tenants.items())
        + f"; {sizes.volunteers} volunteers, {sizes.entries} ledger entries,"
        f" {sizes.activities} activities",
        "generation: "
        + ", ".join(f"{k} {v:.0f}s" for k, v in phases.items())
        + f" (total {sum(phases.values()):.0f}s)",
        "",
        f"{'operation':<38}{'p50 ms':>10}{'p99 ms':>10}{'max ms':>10}  target",
    ]
    for label in (
        "tenant resolution",
        "tenant resolution, in a write",
        "tenant resolution, cached",
        "district roll-up",
        "city roll-up",
        "province roll-up",
        "switch module for a district subtree",
    ):
        f = figures[label]
        name = label + (f" ({f['districts']} districts)" if "districts" in f else "")
        target = ""
        resolution = label.startswith("tenant resolution")
        key = f"{label} p99" if resolution else label
        if key in TARGETS_MS:
            value = f["p99_ms"] if resolution else f["p50_ms"]
            verdict = "met" if value < TARGETS_MS[key] else "NOT met"
            target = f"< {TARGETS_MS[key]:g} ms: {verdict}"
        lines.append(
            f"{name:<38}{f['p50_ms']:>10.2f}{f['p99_ms']:>10.2f}{f['max_ms']:>10.2f}  {target}"
        )
    p = figures["provisioning"]
    s = figures["storage"]
    lines += [
        f"provisioning: {p['tenants']:.0f} tenants in {p['seconds']:.2f}s = {p['tenants_per_s']:.0f} tenants/s",
        f"storage: ledger {s['ledger_mib']:.0f} MiB = {s['ledger_mib_per_million_entries']:.0f} MiB per million"
        f" entries; tenants {s['tenants_mib']:.0f} MiB; database {s['database_mib']:.0f} MiB",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE", "1")))
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", "5")))
    parser.add_argument(
        "--keep", action="store_true", help="keep the generated database for --reuse"
    )
    parser.add_argument("--reuse", metavar="DATABASE", help="measure a kept database again")
    args = parser.parse_args(argv)
    if not 0 < args.scale <= 1:
        parser.error("--scale: expected a fraction in (0, 1]")
    sizes = Sizes.scaled(args.scale)
    log(f"scale {args.scale:g}: {sizes}")
    out = seed.ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gongzhi-scale-") as tmp:
        if args.reuse:
            saved = out / f"{args.reuse}.phases.json"
            phases = json.loads(saved.read_text()) if saved.exists() else {}
            figures = asyncio.run(
                measure(seed.postgres_url(args.reuse), sizes, Path(tmp), args.rounds)
            )
        else:
            with seed.database("postgresql", Path(tmp), keep=args.keep) as url:
                upgrade(
                    url, load_plugins(load_settings(seed.gongzhi_env(url))).migration_locations()
                )
                phases = asyncio.run(generate(url, sizes))
                if args.keep:
                    (out / f"{url.rsplit('/', 1)[1]}.phases.json").write_text(json.dumps(phases))
                figures = asyncio.run(measure(url, sizes, Path(tmp), args.rounds))
    text_report = report(sizes, phases, figures)
    print()
    print(text_report)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (out / f"scale-{stamp}.txt").write_text(text_report + "\n")
    (out / f"scale-{stamp}.json").write_text(
        json.dumps(
            {"scale": args.scale, "sizes": sizes.__dict__, "phases": phases, "figures": figures},
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
