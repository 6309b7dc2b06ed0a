"""Builds the adapter and its background tasks in one place, so tests swap them at one point.

Three tasks run beside the HTTP route, each restarted with backoff when it fails: the index
follower (events topic -> Redis), the parked-topic follower (parked lines -> memory) and the
retrier (parked lines whose toewijzing is now known -> events topic).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from redis.asyncio import Redis

from services.intake.iwmo.adapter import IwmoAdapter
from services.intake.iwmo.parking import ParkingLot, Retrier
from services.intake.iwmo.toewijzingen import IndexFollower, ToewijzingIndex
from services.intake.iwmo.xsd import XsdSet
from services.intake.settings import Settings
from shared.contract.topics import Topic, topic_name
from shared.core.domain_config import load_domain_config
from shared.platform.kafka_io import make_consumer, make_producer
from shared.platform.publisher import Publisher

log = logging.getLogger("wijkpuls.intake.iwmo")
CLIENT_ID = "wijkpuls-intake-iwmo"
STOP_GRACE_S = 10.0


@dataclass
class IwmoRuntime:
    adapter: IwmoAdapter
    retrier: Retrier
    producer: AIOKafkaProducer
    redis: Redis
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def ready(self) -> bool:
        """Its background loops run (a failing loop restarts itself, a finished one is gone)."""
        return bool(self.tasks) and not any(task.done() for task in self.tasks)

    async def close(self) -> None:
        """Let the loops end at their next turn (within about a second), then stop the clients.

        The loops are asked to stop rather than cancelled: a cancellation that lands inside
        a Kafka or Redis client call can be absorbed there, and the loop would go on. A task
        that still runs after the grace period is cancelled all the same.
        """
        self.stopping.set()
        self.retrier.wake()
        late = set(self.tasks)
        for attempt in range(4):
            if not late:
                break
            for task in late if attempt else ():
                task.cancel()
            _, late = await asyncio.wait(late, timeout=STOP_GRACE_S)
        if late:
            log.error("iwmo background tasks did not stop", extra={"tasks": len(late)})
        await self.producer.stop()
        await self.redis.aclose()


async def start_iwmo(settings: Settings) -> IwmoRuntime:
    domain = load_domain_config(settings.app.domain_config)
    xsd_dir = settings.iwmo.xsd_dir
    xsd = XsdSet.load(xsd_dir) if xsd_dir is not None else None
    if xsd is None:
        log.warning(
            "iWmo/iJw XSD validation is off (WIJKPULS_IWMO_XSD_DIR is not set): "
            "only the documented elements of 305/307 are checked"
        )
    producer = make_producer(settings.kafka, client_id=CLIENT_ID)
    await producer.start()
    redis = Redis.from_url(settings.redis.url)
    timeout = settings.intake.send_timeout_s
    events = topic_name(Topic.EVENTS, settings.kafka)
    index = ToewijzingIndex(redis, settings.kafka.topic_prefix)
    publisher = Publisher(producer, events, timeout)
    lot = ParkingLot(producer, topic_name(Topic.IWMO_PARKED, settings.kafka), timeout)
    retrier = Retrier(lot, index, publisher, settings.iwmo.retry_interval_s)

    def consumer() -> AIOKafkaConsumer:
        # No group: every intake reads every partition into its view, from its own position.
        return make_consumer(
            settings.kafka,
            client_id=CLIENT_ID,
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
        )

    follower = IndexFollower(consumer, producer.partitions_for, events, index, retrier.wake)
    runtime = IwmoRuntime(
        IwmoAdapter(
            domain.gemeente.gemeentecode, xsd, index, publisher, lot, settings.iwmo.max_bytes
        ),
        retrier,
        producer,
        redis,
    )
    stopping = runtime.stopping
    runtime.tasks = [
        asyncio.create_task(_supervised("toewijzing index", follower.run, stopping)),
        asyncio.create_task(
            _supervised("parked lines", lambda s: lot.follow(consumer, retrier.wake, s), stopping)
        ),
        asyncio.create_task(_supervised("parked-line retrier", retrier.run, stopping)),
    ]
    return runtime


async def _supervised(
    name: str, run: Callable[[asyncio.Event], Awaitable[None]], stopping: asyncio.Event
) -> None:
    """Run until ``stopping``; a failure (broker or Redis away) restarts it after a backoff."""
    delay = 1.0
    while not stopping.is_set():
        try:
            await run(stopping)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("%s stopped; restarting in %.0f s", name, delay)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(delay):
                    await stopping.wait()
            delay = min(delay * 2, 60.0)
