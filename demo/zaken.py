"""One new zaak: its number, where it comes from, its lifecycle and how its events arrive."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from datetime import date

from demo import profile
from demo.delivery import Delivery, Quirks, cloudevent, deliveries
from demo.lifecycle import Lifecycles
from demo.population import Population
from demo.timing import Timing
from shared.core.domain_config import DomainConfig, Wet

_CARE = frozenset({"zorg.gestart", "zorg.beeindigd"})  # reported by the providers' adapter


class ZaakMaker:
    def __init__(self, rng: random.Random, domain: DomainConfig, quirks: Quirks, end: date) -> None:
        self.rng, self.quirks, self.end = rng, quirks, end
        self.timing = Timing(domain)
        self.population = Population(domain)
        self.lifecycles = Lifecycles(self.timing)
        self._numbers: Counter[tuple[Wet, int]] = Counter()

    def zaak(self, wet: Wet, day: date) -> Iterator[Delivery]:
        """The deliveries of a zaak that arrives on ``day``, up to the end of the stream."""
        rng = self.rng
        self._numbers[wet, day.year] += 1
        zaak_id = f"{profile.ZAAK_PREFIX[wet]}-{day.year}-{self._numbers[wet, day.year]:06d}"
        logged = []
        for fact in self.lifecycles.plan(rng, wet, day, self.population.locate(rng)):
            system = profile.CARE_SYSTEMS.get(wet) if fact[0] in _CARE else None
            source = profile.source_urn(system or profile.SYSTEMS[wet])
            when = self.timing.logged_at(rng, fact[1])
            logged.append((when, cloudevent(rng, source, zaak_id, fact, when)))
        return deliveries(rng, self.timing, logged, self.quirks, self.end)
