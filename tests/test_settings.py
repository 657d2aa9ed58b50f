"""Settings: every bad ``GONGZHI_*`` value is reported on its own line, all at once."""

from __future__ import annotations

import pytest

from core.settings import SettingsError, load_settings

GOOD = {"GONGZHI_SECRET_KEY": "s" * 40}


def test_defaults_load_when_only_the_secret_is_given() -> None:
    settings = load_settings(GOOD)
    assert settings.tenant_levels == ("district", "town", "community")
    assert settings.level_rank("town") == 1


def test_tenant_levels_are_configurable_top_to_bottom() -> None:
    settings = load_settings({**GOOD, "GONGZHI_TENANT_LEVELS": "province, city,district,town"})
    assert settings.tenant_levels == ("province", "city", "district", "town")
    assert settings.level_rank("district") == 2


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ENV", "staging"),
        ("DATABASE_URL", "mysql://x"),
        ("MIGRATION_DATABASE_URL", "mysql://x"),
        ("SECRET_KEY", "short"),
        ("LOG_FORMAT", "xml"),
        ("LOG_LEVEL", "LOUD"),
        ("TENANT_LEVELS", "district"),
        ("TENANT_LEVELS", "district,district"),
        ("TENANT_LEVELS", "District,Town"),
        ("REDIS_URL", "http://x"),
        ("STRICT_PLUGINS", "maybe"),
        ("ACCESS_TOKEN_TTL", "soon"),
        ("REFRESH_TOKEN_TTL", "0"),
        ("MAX_BODY_BYTES", "-5"),
        ("MODULE_STATE_TTL", "120"),
    ],
)
def test_each_bad_value_is_named_on_one_line(name: str, value: str) -> None:
    with pytest.raises(SettingsError) as exc:
        load_settings({**GOOD, f"GONGZHI_{name}": value})
    assert len(exc.value.problems) == 1
    (problem,) = exc.value.problems
    assert problem.startswith(f"GONGZHI_{name}:")
    assert "\n" not in problem


def test_all_bad_values_are_reported_together_one_line_each() -> None:
    env = {
        "GONGZHI_ENV": "staging",
        "GONGZHI_SECRET_KEY": "short",
        "GONGZHI_LOG_LEVEL": "LOUD",
        "GONGZHI_TENANT_LEVELS": "x",
        "GONGZHI_ACCESS_TOKEN_TTL": "soon",
    }
    with pytest.raises(SettingsError) as exc:
        load_settings(env)
    named = [p.split(":", 1)[0] for p in exc.value.problems]
    assert named == [
        "GONGZHI_ENV",
        "GONGZHI_SECRET_KEY",
        "GONGZHI_LOG_LEVEL",
        "GONGZHI_TENANT_LEVELS",
        "GONGZHI_ACCESS_TOKEN_TTL",
    ]
    assert str(exc.value).count("\n") == len(exc.value.problems)


def test_production_requires_a_secret() -> None:
    with pytest.raises(SettingsError) as exc:
        load_settings({"GONGZHI_ENV": "production"})
    assert exc.value.problems == [
        "GONGZHI_SECRET_KEY: required in production (32 characters or more)"
    ]
