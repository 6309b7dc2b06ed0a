"""Every figure of the reporting API contract, recomputed from raw events
(docs/domain.md#kpi-definitions)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from math import ceil
from typing import Any

from reference.clocks import besluit, calendar_from, load_config
from reference.zaken import Zaak, build_zaken, known_on

Cell = tuple[str, str, str]  # wet, wijk, periode


def periodes(day: date) -> list[str]:
    return [f"{day:%Y-%m}", f"{day.year}-H{1 if day.month <= 6 else 2}", str(day.year)]


def quantile(values: list[int], p: float) -> int:
    return sorted(values)[max(1, ceil(Decimal(str(p)) * len(values))) - 1]


def pct(numerator: int, n: int) -> float:
    return float((Decimal(100 * numerator) / n).quantize(Decimal("0.1"), ROUND_HALF_UP))


def doorlooptijd(events: Iterable[dict[str, Any]]) -> dict[Cell, dict[str, Any]]:
    return _doorlooptijd_of(build_zaken(events).values())


def doorlooptijd_at(
    events: Iterable[dict[str, Any]], peildatum: date
) -> dict[Cell, dict[str, Any]]:
    """doorlooptijd with only the facts known on the peildatum (docs/domain.md#peildatum): a besluit
    counts in its current version when dated on or before it, the running periode cut there."""
    return _doorlooptijd_of(known_on(z, peildatum) for z in build_zaken(events).values())


def _doorlooptijd_of(zaken: Iterable[Zaak]) -> dict[Cell, dict[str, Any]]:
    config = load_config()
    cal = calendar_from(config)
    durations: dict[Cell, list[int]] = defaultdict(list)
    on_time: dict[Cell, int] = defaultdict(int)
    for zaak in zaken:
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


def _cells(wet: str, wijk: str, day: date) -> list[Cell]:
    return [(wet, w, p) for w in (wijk, "gemeente") for p in periodes(day)]


def _known_zaken(events: Iterable[dict[str, Any]], peildatum: date) -> dict[str, Zaak]:
    """Zaken with an aanmelding known on the peildatum (without one: no wet, no wijk)."""
    zaken = {zaak_id: known_on(z, peildatum) for zaak_id, z in build_zaken(events).items()}
    return {zaak_id: z for zaak_id, z in zaken.items() if "zaak.aangemeld" in z.single}


def _dates(zaak: Zaak, kind: str) -> list[date]:
    return sorted(date.fromisoformat(e["data"]["datum"]) for e in zaak.dates(kind))


def wachttijd(events: Iterable[dict[str, Any]], peildatum: date) -> dict[Cell, dict[str, Any]]:
    """Toegekend besluit (no besluit at all: first toewijzing) -> first zorg.gestart, >= 0."""
    waits: dict[Cell, list[int]] = defaultdict(list)
    for zaak in _known_zaken(events, peildatum).values():
        starts = _dates(zaak, "zorg.gestart")
        if "zaak.besloten" in zaak.single:
            granted = zaak.datum("zaak.besloten")
            if zaak.data("zaak.besloten")["uitkomst"] != "toegekend":
                continue
        else:
            granted = next(iter(_dates(zaak, "zorg.toegewezen")), None)
        if not starts or granted is None:
            continue
        aangemeld = zaak.data("zaak.aangemeld")
        for cell in _cells(aangemeld["wet"], aangemeld.get("wijk", "onbekend"), starts[0]):
            waits[cell].append(max(0, (starts[0] - granted).days))
    return {
        cell: {"n": len(v), "median": quantile(v, 0.5), "p90": quantile(v, 0.9)}
        for cell, v in waits.items()
    }


def sth_opgepakt(events: Iterable[dict[str, Any]], peildatum: date) -> dict[Cell, dict[str, Any]]:
    """STH hulpvragen: first contact on or before the 10th werkdag after, or norm passed."""
    config = load_config()
    cal = calendar_from(config)
    clock = next(c for c in config["clocks"]
                 if c["wet"] == "sth" and c["stop"] == "zaak.eerste-contact")  # fmt: skip
    assert clock["term"]["unit"] == "werkdagen"
    counted: dict[Cell, list[bool]] = defaultdict(list)
    for zaak in _known_zaken(events, peildatum).values():
        aangemeld = zaak.data("zaak.aangemeld")
        if aangemeld["wet"] != "sth":
            continue
        hulpvraag = zaak.datum("zaak.aangemeld")
        assert hulpvraag is not None
        norm = cal.shift(cal.plus_werkdagen(hulpvraag, clock["term"]["amount"]))
        contact = zaak.datum("zaak.eerste-contact")
        if contact is None and peildatum <= norm:
            continue  # the norm day has not passed: left out
        for cell in _cells("sth", aangemeld.get("wijk", "onbekend"), hulpvraag):
            counted[cell].append(contact is not None and contact <= norm)
    return {
        cell: {"n": len(v), "n_binnen_norm": sum(v), "pct": pct(sum(v), len(v))}
        for cell, v in counted.items()
    }


def sth_zonder_verwijzing(
    events: Iterable[dict[str, Any]], peildatum: date
) -> dict[Cell, dict[str, Any]]:
    closed: dict[Cell, list[bool]] = defaultdict(list)
    for zaak in _known_zaken(events, peildatum).values():
        aangemeld = zaak.data("zaak.aangemeld")
        afgesloten = zaak.datum("zaak.afgesloten")
        if aangemeld["wet"] != "sth" or afgesloten is None:
            continue
        for cell in _cells("sth", aangemeld.get("wijk", "onbekend"), afgesloten):
            closed[cell].append(zaak.data("zaak.afgesloten")["verwezen"] is False)
    return {
        cell: {"n": len(v), "n_zonder": sum(v), "pct": pct(sum(v), len(v))}
        for cell, v in closed.items()
    }


def bereik_ondersteuning(
    events: Iterable[dict[str, Any]], peildatum: date
) -> dict[Cell, dict[str, Any]]:
    """Unique households (pseudonym, else the zaak) with a zorg.gestart in the periode."""
    config = load_config()
    households: dict[Cell, set[str]] = defaultdict(set)
    for zaak_id, zaak in _known_zaken(events, peildatum).items():
        aangemeld = zaak.data("zaak.aangemeld")
        household = aangemeld.get("huishouden") or f"zaak {zaak_id}"
        for start in _dates(zaak, "zorg.gestart"):
            for cell in _cells(aangemeld["wet"], aangemeld.get("wijk", "onbekend"), start):
                households[cell].add(household)
    sizes = {w["naam"]: w.get("huishoudens") for w in config["wijken"]}
    sizes["gemeente"] = None if None in sizes.values() else sum(sizes.values())
    figures = {}
    for (wet, wijk, periode), found in households.items():
        size = sizes.get(wijk)
        per_1000 = (
            float((Decimal(1000 * len(found)) / size).quantize(Decimal("0.1"), ROUND_HALF_UP))
            if size
            else None
        )
        figures[wet, wijk, periode] = {"households": len(found), "per_1000": per_1000}
    return figures
