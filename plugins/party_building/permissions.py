"""The route options naming each permission of the manifest, so every route states one."""

from __future__ import annotations

from typing import Any

READ: dict[str, Any] = {"permission": "party-building:read"}
PEOPLE: dict[str, Any] = {"permission": "party-building:people"}
WRITE: dict[str, Any] = {"permission": "party-building:write"}
MANAGE: dict[str, Any] = {"permission": "party-building:manage"}
