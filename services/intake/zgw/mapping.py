"""A zaak's ZGW state -> catalog events. Pure (no HTTP, Redis or Kafka): every rule is a unit test.

Ids are uuid5 over what identifies the fact: the resource URL and what it says (or the audit
line that changed it). The same fact derived twice - a notification that came twice, a
reconciliation after a notification - is the same (source, id), a duplicate and not a second
fact; a changed fact (a corrected registratiedatum) gets a new id and, logged later, replaces
the old one (docs/domain.md#corrections). docs/adapters.md (ZGW) has the table.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from services.intake.zgw.models import Besluit, Status, Zaak, ZaakSnapshot, ZaakState
from services.intake.zgw.moves import Fact, audit_moves, local_date, state_moves
from shared.contract.events import CloudEvent, EventValidationError, new_event
from shared.core.domain_config import ONBEKEND, DomainConfig, ZgwZaaktype

ID_NAMESPACE = uuid.UUID("5f0c8a52-7d4e-5b1a-9c3e-2a6b8d0e4f17")
Moves = Literal["audittrail", "state"]


@dataclass(frozen=True)
class Derived:
    events: list[CloudEvent]
    state: ZaakState
    refused: dict[str, list[str]] = field(default_factory=dict)  # type -> problem types


def wijk_of(zaak: Zaak, bron: str | None, domain: DomainConfig) -> str:
    """The wijk a configured kenmerk names (wijk name or CBS code), else ``onbekend``."""
    kenmerk = next((k.kenmerk for k in zaak.kenmerken if bron and k.bron == bron), None)
    if kenmerk is None:
        return ONBEKEND
    by_code = {w.cbs_code.upper(): w.naam for w in domain.wijken if w.cbs_code}
    return by_code.get(kenmerk.strip().upper()) or domain.resolve_wijk(kenmerk)


def derive(
    snap: ZaakSnapshot,
    previous: ZaakState | None,
    domain: DomainConfig,
    *,
    source: str,
    observed_at: datetime,
    moves: Moves,
) -> Derived | None:
    """Every catalog fact the snapshot shows (None: not a sociaal-domein zaaktype)."""
    zaak = snap.zaak
    zaaktype = domain.zgw.zaaktype(zaak.zaaktype)
    if zaaktype is None:
        return None
    facts = [_aangemeld(zaak, zaaktype, domain, observed_at)]
    noticed, state = state_moves(zaak, previous or ZaakState(url=zaak.url), observed_at)
    unmappable = False
    if moves == "state":
        facts += noticed
    elif snap.audit is not None:  # None: not readable now; a later look catches up
        audited, unmappable = audit_moves(zaak.url, snap.audit)
        facts += audited
    facts += _statussen(zaak.url, zaaktype, snap.statussen, observed_at)
    facts += _besluit(zaak.url, snap.besluiten, domain, observed_at)
    if zaaktype.afsluiten and zaak.einddatum is not None:
        resultaattype = snap.resultaat.resultaattype if snap.resultaat else None
        verwezen = resultaattype in zaaktype.verwezen_resultaattypen
        data = {"datum": zaak.einddatum, "verwezen": verwezen}
        facts.append(_fact(zaak.url, "zaak.afgesloten", data, observed_at))
    facts.sort(key=lambda f: (f.type_name != "zaak.aangemeld", str(f.data["datum"]), f.time))
    events, refused = _build(facts, zaak.identificatie, source)
    if unmappable:
        refused["zaak.verdaagd"] = ["duur_not_in_days"]
    return Derived(events, state.model_copy(update={"open": zaak.einddatum is None}), refused)


def _fact(url: str, type_name: str, data: dict[str, Any], time: datetime) -> Fact:
    """A fact the current state shows; its id covers the resource and everything it says."""
    canonical = json.dumps(data, sort_keys=True, default=str)
    return Fact(type_name, data, (url, type_name, canonical), time)


def _aangemeld(zaak: Zaak, zaaktype: ZgwZaaktype, domain: DomainConfig, time: datetime) -> Fact:
    data = {
        "datum": zaak.registratiedatum or zaak.startdatum,
        "wet": zaaktype.wet.value,
        "soort": zaaktype.soort,
        "wijk": wijk_of(zaak, domain.zgw.wijk_kenmerk_bron, domain),
        "crisis": zaaktype.crisis,
    }
    return _fact(zaak.url, "zaak.aangemeld", data, time)


def _statussen(
    zaak_url: str, zaaktype: ZgwZaaktype, statussen: Sequence[Status], time: datetime
) -> list[Fact]:
    """The first status of each mapped statustype dates its event; a later one changes nothing."""
    first: dict[str, Status] = {}
    for status in sorted(statussen, key=lambda s: (s.datum_status_gezet, s.url)):
        kind = zaaktype.statustypen.get(status.statustype)
        if kind is not None and status.zaak == zaak_url:
            first.setdefault(kind, status)
    return [
        _fact(s.url, kind, {"datum": local_date(s.datum_status_gezet)}, time)
        for kind, s in first.items()
    ]


def _besluit(
    zaak_url: str, besluiten: Sequence[Besluit], domain: DomainConfig, time: datetime
) -> list[Fact]:
    """The first besluit stops the clock; a later one (a herziening) does not move it."""
    own = sorted((b for b in besluiten if b.zaak == zaak_url), key=lambda b: (b.datum, b.url))
    if not own:
        return []
    data = {"datum": own[0].datum, "uitkomst": domain.zgw.uitkomst(own[0].besluittype)}
    return [_fact(own[0].url, "zaak.besloten", data, time)]


def event_id(key: tuple[str, ...]) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, "\x1f".join(key)))


def _build(
    facts: list[Fact], zaak_id: str, source: str
) -> tuple[list[CloudEvent], dict[str, list[str]]]:
    events, refused = [], {}
    for fact in facts:
        data = {"zaak_id": zaak_id, **{k: _json(v) for k, v in fact.data.items()}}
        try:
            event = new_event(
                fact.type_name,
                data,
                source=source,
                event_id=event_id(fact.key),
                time=fact.time,
                subject=zaak_id,
            )
        except EventValidationError as exc:  # e.g. an identificatie that could be a BSN
            refused[fact.type_name] = sorted({p["type"] for p in exc.problems})
            continue
        events.append(event)
    return events, refused


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value
