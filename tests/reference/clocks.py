"""The besluit clock of docs/domain.md#clock-rules and doorlooptijd / tijdig beslist of
docs/domain.md#kpi-doorlooptijd."""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from reference.calendar import Calendar
from reference.zaken import Zaak

CONFIG = Path(__file__).resolve().parents[2] / "shared" / "config" / "domain.yaml"


def load_config(path: Path = CONFIG) -> dict[str, Any]:
    """The domain file as plain data, parsed once per version of the file; each caller gets its
    own copy. (Parsing it on every figure made YAML 80% of the reference's time.)"""
    state = path.stat()
    return copy.deepcopy(_parsed(path, state.st_mtime_ns, state.st_size))


@functools.lru_cache(maxsize=8)
def _parsed(path: Path, mtime_ns: int, size: int) -> dict[str, Any]:
    parsed: dict[str, Any] = yaml.safe_load(path.read_text())
    return parsed


def calendar_from(config: dict[str, Any]) -> Calendar:
    return Calendar({date.fromisoformat(str(d)) for d in config["gelijkgestelde_dagen"]})


def besluit_term_days(config: dict[str, Any], wet: str) -> int:
    clock = next(c for c in config["clocks"] if c["wet"] == wet and c.get("headline"))
    term = clock["term"]
    return term["amount"] * (7 if term["unit"] == "weeks" else 1)


@dataclass
class Besluit:
    datum: date
    due: date
    doorlooptijd: int
    tijdig: bool


def besluit(zaak: Zaak, config: dict[str, Any], cal: Calendar) -> Besluit | None:
    """None when the zaak has no counted besluit (none yet, ingetrokken, or no aanmelding)."""
    aangemeld, stop = zaak.datum("zaak.aangemeld"), zaak.datum("zaak.besloten")
    if aangemeld is None or stop is None or zaak.data("zaak.besloten")["uitkomst"] == "ingetrokken":
        return None
    wet = zaak.data("zaak.aangemeld")["wet"]
    if wet == "sth":
        return None
    start = (zaak.datum("zaak.eerste-contact") if wet == "wgs" else None) or aangemeld
    due, counted = moved_due(zaak, start + timedelta(days=besluit_term_days(config, wet)),
                             start, stop, cal)  # fmt: skip
    return Besluit(stop, due, (stop - aangemeld).days - counted, stop <= due)


def moved_due(zaak: Zaak, due: date, start: date, stop: date, cal: Calendar) -> tuple[date, int]:
    """A besluit clock's due date (start + term given) moved by the suspensions and verdagingen
    inside [start, stop], in date order, then Atw-shifted; and the suspended days that moved it.
    """
    moves = [(s, "opschorting", (e - s).days) for s, e in suspensions(zaak, start, stop)]
    moves += [(date.fromisoformat(v["data"]["datum"]), "verdaging", v["data"]["dagen"])
              for v in zaak.dates("zaak.verdaagd")
              if date.fromisoformat(v["data"]["datum"]) <= stop]  # fmt: skip
    counted = 0
    for when, kind, days in sorted(moves):
        if when <= cal.shift(due):
            due += timedelta(days=days)
            counted += days if kind == "opschorting" else 0
    return cal.shift(due), counted


def suspensions(zaak: Zaak, start: date, stop: date) -> list[tuple[date, date]]:
    """[opgeschort, hervat) intervals inside [start, stop], overlaps merged."""
    hervat = sorted(date.fromisoformat(h["data"]["datum"]) for h in zaak.dates("zaak.hervat"))
    raw = []
    for o in sorted(date.fromisoformat(e["data"]["datum"]) for e in zaak.dates("zaak.opgeschort")):
        end = next((h for h in hervat if h >= o), stop)
        lo, hi = max(o, start), min(end, stop)
        if lo <= hi:
            raw.append((lo, hi))
    merged: list[tuple[date, date]] = []
    for lo, hi in raw:
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged
