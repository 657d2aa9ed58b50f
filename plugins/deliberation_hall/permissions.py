"""The route options naming each permission of the manifest, so every route states one."""

from __future__ import annotations

from typing import Any

READ: dict[str, Any] = {"permission": "deliberation-hall:read"}
TAKE_PART: dict[str, Any] = {"permission": "deliberation-hall:take-part"}
MANAGE: dict[str, Any] = {"permission": "deliberation-hall:manage"}
