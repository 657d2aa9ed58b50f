"""Bench databases: created, migrated, provisioned and filled with five-sector data, then dropped.

The tree is the real Wangcheng file (``tenants/wangcheng.yaml``) applied through
``gongzhi tenants apply`` with the five-sector module required at the district; volunteers and
ledger entries are generated in bulk (a fixed seed, so every run measures the same data).
"""

from __future__ import annotations

import asyncio
import os
import random
import secrets
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import insert, select, text

from core.db import create_nullpool_engine
from core.tenancy.models import Tenant
from plugins.five_sector.models import ServiceEntry, Volunteer

ROOT = Path(__file__).resolve().parent.parent
TREE_FILE = ROOT / "tenants" / "wangcheng.yaml"
ROOT_SLUG = "wangcheng"
MODULE = "five-sector"
POSTGRES_ADMIN_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
SECRET_KEY = "bench-" + "k" * 40
APP_ROLE = "gongzhi_bench_app"
"""A login role without ownership or BYPASSRLS, created when missing, that Gongzhi serves as."""
BENCH_USER = "bench-admin"
BENCH_PASSWORD = secrets.token_urlsafe(18)
"""The district administrator the Gongzhi scenarios log in as (once per run)."""


@dataclass(frozen=True)
class Dataset:
    """What a scenario needs to address the seeded data."""

    backend: str
    url: str
    tenant_slug: str
    tenant_path: str
    volunteer_id: uuid.UUID
    write_volunteer_id: uuid.UUID
    volunteers: int
    entries: int


def app_url(url: str) -> str:
    """The URL Gongzhi serves with: on PostgreSQL the non-owner :data:`APP_ROLE`, so row-level
    security applies as in production; on SQLite ``url`` itself."""
    if not url.startswith("postgresql"):
        return url
    return url.replace("://postgres@", f"://{APP_ROLE}@", 1)


def gongzhi_env(url: str, **extra: str) -> dict[str, str]:
    """The environment of a Gongzhi process on ``url`` (the owner's URL): production settings,
    JSON logs, and on PostgreSQL the app role for serving and the owner for migrations."""
    env = dict(os.environ)
    env.update(
        GONGZHI_DATABASE_URL=app_url(url),
        GONGZHI_MIGRATION_DATABASE_URL=url,
        GONGZHI_ENV="production",
        GONGZHI_SECRET_KEY=SECRET_KEY,
        GONGZHI_LOG_FORMAT="json",
        GONGZHI_LOG_LEVEL="INFO",
        GONGZHI_ACCESS_TOKEN_TTL="3600",
    )
    env.update(extra)
    return env


def gongzhi(url: str, *args: str) -> None:
    """Run one ``gongzhi`` CLI command against ``url``; its failure stops the bench."""
    cli = Path(sys.executable).with_name("gongzhi")
    subprocess.run([str(cli), *args], env=gongzhi_env(url), check=True, stdout=subprocess.DEVNULL)


def tree_file(directory: Path) -> Path:
    """The Wangcheng tree with the five-sector module required at the district and the bench's
    district administrator (:data:`BENCH_USER`) added to the demo users."""
    document = yaml.safe_load(TREE_FILE.read_text(encoding="utf-8"))
    for node in document["tenants"]:
        if node["slug"] == ROOT_SLUG:
            node["modules"] = {MODULE: {"policy": "required"}}
            node.setdefault("users", []).append(
                {
                    "username": BENCH_USER,
                    "display_name": "压测管理员",
                    "role": "admin",
                    "password": BENCH_PASSWORD,
                }
            )
    path = directory / "bench-tree.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def postgres_url(name: str) -> str:
    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


