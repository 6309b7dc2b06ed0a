"""Every figure of the reporting API contract, recomputed from raw events (BRIEF §4)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from math import ceil
from typing import Any

from reference.clocks import besluit, calendar_from, load_config
from reference.zaken import build_zaken

Cell = tuple[str, str, str]  # wet, wijk, periode


def periodes(day: date) -> list[str]:
    return [f"{day:%Y-%m}", f"{day.year}-H{1 if day.month <= 6 else 2}", str(day.year)]


def quantile(values: list[int], p: float) -> int:
    return sorted(values)[max(1, ceil(Decimal(str(p)) * len(values))) - 1]


def pct(numerator: int, n: int) -> float:
    return float((Decimal(100 * numerator) / n).quantize(Decimal("0.1"), ROUND_HALF_UP))


def doorlooptijd(events: Iterable[dict[str, Any]]) -> dict[Cell, dict[str, Any]]:
    config = load_config()
    cal = calendar_from(config)
    durations: dict[Cell, list[int]] = defaultdict(list)
    on_time: dict[Cell, int] = defaultdict(int)
    for zaak in build_zaken(events).values():
        result = besluit(zaak, config, cal)
        if result is None:
            continue
        aangemeld = zaak.data("zaak.aangemeld")
        for wijk in (aangemeld.get("wijk", "onbekend"), "gemeente"):
            for periode in periodes(result.datum):
                cell = (aangemeld["wet"], wijk, periode)
                durations[cell].append(result.doorlooptijd)
                on_time[cell] += result.tijdig
    return {
        cell: {"n": len(values), "n_tijdig": on_time[cell], "tijdig_pct": pct(on_time[cell],
               len(values)), "median": quantile(values, 0.5), "p90": quantile(values, 0.9)}
        for cell, values in durations.items()
    }  # fmt: skip
