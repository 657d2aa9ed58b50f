"""Running SQLAlchemy's synchronous code from the event loop, on greenlets kept for reuse.

SQLAlchemy's asyncio layer runs its synchronous core in a greenlet: ``greenlet_spawn`` creates
one per call, and inside it ``await_`` hands each awaitable back to the event loop. Creating
and starting a greenlet costs about 9 µs, more than the work of a pool checkout it wraps, and a
request makes one to several of these calls (a read's checkout, a write's statements and
commit). :func:`spawn` does what ``greenlet_spawn`` does on a greenlet that, once its call is
done, waits for the next one: about 2 µs.

What a caller may rely on is ``greenlet_spawn``'s: the function runs with the caller's context
variables (the same context, so what it sets the caller sees), ``await_`` works inside it,
its exception (a cancellation delivered to the caller included) reaches the caller, and a call
that is abandoned midway never runs anything of a later call.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

from greenlet import GreenletExit, getcurrent, greenlet

__all__ = ["spawn"]

_T = TypeVar("_T")
MAX_IDLE = 64
"""Greenlets kept waiting for a call, at most; a burst beyond it makes new ones as before."""


class _Done:
    """What a worker hands back when its call has ended: the value, or the exception."""

    __slots__ = ("error", "value")

    def __init__(self, value: Any, error: BaseException | None) -> None:
        self.value = value
        self.error = error


class _Worker(greenlet):  # type: ignore[misc]
    """A greenlet that runs one call after another, waiting in between.

    SQLAlchemy's ``await_`` runs only in a greenlet marked as its provider, and hands its
    awaitable to the greenlet's parent, the one that called :func:`spawn`.
    """

    __sqlalchemy_greenlet_provider__ = True

    def __init__(self, parent: greenlet) -> None:
        super().__init__(self._serve, parent)

    def _serve(self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        while True:
            try:
                done = _Done(fn(*args, **kwargs), None)
            except GreenletExit:
                raise
            except BaseException as error:
                done = _Done(None, error)
            fn = args = kwargs = None  # type: ignore[assignment]
            fn, args, kwargs = self.parent.switch(done)


_idle: list[_Worker] = []


async def spawn(fn: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
    """Run ``fn(*args, **kwargs)`` as SQLAlchemy's ``greenlet_spawn`` would, on a reused
    greenlet."""
    current = getcurrent()
    worker = _idle.pop() if _idle else None
    if worker is None or worker.parent is not current:
        worker = _Worker(current)
    worker.gr_context = current.gr_context
    result = worker.switch(fn, args, kwargs)
    while type(result) is not _Done:
        try:
            value = await result
        except BaseException:
            result = worker.throw(*sys.exc_info())
        else:
            result = worker.switch(value)
    worker.gr_context = None
    if len(_idle) < MAX_IDLE:
        _idle.append(worker)
    if result.error is not None:
        error = result.error
        del result
        raise error
    value = result.value
    return value  # type: ignore[no-any-return]
