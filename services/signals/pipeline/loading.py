"""One batch of delivered rows -> vault rows and the events to publish (synchronous).

Runs in a worker thread (``pipeline``): validation, pseudonymisation, case assignment and the
vault write of a batch happen in one transaction. Identity goes into the vault encrypted;
what the events get is pseudonyms and the wijk, derived here before the postcode is dropped.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import islice

from sqlalchemy import Connection, insert, select, update

from services.signals.pipeline import events
from services.signals.pipeline.sources import Row
from services.signals.rules.cases import CaseSpan, Open, assign, new_case_id
from services.signals.rules.validation import ValidSignal, validate_row
from services.signals.vault.event_households import event_household
from services.signals.vault.schema import cases, delivery_problems, signals
from services.signals.vault.vault_context import SignalsCore
from shared.contract.events import CloudEvent
from shared.core.ddas import Signaalpartner

DUPLICATE_REASON = "this signal (signaalpartner + ID) was delivered before; not loaded again"


@dataclass
class BatchOutcome:
    rows: int = 0
    accepted: int = 0
    rejected: int = 0
    duplicates: int = 0
    events: list[CloudEvent] = field(default_factory=list)
    signal_ids: list[int] = field(default_factory=list)  # vault ids to mark published


def load_batch(
    core: SignalsCore,
    rows: Iterator[Row],
    delivery_id: str,
    today: date,
    allowed: Collection[Signaalpartner],
    labels: dict[str, str],
) -> BatchOutcome:
    out = BatchOutcome()
    with core.engine.begin() as conn:
        problems = []
        for number, raw in islice(rows, core.batch_size):
            out.rows += 1
            found = validate_row(raw, number, today, allowed)
            if isinstance(found, list):
                out.rejected += 1
                problems += [
                    _problem(delivery_id, p.row, labels.get(p.field, p.field), p.reason, "rejected")
                    for p in found
                ]
                continue
            stored = _store(conn, core, found, delivery_id)
            if stored is None:
                out.duplicates += 1
                problems.append(_problem(delivery_id, number, labels.get("signaal_id", "ID"),
                                         DUPLICATE_REASON, "duplicate"))  # fmt: skip
                continue
            out.accepted += 1
            out.signal_ids.append(stored[0])
            out.events.append(stored[1])
        if problems:
            conn.execute(insert(delivery_problems), problems)
    return out


def _problem(delivery_id: str, row: int, field: str, reason: str, kind: str) -> dict[str, object]:
    return {"delivery_id": delivery_id, "row": row, "field": field, "reason": reason, "kind": kind}


def _store(
    conn: Connection, core: SignalsCore, signal: ValidSignal, delivery_id: str
) -> tuple[int, CloudEvent] | None:
    """The new vault row's id and its event; None for a signal that was delivered before."""
    partner = signal.signaalpartner.value
    known = conn.execute(
        select(signals.c.published).where(
            signals.c.signaalpartner == partner, signals.c.signaal_id == signal.signaal_id
        )
    ).first()
    if known is not None:
        return None
    who = signal.identity
    pseudonymiser = core.pseudonymiser
    huishouden = pseudonymiser.huishouden(who.postcode, who.huisnummer, who.toevoeging)
    case_id, wijk = _case_for(conn, core, huishouden, signal, partner)
    event_id = events.signal_event_id(partner, signal.signaal_id)
    row = {
        "signaalpartner": partner,
        "signaal_id": signal.signaal_id,
        "signaal_pseudonym": pseudonymiser.signaal(partner, signal.signaal_id),
        "event_id": event_id,
        "published": False,
        "delivery_id": delivery_id,
        "case_id": case_id,
        "huishouden": huishouden,
        "persoon": _persoon(core, signal),
        "key_version": pseudonymiser.key_version,
        "wijk": wijk,
        "signaaldatum": signal.signaaldatum,
        "ontstaansdatum": signal.ontstaansdatum,
        "bedrag": signal.bedrag,
        "crisis": signal.crisis,
        "warme_overdracht": signal.warme_overdracht,
        "identity": core.cipher.encrypt(who),
        "received_at": datetime.now(UTC),
    }
    new_id = conn.execute(insert(signals).values(row)).inserted_primary_key
    assert new_id is not None
    # After a key rotation an open zaak's events keep its earlier household pseudonym.
    carried = {**row, "huishouden": event_household(conn, case_id) or huishouden}
    return int(new_id[0]), events.ontvangen(core.source, event_id, carried)


def _persoon(core: SignalsCore, signal: ValidSignal) -> str | None:
    """The person from the BSN where there is one, else from name, birth date and address."""
    who = signal.identity
    if who.bsn is not None:
        return core.pseudonymiser.person_from_bsn(who.bsn)
    if who.achternaam is not None and who.geboortedatum is not None:
        return core.pseudonymiser.person_from_identity(
            who.achternaam, who.geboortedatum, who.postcode, who.huisnummer, who.toevoeging
        )
    return None


def _case_for(
    conn: Connection, core: SignalsCore, huishouden: str, signal: ValidSignal, partner: str
) -> tuple[str, str]:
    """The case this signal joins or opens (cases.py decides), and the case's wijk."""
    window = core.window_months
    existing = conn.execute(
        select(cases.c.id, cases.c.start, cases.c.wijk).where(cases.c.huishouden == huishouden)
    ).all()
    spans = [CaseSpan(c.id, c.start) for c in existing]
    decision = assign(spans, signal.signaaldatum, window)
    if isinstance(decision, Open):
        case_id = new_case_id(huishouden, f"{partner}|{signal.signaal_id}")
        wijk = core.domain.wijk_for_postcode(signal.identity.postcode)
        span = CaseSpan(case_id, decision.start)
        conn.execute(
            insert(cases).values(
                id=case_id, huishouden=huishouden, key_version=core.pseudonymiser.key_version,
                wijk=wijk, start=span.start, einde=span.einde(window),
                matchingsdatum=datetime.now(UTC).date(),
            )
        )  # fmt: skip
        return case_id, wijk
    current = next(c for c in existing if c.id == decision.case_id)
    if decision.start != current.start:  # a late, earlier signal re-anchors the period
        span = CaseSpan(decision.case_id, decision.start)
        conn.execute(
            update(cases)
            .where(cases.c.id == decision.case_id)
            .values(start=span.start, einde=span.einde(window))
        )
    return decision.case_id, current.wijk
