"""Where the console's assets live; every one is served by the app itself (no CDN)."""

from __future__ import annotations

from pathlib import Path

STATIC = Path(__file__).parent / "static"
