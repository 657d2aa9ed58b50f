"""Settings read once from ``GONGZHI_*`` environment variables.

Every value is validated at start-up; :func:`load_settings` collects *all* problems and raises a
single :class:`SettingsError` listing one line per bad variable, so an operator fixes them in one
pass instead of one restart per mistake.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

PREFIX = "GONGZHI_"
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///var/gongzhi.db"
DEFAULT_TENANT_LEVELS = ("district", "town", "community")
_LEVEL_RE = re.compile(r"^[a-z][a-z_]{1,31}$")

Environment = Literal["development", "production", "test"]
LogFormat = Literal["json", "console"]


class SettingsError(ValueError):
    """Raised with one line per invalid ``GONGZHI_*`` variable."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid settings:\n" + "\n".join(f"  - {p}" for p in problems))


@dataclass(frozen=True, slots=True)
class Settings:
    """The validated configuration of one Gongzhi process.

    Callers may rely on every field being valid; construct through :func:`load_settings` (or
    directly in tests, where values are trusted).
    """

    database_url: str = DEFAULT_DATABASE_URL
    migration_database_url: str | None = None
    secret_key: str = ""
    environment: Environment = "development"
    log_format: LogFormat = "console"
    log_level: str = "INFO"
    tenant_levels: tuple[str, ...] = DEFAULT_TENANT_LEVELS
    redis_url: str | None = None
    redis_prefix: str = "gongzhi:"
    plugins: tuple[str, ...] | None = None
    disabled_plugins: tuple[str, ...] = ()
    strict_plugins: bool = False
    access_token_ttl: int = 900
    refresh_token_ttl: int = 30 * 24 * 3600
    module_state_ttl: float = 0.5
    max_body_bytes: int = 1_048_576
    issuer: str = "gongzhi"
    audience: str = "gongzhi-api"
    argon2_time_cost: int = 3
    argon2_memory_cost: int = 65_536
    argon2_parallelism: int = 4
    login_account_limit: int = 5
    login_address_limit: int = 20
    login_window: int = 900
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def migrations_url(self) -> str:
        """The URL migrations run with: the owner role where one is configured."""
        return self.migration_database_url or self.database_url

    def level_rank(self, level: str) -> int:
        """Position of ``level`` in the tree, 0 at the top; raises ``ValueError`` if unknown."""
        return self.tenant_levels.index(level)

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


