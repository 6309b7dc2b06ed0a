"""Events of a manual-ack stream in batches: what arrives within ``linger`` s, up to a maximum.

A reader task takes the events from the stream (``noack``: nothing is acked here) into a
bounded queue. A batch starts with the first event that comes and takes every event that is
queued, or arrives, within ``linger`` seconds after it, up to ``max_size``. The wait is
needed: faust hands a fetched batch to the stream one event per loop step, so right after
the agent's own work the queue holds one or two events, not what Kafka has ready. A lone
live event waits at most ``linger`` before it is applied.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import faust
from faust.types import EventT

_END = object()


async def ready_batches(
    stream: faust.StreamT[Any], max_size: int, linger: float
) -> AsyncIterator[list[EventT[Any]]]:
    queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=max_size)

    async def read() -> None:
        try:
            async for event in stream.events():
                await queue.put(event)
        except Exception as exc:  # handed to the agent, which raises it
            await queue.put(exc)
        else:
            await queue.put(_END)

    loop = asyncio.get_running_loop()
    reader = asyncio.create_task(read(), name="wijkpuls-kpi-events-reader")
    try:
        while True:
            batch: list[EventT[Any]] = []
            item = await queue.get()
            deadline = loop.time() + linger
            while True:
                if item is _END:
                    if batch:
                        yield batch
                    return
                if isinstance(item, Exception):
                    raise item  # the batch so far is not acked: it comes again
                batch.append(item)
                if len(batch) >= max_size:
                    break
                if not queue.empty():
                    item = queue.get_nowait()
                    continue
                remaining = deadline - loop.time()
                if remaining <= 0:
                    break
                try:  # the fetcher and the reader move on meanwhile
                    item = await asyncio.wait_for(queue.get(), remaining)
                except TimeoutError:  # a cancelled get takes nothing from the queue
                    break
            yield batch
    finally:
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reader
