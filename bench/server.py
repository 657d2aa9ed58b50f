"""``make bench-server``: PostgreSQL's own instructions per read, Gongzhi against ceiling B.

In ``make bench`` the database server shares the machine's two cores with the servers it
answers, so what a read costs PostgreSQL is taken from the requests per second as surely as what
it costs the workers; ``make bench-instructions`` counts only the latter. This counts the former,
without noise: the bench's database (seeded as ``make bench`` seeds it) is copied into a scratch
cluster, and ``postgres --single`` (PostgreSQL's single-user mode: one backend reading
statements from its standard input, no client, no sockets) runs the reads under
``valgrind --tool=callgrind`` twice, ``--short`` and ``--long`` times; the difference over the
difference in reads is the server's instructions per read, start-up and caches warmed by the
first ten reads left out.

A read is what each server sends for ``GET …/volunteers/{id}``:

- Gongzhi, as the non-owner app role under row-level security: its ``BEGIN`` with the
  context's ``SET LOCAL`` statements (:meth:`core.db.DbContext.begin_script`), the five-sector
  module's statement (``plugins.five_sector.volunteers.services.ONE``), ``COMMIT``;
- ceiling B, as the owner (:mod:`bench.ceilings`, without row-level security by design of the
  comparison): its statement, and the reset asyncpg's pool sends when the connection goes back.

Both statements run prepared (``PREPARE``/``EXECUTE``, the plan cache a driver's prepared
statement uses). Single-user mode prints each row and parses each ``EXECUTE``, which a served
read does not; both servers pay that alike. On one database the same code counts within a few
hundred instructions run to run; each run seeds its own (new ids, other pages), and runs differ
by about 0.3 %.

With ``--district N`` (300 by default, 0 for none) the reads are counted again after the
district's subtree is grown to ``N`` tenants (:func:`grow_district`).

    python -m bench.server --short 100 --long 600 --district 300
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.dialects import postgresql

from bench import ceilings, seed
from bench.instructions import collected
from core.db import DbContext
from plugins.five_sector.volunteers.services import ONE

ASYNCPG_RESET = "SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL;"
"""What asyncpg's pool sends on every release (``Connection.get_reset_query`` on PostgreSQL)."""
WARM_UP = 10
Reads = Callable[[seed.Dataset, int], list[str]]
"""The statements of ``count`` reads after the session's own set-up, one per line."""


