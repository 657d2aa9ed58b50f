"""The pluggy markers of Gongzhi's hooks, below every area of the kernel.

The specs live in :mod:`core.modules.hookspecs`; the markers live here so that the kernel's own
areas (``core/<area>/hooks.py``) can implement hooks without importing the module host's package.
"""

from __future__ import annotations

import pluggy

PROJECT = "gongzhi"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)