def _csv(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _int(name: str, raw: str, problems: list[str], minimum: int = 1) -> int | None:
    try:
        value = int(raw)
    except ValueError:
        problems.append(f"{PREFIX}{name}: expected a whole number, got {raw!r}")
        return None
    if value < minimum:
        problems.append(f"{PREFIX}{name}: must be at least {minimum}, got {value}")
        return None
    return value


def _dev_secret(var_dir: Path) -> str:
    """A per-checkout secret kept in ``var/`` so development tokens survive restarts."""
    path = var_dir / "secret.key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read and validate settings from ``env`` (default: the process environment)."""
    source = os.environ if env is None else env

    def get(name: str) -> str | None:
        return source.get(PREFIX + name)

    problems: list[str] = []
    values: dict[str, object] = {}

    environment = get("ENV") or "development"
    if environment not in ("development", "production", "test"):
        problems.append(
            f"{PREFIX}ENV: expected one of development, production, test; got {environment!r}"
        )
    values["environment"] = environment

    url = get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if not (url.startswith("sqlite+aiosqlite://") or url.startswith("postgresql+asyncpg://")):
        problems.append(
            f"{PREFIX}DATABASE_URL: expected sqlite+aiosqlite:///PATH or "
            f"postgresql+asyncpg://USER@HOST/DB, got {url!r}"
        )
    values["database_url"] = url
    migration_url = get("MIGRATION_DATABASE_URL")
    if migration_url and not migration_url.startswith(
        ("sqlite+aiosqlite://", "postgresql+asyncpg://")
    ):
        problems.append(f"{PREFIX}MIGRATION_DATABASE_URL: not a supported database URL")
    values["migration_database_url"] = migration_url or None

    secret = get("SECRET_KEY")
    if secret is None:
        if environment == "production":
            problems.append(f"{PREFIX}SECRET_KEY: required in production (32 characters or more)")
        else:
            secret = _dev_secret(Path("var"))
    elif len(secret) < 32:
        problems.append(f"{PREFIX}SECRET_KEY: must be at least 32 characters, got {len(secret)}")
    values["secret_key"] = secret or ""

    default_format = "json" if environment == "production" else "console"
    log_format = get("LOG_FORMAT") or default_format
    if log_format not in ("json", "console"):
        problems.append(f"{PREFIX}LOG_FORMAT: expected json or console, got {log_format!r}")
    values["log_format"] = log_format
    log_level = (get("LOG_LEVEL") or "INFO").upper()
    if log_level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        problems.append(
            f"{PREFIX}LOG_LEVEL: expected DEBUG, INFO, WARNING or ERROR, got {log_level!r}"
        )
    values["log_level"] = log_level

    levels_raw = get("TENANT_LEVELS")
    if levels_raw is not None:
        levels = _csv(levels_raw)
        bad = [lv for lv in levels if not _LEVEL_RE.match(lv)]
        if len(levels) < 2 or bad or len(set(levels)) != len(levels):
            problems.append(
                f"{PREFIX}TENANT_LEVELS: expected two or more distinct lowercase names from top "
                f"to bottom, e.g. province,city,district,town,community; got {levels_raw!r}"
            )
        values["tenant_levels"] = levels

    redis_url = get("REDIS_URL")
    if redis_url and not redis_url.startswith(("redis://", "rediss://", "unix://")):
        problems.append(f"{PREFIX}REDIS_URL: expected redis://HOST:PORT/DB, got {redis_url!r}")
    values["redis_url"] = redis_url or None
    if (raw := get("REDIS_PREFIX")) is not None:
        if not re.match(r"^[A-Za-z0-9_.:-]{1,64}$", raw):
            problems.append(
                f"{PREFIX}REDIS_PREFIX: expected up to 64 letters, digits or _.:-, got {raw!r}"
            )
        values["redis_prefix"] = raw

    if (raw := get("PLUGINS")) is not None:
        values["plugins"] = _csv(raw)
    if (raw := get("DISABLED_PLUGINS")) is not None:
        values["disabled_plugins"] = _csv(raw)
    if (raw := get("STRICT_PLUGINS")) is not None:
        if raw.lower() not in ("1", "0", "true", "false", "yes", "no"):
            problems.append(f"{PREFIX}STRICT_PLUGINS: expected true or false, got {raw!r}")
        values["strict_plugins"] = raw.lower() in ("1", "true", "yes")

    for name, attr in (
        ("ACCESS_TOKEN_TTL", "access_token_ttl"),
        ("REFRESH_TOKEN_TTL", "refresh_token_ttl"),
        ("MAX_BODY_BYTES", "max_body_bytes"),
        ("ARGON2_TIME_COST", "argon2_time_cost"),
        ("ARGON2_MEMORY_COST", "argon2_memory_cost"),
        ("ARGON2_PARALLELISM", "argon2_parallelism"),
        ("LOGIN_ACCOUNT_LIMIT", "login_account_limit"),
        ("LOGIN_ADDRESS_LIMIT", "login_address_limit"),
        ("LOGIN_WINDOW", "login_window"),
    ):
        if (raw := get(name)) is not None and (num := _int(name, raw, problems)) is not None:
            values[attr] = num
    if (raw := get("MODULE_STATE_TTL")) is not None:
        try:
            ttl = float(raw)
            if not 0 < ttl <= 60:
                raise ValueError
            values["module_state_ttl"] = ttl
        except ValueError:
            problems.append(
                f"{PREFIX}MODULE_STATE_TTL: expected seconds between 0 and 60, got {raw!r}"
            )

    if problems:
        raise SettingsError(problems)
    return Settings(**values)  # type: ignore[arg-type]
