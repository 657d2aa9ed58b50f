"""Redis, when ``GONGZHI_REDIS_URL`` is set: one client per process for what replicas share.

- **Channels**: a process publishes that something cached changed (module states, a logged-out
  session, a disabled user) and every process, on every replica, drops its copy at once.
  Messages are published after the change commits; a subscriber that lost its connection
  reconnects, and the short TTLs of the caches bound staleness while it is away.
- **Store**: keys shared by all replicas (the login rate limiter's windows), all under one
  prefix.

Without Redis everything still works on one node: caches are per process with short TTLs and,
on PostgreSQL, module states also travel through LISTEN/NOTIFY.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from typing import Any

import structlog
from redis import asyncio as aioredis

log = structlog.get_logger("gongzhi.redis")
DEFAULT_PREFIX = "gongzhi:"
RECONNECT_DELAY = 1.0
SUBSCRIBE_WAIT = 5.0

Handler = Callable[[str], None]


class RedisLink:
    """The process's Redis client, its key prefix and its channel subscriptions."""

    def __init__(self, url: str, *, prefix: str = DEFAULT_PREFIX) -> None:
        self.url = url
        self.prefix = prefix
        self.client: aioredis.Redis = aioredis.from_url(url, decode_responses=True)
        self._handlers: dict[str, list[Handler]] = {}
        self._listener: asyncio.Task[None] | None = None
        self._subscribed = asyncio.Event()

    def key(self, *parts: str) -> str:
        """A key (or channel name) under this installation's prefix."""
        return self.prefix + ":".join(parts)

    async def publish(self, channel: str, message: str = "") -> None:
        """Tell every subscribed process; a failure is logged, never raised to the caller."""
        try:
            await self.client.publish(self.key(channel), message)
        except Exception as exc:
            log.warning("redis_publish_failed", channel=channel, error=str(exc))

    def publish_soon(self, channel: str, message: str = "") -> None:
        """:meth:`publish` from synchronous code running on the event loop, without waiting."""
        _spawn(self.publish(channel, message))

    def subscribe(self, channel: str, handler: Handler) -> None:
        """Call ``handler(message)`` for every message on ``channel`` (register before start)."""
        self._handlers.setdefault(self.key(channel), []).append(handler)

    async def start(self) -> None:
        """Start listening on every subscribed channel; waits (up to :data:`SUBSCRIBE_WAIT`
        seconds) until the subscription is in place so nothing published afterwards is missed."""
        if self._listener is None and self._handlers:
            self._listener = asyncio.create_task(self._listen())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._subscribed.wait(), SUBSCRIBE_WAIT)

    async def _listen(self) -> None:
        while True:
            pubsub = self.client.pubsub()
            try:
                await pubsub.subscribe(*self._handlers)
                self._subscribed.set()
                async for message in pubsub.listen():
                    if message.get("type") != "message":
                        continue
                    for handler in self._handlers.get(str(message["channel"]), []):
                        handler(str(message["data"]))
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("redis_subscription_lost", error=str(exc))
                # Whatever was published meanwhile is lost: tell every handler to drop its cache.
                for handlers in self._handlers.values():
                    for handler in handlers:
                        handler("")
                await asyncio.sleep(RECONNECT_DELAY)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
            self._listener = None
        await self.client.aclose()


def after_commit(session: Any, callback: Callable[[], Any]) -> None:
    """Run the coroutine function ``callback`` once the session's transaction commits (not on
    rollback), as a task of the running loop."""
    from sqlalchemy import event

    def schedule(_session: Any) -> None:
        _spawn(callback())

    event.listen(session.sync_session, "after_commit", schedule, once=True)


_pending: set[asyncio.Task[Any]] = set()


def _spawn(coroutine: Coroutine[Any, Any, Any]) -> None:
    """Run ``coroutine`` as a task of the running loop, keeping a reference until it ends."""
    task = asyncio.get_running_loop().create_task(coroutine)
    _pending.add(task)
    task.add_done_callback(_pending.discard)
