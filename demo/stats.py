"""What a demo stream held, counted while it streams (bounded: a few counters per month)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from shared.contract.events import TYPE_PREFIX
from shared.core.domain_config import ONBEKEND, DomainConfig


@dataclass
class DemoStats:
    domain: DomainConfig
    events: int = 0
    duplicates: int = 0
    corrections: int = 0
    out_of_order: int = 0
    with_client: int = 0
    per_type: Counter[str] = field(default_factory=Counter)
    per_month: Counter[str] = field(default_factory=Counter)
    zaken_per_month: Counter[str] = field(default_factory=Counter)
    zaken_per_wet: Counter[str] = field(default_factory=Counter)
    zaken_per_wijk: Counter[str] = field(default_factory=Counter)
    _latest: int = 0

    def observe(self, logged_ts: int, kind: str, event: dict[str, Any]) -> None:
        self.events += 1
        self.duplicates += kind == "duplicate"
        self.corrections += kind == "correction"
        if kind != "duplicate":  # a retry is late by nature; count the first deliveries
            self.out_of_order += logged_ts < self._latest
            self._latest = max(self._latest, logged_ts)
        name = event["type"].removeprefix(TYPE_PREFIX)
        self.per_type[name] += 1
        self.per_month[event["time"][:7]] += 1
        if name == "zaak.aangemeld" and kind == "event":
            data = event["data"]
            self.zaken_per_month[data["datum"][:7]] += 1
            self.zaken_per_wet[data["wet"]] += 1
            self.zaken_per_wijk[self._wijk(data)] += 1
            self.with_client += "client" in data

    def _wijk(self, data: dict[str, Any]) -> str:
        postcode = data.get("postcode") or data.get("client", {}).get("postcode")
        if postcode:
            return self.domain.wijk_for_postcode(postcode)
        return self.domain.resolve_wijk(data.get("wijk")) if data.get("wijk") else ONBEKEND

    def summary(self) -> str:
        zaken = sum(self.zaken_per_wet.values())
        lines = [
            f"{self.events} events for {zaken} new zaken ({self.with_client} with a client "
            f"block); {self.duplicates} exact duplicates, {self.out_of_order} delivered out of "
            f"order, {self.corrections} corrections",
            "month    events  new zaken",
            *(
                f"{month}  {n:>6}  {self.zaken_per_month[month]:>9}"
                for month, n in sorted(self.per_month.items())
            ),
            "zaken per wet: " + _counts(self.zaken_per_wet),
            "zaken per wijk: " + _counts(self.zaken_per_wijk),
            "events per type: " + _counts(self.per_type),
        ]
        return "\n".join(lines)


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{key} {n}" for key, n in counter.most_common())
