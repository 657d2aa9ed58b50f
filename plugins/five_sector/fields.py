"""Field types shared by the request bodies and answers of several aggregates."""

from __future__ import annotations

from typing import Annotated

import msgspec

NOT_BLANK = r"\S"
"""A text with at least one character that is not a blank."""

Count = Annotated[int, msgspec.Meta(ge=0, le=1_000_000, description="人数 / number of people")]
Quantity = Annotated[
    int,
    msgspec.Meta(
        ge=1,
        le=2**31 - 1,
        description="正整数；资金以分计 / a positive integer; money is counted in fen",
    ),
]
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
