"""The suite's fixtures: short names over the ``gongzhi`` pytest plugin (core/testing.py).

Every test that takes ``database_url`` (directly or through ``settings``/``app``/``client``/``db``)
runs twice: on SQLite and on PostgreSQL (when ``GONGZHI_TEST_POSTGRES`` is set).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from core.db import Database
from core.identity.provisioning import register_users_section
from core.settings import Settings
from core.testing import (
    DEFAULT_PASSWORD,
    LoginAs,
    MakeUser,
    become_platform_admin,
    create_user,
    login_headers,
)

__all__ = ["DEFAULT_PASSWORD", "LoginAs", "MakeUser"]

register_users_section()


@pytest.fixture
def backend(gongzhi_backend: str) -> str:
    return gongzhi_backend


@pytest.fixture
def database_url(gongzhi_database_url: str) -> str:
    return gongzhi_database_url


@pytest.fixture
def settings(gongzhi_settings: Settings) -> Settings:
    return gongzhi_settings


@pytest.fixture
def app_plugins() -> list[tuple[str, Any]]:
    """Extra ``(name, plugin)`` pairs loaded beside the installed plugins; override per module."""
    return []


@pytest.fixture
def gongzhi_plugins(app_plugins: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return app_plugins


@pytest.fixture
def app(gongzhi_app: Litestar) -> Litestar:
    return gongzhi_app


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app=app) as client:
        yield client


@pytest.fixture
def db(gongzhi_db: Database) -> Database:
    return gongzhi_db


@pytest.fixture
async def make_user(db: Database, settings: Settings) -> MakeUser:
    """Create a user directly in the database: ``await make_user("li", [("wangcheng", "admin")])``.

    Each membership is ``(tenant slug or division code, role)``, or ``(None, "platform_admin")``
    for a global platform administrator. An existing username only gains the memberships.
    Returns the user's id.
    """

    async def make(username: str, memberships: Any = (), **kwargs: Any) -> Any:
        return await create_user(db, settings, username, memberships, **kwargs)

    return make


@pytest.fixture
async def login_as(client: AsyncTestClient[Litestar]) -> LoginAs:
    """Log in through the API and return the ``Authorization`` header to send."""

    async def login(username: str, password: str = DEFAULT_PASSWORD) -> dict[str, str]:
        return await login_headers(client, username, password)

    return login


@pytest.fixture
async def admin_client(
    client: AsyncTestClient[Litestar], db: Database, settings: Settings
) -> AsyncTestClient[Litestar]:
    """The test's client, logged in as a global platform administrator (user ``root``).

    It is the same object as ``client``: a test that also needs an anonymous request passes
    ``headers={"Authorization": ""}`` on it.
    """
    return await become_platform_admin(client, db, settings)
