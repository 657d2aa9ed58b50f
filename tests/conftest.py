"""The suite's fixtures: short names over the ``gongzhi`` pytest plugin (core/testing.py).

Every test that takes ``database_url`` (directly or through ``settings``/``app``/``client``/``db``)
runs twice: on SQLite and on PostgreSQL (when ``GONGZHI_TEST_POSTGRES`` is set).
"""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from core.db import Database
from core.settings import Settings
from core.testing import (
    DEFAULT_PASSWORD,
    LoginAs,
    MakeUser,
    become_platform_admin,
)

__all__ = ["DEFAULT_PASSWORD", "LoginAs", "MakeUser"]


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
def client(gongzhi_client: AsyncTestClient[Litestar]) -> AsyncTestClient[Litestar]:
    """The one client of the test. ``login_as`` logs in through it too: a second client on the
    same app would serve it from another event loop, and a pooled asyncpg connection cannot
    move between loops."""
    return gongzhi_client


@pytest.fixture
def db(gongzhi_db: Database) -> Database:
    return gongzhi_db


@pytest.fixture
def make_user(gongzhi_make_user: MakeUser) -> MakeUser:
    """``await make_user("li", [("wangcheng", "admin")])``: see ``gongzhi_make_user``."""
    return gongzhi_make_user


@pytest.fixture
def login_as(gongzhi_login_as: LoginAs) -> LoginAs:
    """``await login_as("li")``: the ``Authorization`` header to send as that user."""
    return gongzhi_login_as


@pytest.fixture
async def admin_client(
    client: AsyncTestClient[Litestar], db: Database, settings: Settings
) -> AsyncTestClient[Litestar]:
    """The test's client, logged in as a global platform administrator (user ``root``).

    It is the same object as ``client``: a test that also needs an anonymous request passes
    ``headers={"Authorization": ""}`` on it.
    """
    return await become_platform_admin(client, db, settings)
