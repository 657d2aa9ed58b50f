"""The route options naming each permission of the manifest, so every route states one."""

from __future__ import annotations

from typing import Any

READ: dict[str, Any] = {"permission": "incubation:read"}
WRITE: dict[str, Any] = {"permission": "incubation:write"}
MANAGE: dict[str, Any] = {"permission": "incubation:manage"}
