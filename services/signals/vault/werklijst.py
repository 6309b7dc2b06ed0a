"""The werklijst: open vroegsignaalzaken per wijk in priority order, with who to contact.

The only place the vault's identity is decrypted. The routes that call it are authorised
for the vroegsignalering role and write every call to the access log.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict
from typing import Any

from sqlalchemy import select

from services.signals.rules.cases import CaseSignal, CaseSpan, summarise
from services.signals.rules.priority import Ranked
from services.signals.vault.schema import cases, contactpogingen, signals
from services.signals.vault.vault_context import SignalsCore
from shared.core.ddas import Signaalpartner
from shared.platform.api_rules import Page, SortKey, page_of

CURSOR_SHAPE = (int, int, float, str, str)


def open_cases(
    core: SignalsCore, wijk: str | None, limit: int, after: SortKey | None = None
) -> Page[dict[str, Any]]:
    """One page of the werklijst in priority order (rules/priority.py), after the key of a
    cursor; identity is decrypted for the served page only."""
    query = select(signals, cases.c.start, cases.c.datum_opgepakt).join(cases)
    query = query.where(cases.c.resultaat.is_(None))
    if wijk:
        query = query.where(cases.c.wijk == wijk)
    by_case: dict[str, list[Any]] = defaultdict(list)
    with core.engine.connect() as conn:
        for row in conn.execute(query).mappings():
            by_case[row["case_id"]].append(row)
    ranked = [
        Ranked(case_id, rows[0]["wijk"], summarise([_case_signal(r) for r in rows]))
        for case_id, rows in by_case.items()
    ]
    page = page_of(ranked, page_key, limit, after)
    entries = [_entry(core, r, by_case[r.case_id]) for r in page.items]
    return Page(entries, page.total, page.next_key)


def page_key(item: Ranked) -> SortKey:
    """priority_key as JSON-able parts: crisis, meervoudig, larger bedrag, older, case id."""
    s = item.summary
    return (int(not s.crisis), int(not s.meervoudig), -s.bedrag, s.eerste_signaal.isoformat(),
            item.case_id)  # fmt: skip


def case_detail(core: SignalsCore, case_id: str) -> dict[str, Any] | None:
    with core.engine.connect() as conn:
        case = conn.execute(select(cases).where(cases.c.id == case_id)).mappings().first()
        if case is None:
            return None
        rows = list(
            conn.execute(
                select(signals, cases.c.start, cases.c.datum_opgepakt)
                .join(cases)
                .where(signals.c.case_id == case_id)
            ).mappings()
        )
        attempts = conn.execute(
            select(contactpogingen).where(contactpogingen.c.case_id == case_id)
        ).mappings()
        pogingen = [
            {k: _plain(attempt[k]) for k in ("datum", "soort", "dagdeel", "bereikt", "recorded_by")}
            for attempt in attempts
        ]
    summary = summarise([_case_signal(r) for r in rows])
    entry = _entry(core, Ranked(case_id, case["wijk"], summary), rows)
    entry["huishouden"] = case["huishouden"]  # the pseudonym, for the access log and the page
    entry["resultaat"] = case["resultaat"]
    entry["resultaat_datum"] = _plain(case["resultaat_datum"])
    entry["contactpogingen"] = pogingen
    return entry


def _case_signal(row: Any) -> CaseSignal:
    partner = Signaalpartner(row["signaalpartner"])
    return CaseSignal(partner, row["signaaldatum"], row["bedrag"], row["crisis"])


def _entry(core: SignalsCore, ranked: Ranked, rows: list[Any]) -> dict[str, Any]:
    s, window = ranked.summary, core.window_months
    span = CaseSpan(ranked.case_id, rows[0]["start"])
    return {
        "vroegsignaalzaak_id": ranked.case_id,
        "wijk": ranked.wijk,
        "crisis": s.crisis,
        "meervoudig": s.meervoudig,
        "bedrag": s.bedrag,
        "eerste_signaal": s.eerste_signaal.isoformat(),
        "matchingperiode": {
            "start": span.start.isoformat(),
            "einde": span.einde(window).isoformat(),
        },
        "datum_opgepakt": _plain(rows[0]["datum_opgepakt"]),
        "signalen": [_signal(core, r) for r in sorted(rows, key=lambda r: r["signaaldatum"])],
    }


def _signal(core: SignalsCore, row: Any) -> dict[str, Any]:
    identity = {k: _plain(v) for k, v in asdict(core.cipher.decrypt(row["identity"])).items()}
    return {
        "signaalpartner": row["signaalpartner"],
        "signaal_id": row["signaal_id"],
        "signaaldatum": row["signaaldatum"].isoformat(),
        "ontstaansdatum": _plain(row["ontstaansdatum"]),
        "bedrag": row["bedrag"],
        "crisis": row["crisis"],
        "warme_overdracht": row["warme_overdracht"],
        "client": {k: v for k, v in identity.items() if v is not None},
    }


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value
