"""The demo vroegsignalering (demo/vroegsignalen.py) in the three forms it is used in.

- ``ddas_deliveries``: what the signaalpartners send: one DDAS v0.9-shaped JSON document per
  signaalpartner type and month, its ``vroegsignalen`` holding Vroegsignaal objects with their
  Client exactly as in the public Uitwisselmodel examples (fake people; a BSN only on zorg
  signals, as housing, energy and water companies usually send none).
- ``outreach_calls``: what the vroegsignalering team records, as one JSON object per API call
  (contactpoging, resultaat), naming the case by the DDAS ID of its first signal, because the
  signals service gives out the vroegsignaalzaak ids.
- ``catalog_events``: the pseudonymised ``vroegsignaal.*`` CloudEvents the signals service
  would publish for the same data (with the same grouping), for the KPI tests and demos
  that do not run that service. docs/demo.md has the formats.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from pydantic import SecretStr

from demo.vroegsignalen import ZORG, PlannedCase, PlannedSignal
from shared.contract.events import CloudEvent, new_event
from shared.core.ddas import SIGNAALPARTNER_TEXT
from shared.core.local_time import AMSTERDAM
from shared.core.pseudonym import Pseudonymiser

SIGNALS_SOURCE = "urn:nld:oin:00000001002220647000:systeem:wijkpuls-signals"
DEMO_KEY = Pseudonymiser(SecretStr("wijkpuls-demo-only-pseudonym-key"), "demo")
"""Only for demo and test events; the signals service uses the configured secret."""
_IDS = uuid.UUID("6f1c2a52-8d0e-4a53-9a57-1f0c6c3e7d10")  # namespace of the demo event ids


def ddas_vroegsignaal(signal: PlannedSignal, *, corrected: bool = False) -> dict[str, Any]:
    """One DDAS Vroegsignaal with its Client (optional Client fields left out when empty)."""
    person, household = signal.person, signal.household
    client: dict[str, Any] = {
        "Voorletters": person.voorletters,
        "Voorvoegsel": person.voorvoegsel,
        "Achternaam": person.achternaam,
        "Geboortedatum": person.geboortedatum.isoformat(),
        "Straatnaam": household.straat,
        "Postcode": household.postcode,
        "Huisnummer": str(household.huisnummer),
        "Huisnummertoevoeging": household.toevoeging,
        "Plaatsnaam": "Helmond",
    }
    if signal.signaalpartner in ZORG:
        client = {"Burgerservicenummer": person.bsn, **client}
    bedrag = signal.corrected_bedrag if corrected else signal.bedrag
    return {
        "ID": signal.signaal_id,
        "crisissignaal": signal.crisis,
        "warmeOverdracht": False,
        "bedrag": bedrag,
        "ontstaansdatum": signal.ontstaansdatum.isoformat(),
        "signaaldatum": signal.signaaldatum.isoformat(),
        "status": "Nog niet opgepakt",
        "signaalpartner": {"type": SIGNAALPARTNER_TEXT[signal.signaalpartner]},
        "client": {k: v for k, v in client.items() if v},
    }


GEMEENTECODE = "0794"  # Helmond (CBS), as in shared/config/domain.yaml


def ddas_deliveries(cases: list[PlannedCase]) -> dict[str, dict[str, Any]]:
    """File name -> delivery: per signaalpartner type and month of the signaaldatum.

    A corrected signal is delivered again, with its corrected bedrag, in a later file
    (``-correctie``) of the same partner and month.
    """
    grouped: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for signal in sorted((s for c in cases for s in c.signals), key=lambda s: s.signaal_id):
        month = f"{signal.signaaldatum:%Y-%m}"
        grouped[signal.signaalpartner.value, month].append(ddas_vroegsignaal(signal))
        if signal.corrected_bedrag is not None:
            grouped[signal.signaalpartner.value, month + "-correctie"].append(
                ddas_vroegsignaal(signal, corrected=True)
            )
    # The Uitwisselmodel's shape, which the signals service reads: leveringen[].vroegsignalen[]
    # (each Vroegsignaal names its own signaalpartner).
    return {
        f"{partner}-{month}.json": {
            "leveringen": [{"teller": 1, "gemeentecode": GEMEENTECODE, "vroegsignalen": signals}]
        }
        for (partner, month), signals in sorted(grouped.items())
    }


def outreach_calls(cases: list[PlannedCase]) -> Iterator[dict[str, Any]]:
    """One JSON object per call of the signals service's outreach endpoints, by date."""
    calls: list[dict[str, Any]] = []
    for case in cases:
        first = case.signals[0].signaal_id
        for contact in case.contacts:
            calls.append(
                {
                    "call": "contactpoging",
                    "signaal_id": first,
                    "datum": contact.datum.isoformat(),
                    "soort": contact.soort.value,
                    "dagdeel": contact.dagdeel.value,
                    "bereikt": contact.bereikt,
                }
            )
        if case.resultaat is not None:
            day, result = case.resultaat
            if case.corrected_from is not None:
                calls.append(
                    {
                        "call": "resultaat",
                        "signaal_id": first,
                        "datum": day.isoformat(),
                        "resultaat": case.corrected_from.value,
                    }
                )
            calls.append(
                {
                    "call": "resultaat",
                    "signaal_id": first,
                    "datum": day.isoformat(),
                    "resultaat": result.value,
                }
            )
    yield from sorted(calls, key=lambda c: (c["datum"], c["signaal_id"]))


