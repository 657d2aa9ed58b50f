"""HTTP routes of the tenant tree under ``/api/v1/tenants``."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

ROUTES: list[ControllerRouterHandler] = []
