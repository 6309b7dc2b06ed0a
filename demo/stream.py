"""The demo event stream: day by day, new zaken arrive and their events are delivered.

Streaming in bounded memory: a zaak's events are planned when it arrives and wait in a heap
ordered by delivery time; each day releases what is due. Memory is proportional to the zaken
still running (arrival rate x their duration), not to the number of months generated.
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from demo import profile
from demo.delivery import Delivery, Quirks
from demo.stats import DemoStats
from demo.timing import Timing, add_months, today
from demo.zaken import ZaakMaker
from shared.core.domain_config import DomainConfig, Wet
from shared.core.local_time import AMSTERDAM
from shared.platform.settings import get_domain_config

DEFAULT_QUIRKS = Quirks(profile.DUPLICATE_RATE, profile.OUT_OF_ORDER_RATE, profile.CORRECTION_RATE)
_Entry = tuple[int, int, Delivery]  # (release timestamp, tie-breaker, delivery)


@dataclass(frozen=True)
class DemoOptions:
    start: date  # first day of the first month
    months: int = 12
    seed: int = 7
    today: date = field(default_factory=today)
    scale: float = 1.0
    quirks: Quirks = DEFAULT_QUIRKS

    @property
    def end(self) -> date:
        """The last day of the stream: the end of the last month, or today if earlier."""
        return min(self.today, add_months(self.start, self.months) - timedelta(days=1))


class DemoStream:
    """Iterate for the events (intake-form CloudEvent dicts); ``stats`` fills as you go."""

    def __init__(self, options: DemoOptions, domain: DomainConfig | None = None) -> None:
        self.options = options
        self.domain = domain or get_domain_config()
        self.stats = DemoStats(self.domain)
        self._heap: list[_Entry] = []

    @property
    def pending(self) -> int:
        """Deliveries planned but not yet released: what the stream holds in memory."""
        return len(self._heap)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        o = self.options
        rng = random.Random(o.seed)  # noqa: S311 - reproducible demo data, not a secret
        maker = ZaakMaker(rng, self.domain, o.quirks, o.end)
        heap = self._heap = []
        order = itertools.count()
        for day, per_day in arrival_days(o, maker.timing):
            for wet in Wet:
                for _ in range(poisson(rng, profile.MONTHLY[wet] * per_day)):
                    for delivery in maker.zaak(wet, day):
                        heapq.heappush(heap, (delivery[0], next(order), delivery))
            midnight = datetime.combine(day + timedelta(days=1), datetime.min.time(), AMSTERDAM)
            yield from self._release(heap, int(midnight.timestamp()))
        yield from self._release(heap, None)

    def _release(self, heap: list[_Entry], until: int | None) -> Iterator[dict[str, Any]]:
        while heap and (until is None or heap[0][0] < until):
            _, _, (_, logged_ts, kind, event) = heapq.heappop(heap)
            self.stats.observe(logged_ts, kind, event)
            yield event


def arrival_days(options: DemoOptions, timing: Timing) -> Iterator[tuple[date, float]]:
    """Each werkdag of the stream with the share of a month's requests it gets (x scale)."""
    for month in (add_months(options.start, i) for i in range(options.months)):
        werkdagen = timing.werkdagen_in_month(month.year, month.month)
        per_day = profile.SEASON.get(month.month, 1.0) * options.scale / len(werkdagen)
        for day in werkdagen:
            if day > options.end:
                return
            yield day, per_day


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth for small means, the normal approximation for large ones)."""
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k
