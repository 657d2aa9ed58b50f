"""Field types shared by the request bodies of several aggregates."""

from __future__ import annotations

from typing import Annotated

import msgspec

NOT_BLANK = r"\S"
"""A text with at least one character that is not a blank."""

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=NOT_BLANK)]
PersonName = Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=NOT_BLANK)]
Note = Annotated[str, msgspec.Meta(min_length=1, max_length=500, pattern=NOT_BLANK)]
PersonTimes = Annotated[int, msgspec.Meta(ge=0, le=1_000_000, description="人次 / person-times")]
