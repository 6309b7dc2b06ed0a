"""bereik vroegsignalering and vroegsignalen recomputed from raw vroegsignaal.* events
(docs/domain.md#kpi-bereik-vroegsignalering, docs/domain.md#kpi-vroegsignalen).

Written from docs/domain.md#corrections, docs/domain.md#vroegsignalering, docs/domain.md#kpis and
docs/kpis.md alone: plain dicts, no shared.core.kpi or
shared.core.domain. Rules: one event per (source, id); a signal (signaal_id) and a resultaat are
corrected by the latest ``time`` (equal times: the greater id); a case opens on its earliest
known signal (ties: smallest signaal_id, for the wijk); only facts dated on or before the
peildatum are known, a corrected one only in its current version.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from math import ceil
from typing import Any

PREFIX = "nl.helmond.sociaaldomein.vroegsignaal."
ACCEPTED = {
    "vervolghulp-en-of-verwijzing-financieel",
    "vervolghulp-en-of-verwijzing-niet-financieel",
}
PARTNERS = ("energie", "huur", "hypotheek", "cak-zorgverzekeringen", "zorg", "water", "duo",
            "belastingdienst", "cak-eigen-bijdrage", "overige", "dienst-toeslagen")  # fmt: skip
Cell = tuple[str, str, str]  # wet, wijk, periode


def _periodes(day: date) -> list[str]:
    return [f"{day:%Y-%m}", f"{day.year}-H{1 if day.month <= 6 else 2}", str(day.year)]


def _cells(wijk: str, day: date) -> list[Cell]:
    return [("wgs", w, p) for w in (wijk, "gemeente") for p in _periodes(day)]


def _rank(event: dict[str, Any]) -> tuple[datetime, str]:
    return datetime.fromisoformat(event["time"].replace("Z", "+00:00")), event["id"]


def _day(event: dict[str, Any]) -> date:
    return date.fromisoformat(event["data"]["datum"])


def _cases(events: Iterable[dict[str, Any]], peildatum: date) -> list[dict[str, Any]]:
    seen: set[tuple[str, str]] = set()
    signals: dict[tuple, dict[tuple, dict]] = defaultdict(dict)  # case -> signaal -> event
    contacts: dict[tuple, list[dict]] = defaultdict(list)
    results: dict[tuple, dict] = {}
    for event in events:
        if (event["source"], event["id"]) in seen or not event["type"].startswith(PREFIX):
            continue
        seen.add((event["source"], event["id"]))
        kind, data = event["type"].removeprefix(PREFIX), event["data"]
        case = (data["huishouden"], data["vroegsignaalzaak_id"])
        if kind == "ontvangen":
            old = signals[case].get(data["signaal_id"])
            if old is None or _rank(event) > _rank(old):
                signals[case][data["signaal_id"]] = event
        elif kind == "contactpoging":
            contacts[case].append(event)
        elif kind == "resultaat" and (case not in results or _rank(event) > _rank(results[case])):
            results[case] = event
    found = []
    for case, by_id in signals.items():
        known = {sid: e for sid, e in by_id.items() if _day(e) <= peildatum}
        if not known:
            continue
        result = results.get(case)
        found.append({
            "signals": known,
            "contacts": [e for e in contacts[case] if _day(e) <= peildatum],
            "resultaat": result["data"]["resultaat"]
            if result and _day(result) <= peildatum else None,
        })  # fmt: skip
    return found


def _pct(numerator: int, n: int) -> float | None:
    if not n:
        return None
    return float((Decimal(100 * numerator) / n).quantize(Decimal("0.1"), ROUND_HALF_UP))


def bereik_vroegsignalering(
    events: Iterable[dict[str, Any]], peildatum: date
) -> dict[Cell, dict[str, Any]]:
    rows: dict[Cell, list[dict[str, Any]]] = defaultdict(list)
    for case in _cases(events, peildatum):
        _, first = min(case["signals"].items(), key=lambda item: (_day(item[1]), item[0]))
        contact_days = sorted(_day(e) for e in case["contacts"])
        row = {
            "contact": bool(contact_days),
            "days": max(0, (contact_days[0] - _day(first)).days) if contact_days else None,
            "bereikt": any(e["data"]["bereikt"] for e in case["contacts"]),
            "geaccepteerd": case["resultaat"] in ACCEPTED,
            "meervoudig": len({e["data"]["signaalpartner"] for e in case["signals"].values()}) > 1,
            "crisis": any(e["data"]["crisis"] for e in case["signals"].values()),
        }
        for cell in _cells(first["data"]["wijk"], _day(first)):
            rows[cell].append(row)
    figures = {}
    for cell, found in rows.items():
        n = len(found)
        counts = {k: sum(r[k] for r in found) for k in ("contact", "bereikt", "geaccepteerd")}
        days = sorted(r["days"] for r in found if r["days"] is not None)
        figures[cell] = {
            "zaken": n,
            "n_contact": counts["contact"],
            "n_bereikt": counts["bereikt"],
            "n_geaccepteerd": counts["geaccepteerd"],
            "median_dagen_tot_contact": days[max(1, ceil(len(days) / 2)) - 1] if days else None,
            "contact_pct": _pct(counts["contact"], n),
            "bereikt_pct": _pct(counts["bereikt"], n),
            "geaccepteerd_pct": _pct(counts["geaccepteerd"], n),
            "n_meervoudig": sum(r["meervoudig"] for r in found),
            "n_crisis": sum(r["crisis"] for r in found),
        }
    return figures


def vroegsignalen(events: Iterable[dict[str, Any]], peildatum: date) -> dict[Cell, dict[str, Any]]:
    figures: dict[Cell, dict[str, Any]] = {}
    for case in _cases(events, peildatum):
        for signal in case["signals"].values():
            data = signal["data"]
            for cell in _cells(data["wijk"], _day(signal)):
                row = figures.setdefault(cell, {"n": 0, "n_crisis": 0} | {
                    "n_" + p.replace("-", "_"): 0 for p in PARTNERS})  # fmt: skip
                row["n"] += 1
                row["n_crisis"] += bool(data["crisis"])
                row["n_" + data["signaalpartner"].replace("-", "_")] += 1
    return figures
