"""Schemathesis against the running app's OpenAPI document, authenticated, on SQLite and
PostgreSQL: every operation, positive and negative examples, zero server errors.

The checks are Schemathesis's defaults except three that grade how completely the document
describes *error* answers (``status_code_conformance``, ``content_type_conformance``,
``positive_data_acceptance``): the document lists success bodies only, and errors are RFC 9457
``application/problem+json`` by design (docs/security.md). ``not_a_server_error``, response
schema and header conformance, negative-data rejection, ignored auth, use-after-free and
resource availability all apply. ``GONGZHI_FUZZ_EXAMPLES`` sets the examples per operation and
mode (5 in ``make test``, more in ``make fuzz``).
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core.result import Err
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    positive_data_acceptance,
    status_code_conformance,
)

from core.db import Database
from core.settings import Settings
from core.testing import DEFAULT_PASSWORD, create_user, make_tree
from tests.reliability.figures import count
from tests.reliability.server import Server

EXAMPLES = int(os.environ.get("GONGZHI_FUZZ_EXAMPLES", "5"))
EXCLUDED = [status_code_conformance, content_type_conformance, positive_data_acceptance]
TENANT = "fuzz-c"


def fuzz(base_url: str, token: str) -> tuple[int, list[str]]:
    """Run every operation; the number of cases sent and one message per failing one."""
    schema = schemathesis.openapi.from_url(f"{base_url}/schema/openapi.json")
    headers = {"Authorization": f"Bearer {token}"}
    sent = 0
    failures: list[str] = []
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            failures.append(f"the OpenAPI document is invalid: {result.err()}")
            continue
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @hypothesis_settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
                phases=[Phase.explicit, Phase.generate],
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case: Any) -> None:
                nonlocal sent
                if case.path_parameters and "tenant_key" in case.path_parameters:
                    case.path_parameters["tenant_key"] = TENANT
                sent += 1
                case.call_and_validate(headers=headers, excluded_checks=EXCLUDED)

            try:
                run()
            except Unsatisfiable:
                continue
            except BaseException as exc:
                failures.append(f"{operation.label} ({mode.value}): {exc}"[:3000])
    return sent, failures


async def test_schemathesis_finds_no_server_error(
    database_url: str, settings: Settings, db: Database, tmp_path: Path
) -> None:
    await make_tree(db, {"fuzz-d": {"fuzz-t": {TENANT: {}}}})
    await create_user(db, settings, "fuzz-root", [(None, "platform_admin")])
    server = Server(database_url, tmp_path, GONGZHI_LOGIN_ACCOUNT_LIMIT="100000").start()
    try:
        async with httpx.AsyncClient(base_url=server.url) as http:
            login = await http.post(
                "/api/v1/auth/login", json={"username": "fuzz-root", "password": DEFAULT_PASSWORD}
            )
        assert login.status_code == 200, login.text
        sent, failures = await asyncio.to_thread(fuzz, server.url, login.json()["access_token"])
    finally:
        server.stop()
    count("schemathesis cases tried", sent)
    assert sent > 0
    assert not failures, "\n\n".join(failures)
    assert "Traceback" not in server.log_path.read_text(errors="replace")
