"""Fans one process's live events out to its open streams, with a bound on how many.

One watcher per process (watcher.py) finds what changed; the hub hands each event to every
subscribed stream's queue, so a thousand open pages cost Redis what one costs. The watcher
runs only while at least one stream is open. A stream that does not keep up (its queue full)
loses its queued events and gets one ``opnieuw`` event instead: re-read everything.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger("wijkpuls.reporting.live")

QUEUE_SIZE = 256


@dataclass(frozen=True)
class LiveEvent:
    """One event for the streams: its SSE name, its JSON data, and whether it is the version
    for roles that see small numbers (each stream filters, routes.py)."""

    name: str
    data: dict[str, Any]
    for_small_numbers: bool = False


RESYNC = LiveEvent("opnieuw", {"reden": "te veel gebeurtenissen tegelijk: lees alles opnieuw"})


@dataclass(eq=False)
class Subscription:
    queue: asyncio.Queue[LiveEvent] = field(default_factory=lambda: asyncio.Queue(QUEUE_SIZE))

    def offer(self, event: LiveEvent) -> None:
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:  # too slow a reader: drop what it has, tell it to re-read
            while not self.queue.empty():
                self.queue.get_nowait()
            self.queue.put_nowait(RESYNC)


Watch = Callable[["Hub"], Awaitable[None]]


class Hub:
    """``watch(hub)`` runs while someone listens and calls ``hub.publish`` with what changed."""

    def __init__(self, watch: Watch, max_connections: int) -> None:
        self._watch = watch
        self.max_connections = max_connections
        self._subscriptions: set[Subscription] = set()
        self._task: asyncio.Task[None] | None = None

    @property
    def connections(self) -> int:
        return len(self._subscriptions)

    def subscribe(self) -> Subscription | None:
        """A new subscription, or None when this process already has ``max_connections``."""
        if len(self._subscriptions) >= self.max_connections:
            return None
        subscription = Subscription()
        self._subscriptions.add(subscription)
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="live-watcher")
        return subscription

    async def unsubscribe(self, subscription: Subscription) -> None:
        self._subscriptions.discard(subscription)
        if not self._subscriptions:
            await self.stop()

    def publish(self, event: LiveEvent) -> None:
        for subscription in list(self._subscriptions):
            subscription.offer(event)

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        try:
            await self._watch(self)
        except asyncio.CancelledError:
            raise
        except Exception:  # a watcher that died: the streams stay, heartbeats go on
            log.exception("live watcher stopped")
