"""The route options naming each permission of the manifest, so every route states one."""

from __future__ import annotations

from typing import Any

READ: dict[str, Any] = {"permission": "funding:read"}
APPLY: dict[str, Any] = {"permission": "funding:apply"}
REVIEW: dict[str, Any] = {"permission": "funding:review"}
MANAGE: dict[str, Any] = {"permission": "funding:manage"}
PUBLIC: dict[str, Any] = {"permission": "funding:public"}