def catalog_events(
    cases: list[PlannedCase], pseudonymiser: Pseudonymiser = DEMO_KEY
) -> list[CloudEvent]:
    """The pseudonymised vroegsignaal.* events of every case, in the order they happened.

    ``time`` is when the event was logged: its business date, during office hours; a
    correction is logged a few days later, so it wins by the correction rule.
    """
    events: list[tuple[datetime, CloudEvent]] = []

    def emit(kind: str, day: date, data: dict[str, Any], name: str, late: int = 0) -> None:
        at = _logged(day, late, len(events))
        made = new_event(
            kind,
            {"datum": day.isoformat(), **data},
            source=SIGNALS_SOURCE,
            event_id=str(uuid.uuid5(_IDS, name)),
            time=at,
        )
        events.append((at, made))

    for case in cases:
        h = case.household
        base = {
            "huishouden": pseudonymiser.huishouden(h.postcode, h.huisnummer, h.toevoeging),
            "vroegsignaalzaak_id": case.case_id,
        }
        for s in case.signals:
            data = {
                **base,
                "signaal_id": s.signaal_id,
                "signaalpartner": s.signaalpartner.value,
                "bedrag": s.bedrag,
                "crisis": s.crisis,
                "wijk": h.wijk,
            }
            emit("vroegsignaal.ontvangen", s.signaaldatum, data, s.signaal_id)
            if s.corrected_bedrag is not None:
                emit(
                    "vroegsignaal.ontvangen",
                    s.signaaldatum,
                    {**data, "bedrag": s.corrected_bedrag},
                    s.signaal_id + "/2",
                    late=3,
                )
        for i, c in enumerate(case.contacts):
            emit(
                "vroegsignaal.contactpoging",
                c.datum,
                {**base, "soort": c.soort.value, "dagdeel": c.dagdeel.value, "bereikt": c.bereikt},
                f"{case.case_id}/contact/{i}",
            )
        if case.resultaat is not None:
            day, result = case.resultaat
            name = f"{case.case_id}/resultaat"
            if case.corrected_from is not None:
                emit(
                    "vroegsignaal.resultaat",
                    day,
                    {**base, "resultaat": case.corrected_from.value},
                    name,
                )
                name, late = name + "/2", 2
            else:
                late = 0
            emit("vroegsignaal.resultaat", day, {**base, "resultaat": result.value}, name, late)
    return [event for _, event in sorted(events, key=lambda pair: pair[0])]


def _logged(day: date, late_days: int, n: int) -> datetime:
    """Office hours in Europe/Amsterdam; ``n`` spreads the minutes so times rarely tie."""
    local = datetime.combine(day + timedelta(days=late_days), time(9), AMSTERDAM)
    return local + timedelta(minutes=n % 480)