@contextmanager
def database(backend: str, directory: Path, *, keep: bool = False) -> Iterator[str]:
    """A fresh, empty bench database URL for ``backend``, dropped afterwards unless ``keep``."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{directory / 'bench.db'}"
        return
    name = f"gongzhi_bench_{secrets.token_hex(4)}"
    asyncio.run(
        _admin(
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = "
            f"'{APP_ROLE}') THEN CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS "
            "NOCREATEDB NOCREATEROLE; END IF; END $$"
        )
    )
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    try:
        yield postgres_url(name)
    finally:
        if keep:
            print(f"kept database {name}", flush=True)
        else:
            asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _admin(statement: str) -> None:
    engine = create_nullpool_engine(POSTGRES_ADMIN_URL)
    try:
        async with engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


def prepare(backend: str, url: str, directory: Path, volunteers: int, entries: int) -> Dataset:
    """Migrate ``url``, provision the tree and generate the five-sector rows."""
    gongzhi(url, "db", "upgrade")
    gongzhi(url, "tenants", "apply", str(tree_file(directory)))
    return asyncio.run(generate(backend, url, volunteers, entries))


def _volunteer_rows(communities: list[uuid.UUID], count: int, rng: random.Random) -> list[Any]:
    now = datetime.now(UTC)
    skills = ["助老", "助残", "环保", "文体", "法律", "医疗"]
    return [
        {
            "id": uuid.UUID(int=rng.getrandbits(128), version=4),
            "tenant_id": communities[i % len(communities)],
            "name": f"志愿者{i:05d}",
            "volunteer_number": f"V{i:06d}",
            "id_type": "居民身份证",
            "id_number": f"43011219{rng.randrange(10**9, 10**10)}",
            "skills": rng.sample(skills, 2),
            "served_tenant_ids": [],
            "created_at": now,
            "updated_at": now,
        }
        for i in range(count)
    ]


def _entry_rows(volunteers: list[Any], count: int, rng: random.Random) -> list[Any]:
    now = datetime.now(UTC)
    today = date.today()
    rows = []
    for i in range(count):
        volunteer = volunteers[i % len(volunteers)]
        rows.append(
            {
                "id": uuid.UUID(int=rng.getrandbits(128), version=4),
                "tenant_id": volunteer["tenant_id"],
                "volunteer_id": volunteer["id"],
                "activity_id": None,
                "kind": "credit",
                "minutes": rng.randrange(30, 481, 30),
                "served_on": today - timedelta(days=rng.randrange(0, 365)),
                "content": "社区服务",
                "verified_by": "社区居委会",
                "reverses_id": None,
                "reason": None,
                "recorded_at": now,
            }
        )
    return rows


async def generate(backend: str, url: str, volunteers: int, entries: int) -> Dataset:
    """Spread ``volunteers`` over the communities and ``entries`` credits over the volunteers."""
    rng = random.Random(8)
    engine = create_nullpool_engine(url)
    try:
        async with engine.begin() as conn:
            root = (
                await conn.execute(select(Tenant.id, Tenant.path).where(Tenant.slug == ROOT_SLUG))
            ).one()
            communities = list(
                (
                    await conn.execute(
                        select(Tenant.id).where(Tenant.level == "community").order_by(Tenant.slug)
                    )
                ).scalars()
            )
            people = _volunteer_rows(communities, volunteers, rng)
            for start in range(0, len(people), 1000):
                await conn.execute(insert(Volunteer), people[start : start + 1000])
            ledger = _entry_rows(people, entries, rng)
            for start in range(0, len(ledger), 2000):
                await conn.execute(insert(ServiceEntry), ledger[start : start + 2000])
        if backend == "postgresql":
            async with engine.connect() as conn:
                conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
                await conn.execute(text("ANALYZE"))
        else:
            async with engine.begin() as conn:
                await conn.execute(text("ANALYZE"))
    finally:
        await engine.dispose()
    return Dataset(
        backend=backend,
        url=url,
        tenant_slug=ROOT_SLUG,
        tenant_path=root.path,
        volunteer_id=people[len(people) // 2]["id"],
        write_volunteer_id=people[len(people) // 2 + 1]["id"],
        volunteers=volunteers,
        entries=entries,
    )