def postgres_bin(major: int | None = None) -> Path:
    """The directory of PostgreSQL's server programs: those of version ``major`` if installed
    (the version of the server ``make bench`` uses, so the count is that server's), else the
    newest (Debian's layout), else ``pg_config --bindir``."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"), key=_version)
    matching = [path for path in found if _version(path) == major]
    if matching or found:
        return (matching or found)[-1].parent
    pg_config = shutil.which("pg_config")
    if pg_config:
        bindir = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=True)
        return Path(bindir.stdout.strip())
    raise SystemExit("bench.server needs PostgreSQL's server programs (initdb, postgres)")


def _version(path: Path) -> int:
    return int(path.parent.parent.name) if path.parent.parent.name.isdigit() else 0


def _as_owner(command: Sequence[str], **options: object) -> subprocess.CompletedProcess[str]:
    """Run ``command`` as the scratch cluster's owner: PostgreSQL refuses to run as root, so
    as the ``postgres`` account then."""
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(command, check=True, text=True, **options)  # type: ignore[call-overload,no-any-return]


def scratch_cluster(source_url: str, directory: Path) -> Path:
    """A cluster in ``directory`` holding a copy of ``source_url``'s database ``bench`` and the
    bench's app role; stopped, ready for single-user mode. Its data directory is returned
    (:func:`programs_of` finds the programs that run it)."""
    dsn = source_url.replace("postgresql+asyncpg://", "postgresql://", 1)
    version = subprocess.run(
        ["psql", "-Atc", "SHOW server_version_num", dsn], capture_output=True, text=True, check=True
    )
    bindir = postgres_bin(int(version.stdout.strip()) // 10000)
    data = directory / "data"
    dump = directory / "dump.sql"
    subprocess.run([str(bindir / "pg_dump"), "--no-owner", f"--file={dump}", dsn], check=True)
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres")
    dump.chmod(0o644)
    _as_owner([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust"],
              stdout=subprocess.DEVNULL)  # fmt: skip
    with _running(data) as psql:
        _as_owner([*psql, "-c", "CREATE DATABASE bench"])
        _as_owner([*psql, "-c", f"CREATE ROLE {seed.APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS"])
        _as_owner([*psql, "-d", "bench", "-f", str(dump)], stdout=subprocess.DEVNULL)
    return data


@contextmanager
def _running(data: Path) -> Iterator[list[str]]:
    """The cluster in ``data`` started on a socket in its parent directory, for the ``psql``
    command given; stopped afterwards."""
    bindir = programs_of(data)
    directory = data.parent
    ctl = [str(bindir / "pg_ctl"), "-D", str(data), "-w", "-l", str(directory / "server.log")]
    _as_owner([*ctl, "-o", f"-c listen_addresses='' -k {directory}", "start"],
              stdout=subprocess.DEVNULL)  # fmt: skip
    try:
        yield [str(bindir / "psql"), "-h", str(directory), "-U", "postgres", "-q",
               "-v", "ON_ERROR_STOP=1"]  # fmt: skip
    finally:
        _as_owner([*ctl, "stop"], stdout=subprocess.DEVNULL)


def grow_district(data: Path, dataset: seed.Dataset, tenants: int) -> None:
    """Grow the bench district of the cluster in ``data`` to ``tenants`` (:func:`district_sql`).

    The bench's tree is a district of 36 tenants; a real district has some 300 (10 to 20
    towns and streets of 10 to 30 communities each). What the policies cost a read grows with
    the context's subtree (they list its tenants once per statement), so the count at a real
    district's size is the one a district's users see.
    """
    with _running(data) as psql:
        _as_owner([*psql, "-d", "bench", "-c", district_sql(dataset, tenants)])
        _as_owner([*psql, "-d", "bench", "-c", "ANALYZE"])


def district_sql(dataset: seed.Dataset, tenants: int) -> str:
    """SQL adding communities under the bench district's towns, in turn, until the district's
    subtree holds ``tenants`` tenants (nothing when it holds as many already)."""
    root = uuid.UUID(hex=dataset.tenant_path.strip("/").split("/")[0])
    return " ".join(
        f"""
        WITH towns AS (
            SELECT id, path, depth, row_number() OVER (ORDER BY path) - 1 AS i,
                   count(*) OVER () AS k
            FROM tenants WHERE parent_id = '{root}'),
        grown AS (
            SELECT n, gen_random_uuid() AS u FROM generate_series(1, greatest(0, {int(tenants)} -
                (SELECT count(*) FROM tenants WHERE path LIKE '{dataset.tenant_path}%'))) n)
        INSERT INTO tenants (id, parent_id, path, depth, level, slug, name, status, settings,
                             created_at, updated_at)
        SELECT g.u, t.id, t.path || replace(g.u::text, '-', '') || '/', t.depth + 1,
               'community', 'bench-grown-' || g.n, '压测社区' || g.n, 'active', '{{}}',
               now(), now()
        FROM grown g JOIN towns t ON t.i = g.n % t.k""".split()
    )


def programs_of(data: Path) -> Path:
    """The server programs of the cluster in ``data`` (the version ``initdb`` wrote there)."""
    return postgres_bin(int((data / "PG_VERSION").read_text().strip()))


def gongzhi_reads(dataset: seed.Dataset, count: int, role: str = seed.APP_ROLE) -> list[str]:
    root = uuid.UUID(hex=dataset.tenant_path.strip("/").split("/")[0])
    context = DbContext(tenant_id=root, tenant_path=dataset.tenant_path, user_id=uuid.uuid4())
    begin = f"BEGIN; {context.begin_script()}"
    dialect = postgresql.asyncpg.dialect()  # type: ignore[no-untyped-call]
    statement = str(ONE.stmt.compile(dialect=dialect))
    execute = f"EXECUTE read(0, '{dataset.volunteer_id}', '{dataset.tenant_path}')"
    return [
        f"SET ROLE {role}",
        f"PREPARE read AS {statement}",
        *([begin, execute, "COMMIT"] * count),
    ]


def ceiling_b_reads(dataset: seed.Dataset, count: int) -> list[str]:
    statement = ceilings.sql(ceilings.DETAIL_SQL, ceilings.PostgresDriver(""))
    execute = f"EXECUTE read('{dataset.tenant_path}%', '{dataset.volunteer_id}')"
    return [f"PREPARE read(text, uuid) AS {statement}", *([execute, ASYNCPG_RESET] * count)]


def instructions(data: Path, lines: Sequence[str], directory: Path) -> int:
    """Instructions ``postgres --single`` spends on ``lines``, start-up and shut-down included."""
    script = directory / "script.sql"
    script.write_text("\n".join(" ".join(line.split()) for line in lines) + "\n")
    script.chmod(0o644)
    out = directory / "callgrind.out"
    log = directory / "single.log"
    command = (
        f"valgrind --tool=callgrind --callgrind-out-file={out} "
        f"{programs_of(data) / 'postgres'} --single -D {data} bench < {script} > {log} 2>&1"
    )
    _as_owner(["sh", "-c", command])
    text = log.read_text(errors="replace")
    if "ERROR:" in text:
        raise RuntimeError(text[text.index("ERROR:") :][:2000])
    return collected(text)


def per_read(data: Path, reads: Reads, dataset: seed.Dataset, short: int, long: int) -> float:
    """Instructions per read: two runs, ``short`` and ``long`` reads after the warm-up."""
    low = instructions(data, reads(dataset, WARM_UP + short), data.parent)
    high = instructions(data, reads(dataset, WARM_UP + long), data.parent)
    return (high - low) / (long - short)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", type=int, default=100)
    parser.add_argument("--long", type=int, default=600)
    parser.add_argument(
        "--volunteers", type=int, default=int(os.environ.get("BENCH_VOLUNTEERS", "3000"))
    )
    parser.add_argument(
        "--entries", type=int, default=int(os.environ.get("BENCH_ENTRIES", "30000"))
    )
    parser.add_argument(
        "--district",
        type=int,
        default=int(os.environ.get("BENCH_DISTRICT", "300")),
        help="count again with the district's subtree grown to this many tenants (0: not)",
    )
    options = parser.parse_args(argv)
    with (
        tempfile.TemporaryDirectory(prefix="gongzhi-server-") as tmp,
        seed.database("postgresql", Path(tmp)) as url,
    ):
        directory = Path(tmp)
        directory.chmod(0o755)
        dataset = seed.prepare("postgresql", url, directory, options.volunteers, options.entries)
        cluster = directory / "cluster"
        cluster.mkdir(mode=0o755)
        data = scratch_cluster(url, cluster)
        servers: dict[str, Reads] = {"gongzhi": gongzhi_reads, "ceiling-b": ceiling_b_reads}
        sizes: list[int | None] = [None, *([options.district] if options.district else [])]
        figures: dict[str, dict[str, float]] = {}
        for size in sizes:
            label = "the bench's district" if size is None else f"a district of {size} tenants"
            if size is not None:
                grow_district(data, dataset, size)
            figures[label] = {
                server: per_read(data, reads, dataset, options.short, options.long)
                for server, reads in servers.items()
            }
    print("postgresql read, the database server's instructions per read:")
    for label, counts in figures.items():
        print(f"  in {label}:")
        for server, count in counts.items():
            print(f"    {server:10s} {count:12,.0f}")
        print(f"    ceiling B ÷ Gongzhi: {counts['ceiling-b'] / counts['gongzhi']:.2f}")


if __name__ == "__main__":
    main()
