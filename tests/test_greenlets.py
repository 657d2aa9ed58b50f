"""``core.greenlets.spawn`` keeps what SQLAlchemy's ``greenlet_spawn`` promises its callers,
on greenlets it reuses."""

from __future__ import annotations

import asyncio
import contextvars

import pytest
from sqlalchemy.util import await_

from core import greenlets
from core.greenlets import spawn

_seen: contextvars.ContextVar[str] = contextvars.ContextVar("seen", default="none")


async def test_a_call_awaits_inside_and_shares_the_caller_s_context() -> None:
    _seen.set("caller")

    def inside() -> str:
        before = _seen.get()
        _seen.set("inside")
        return before + "/" + await_(asyncio.sleep(0, "slept"))

    assert await spawn(inside) == "caller/slept"
    assert _seen.get() == "inside"


async def test_its_exception_reaches_the_caller_and_the_greenlet_serves_the_next_call() -> None:
    def fails(message: str) -> None:
        await_(asyncio.sleep(0))
        raise ValueError(message)

    with pytest.raises(ValueError, match="boom"):
        await spawn(fails, "boom")
    worker = greenlets._idle[-1]
    assert await spawn(lambda: "next") == "next"
    assert greenlets._idle[-1] is worker, "the greenlet was not reused"


async def test_a_cancelled_caller_cancels_the_call_where_it_waits() -> None:
    reached: list[str] = []
    started = asyncio.Event()

    def waits() -> None:
        started.set()
        try:
            await_(asyncio.sleep(60))
        except asyncio.CancelledError:
            reached.append("cancelled inside")
            raise

    task = asyncio.create_task(spawn(waits))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert reached == ["cancelled inside"]
    assert await spawn(lambda: 1) == 1


async def test_concurrent_calls_each_get_their_own_answer() -> None:
    async def one(number: int) -> int:
        return await spawn(lambda: await_(asyncio.sleep(0.001, number)))

    assert await asyncio.gather(*(one(n) for n in range(50))) == list(range(50))
    assert len(greenlets._idle) <= greenlets.MAX_IDLE
