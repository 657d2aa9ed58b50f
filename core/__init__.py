"""Gongzhi's kernel and the public API for plugin authors.

Plugins import only what this module exports; everything else in ``core`` may change without
notice.
"""

from core.errors import Conflict, Invalid, NotFound, Problem
from core.identity.permissions import Permission
from core.orm import Base, TenantOwned, Timestamps, UTCDateTime, UUIDPrimaryKey

__all__ = [
    "Base",
    "Conflict",
    "Invalid",
    "NotFound",
    "Permission",
    "Problem",
    "TenantOwned",
    "Timestamps",
    "UTCDateTime",
    "UUIDPrimaryKey",
]
