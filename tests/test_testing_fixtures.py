"""The pytest plugin's fixtures behave as docs/plugins.md says."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient

Client = AsyncTestClient[Litestar]


async def test_the_anonymous_client_stays_anonymous_beside_the_admin_client(
    gongzhi_client: Client, gongzhi_admin_client: Client
) -> None:
    assert (await gongzhi_admin_client.get("/api/v1/me")).status_code == 200
    assert (await gongzhi_client.get("/api/v1/me")).status_code == 401
    assert "authorization" not in {name.lower() for name in gongzhi_client.headers}


async def test_the_isolation_check_covers_a_module_and_its_tables(
    gongzhi_isolation_check: object,
) -> None:
    from core.testing import IsolationCheck

    check: IsolationCheck = gongzhi_isolation_check  # type: ignore[assignment]
    report = await check("five-sector")
    assert report.reads >= 10
    assert report.writes >= 10
    assert "fs_volunteers" in report.tables
