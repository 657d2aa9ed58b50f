"""Field types shared by the request bodies and answers of several aggregates."""

from __future__ import annotations

from typing import Annotated

import msgspec

NOT_BLANK = r"\S"
"""A text with at least one character that is not a blank."""

Fen = Annotated[
    int,
    msgspec.Meta(
        ge=1,
        le=10**12,
        description="金额（分，正整数）/ an amount in fen, a positive integer",
    ),
]
Title = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=NOT_BLANK)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=NOT_BLANK)]
Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=500, pattern=NOT_BLANK)]
Note = Annotated[str, msgspec.Meta(max_length=1000)]
TenantKey = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=64,
        description=(
            "本辖区内组织的标识或行政区划代码 / slug or division code of a tenant in this subtree"
        ),
    ),
]
