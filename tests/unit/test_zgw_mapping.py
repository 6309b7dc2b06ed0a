"""ZGW zaak state -> catalog events (pure), with the payloads of tests/data/zgw."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from services.intake.zgw.mapping import derive, wijk_of
from services.intake.zgw.models import (
    AuditEntry,
    Besluit,
    Notificatie,
    Resultaat,
    Status,
    Zaak,
    ZaakSnapshot,
    ZaakState,
)
from services.intake.zgw.moves import duration_days
from services.intake.zgw.notifications import relevant
from shared.contract.events import CloudEvent
from shared.core.domain_config import DomainConfig
from shared.platform.settings import get_domain_config

DATA = Path(__file__).resolve().parents[1] / "data" / "zgw"
SOURCE = "urn:nld:oin:00000001002220647000:systeem:openzaak"
SEEN = datetime(2026, 3, 2, 8, 47, 12, tzinfo=UTC)
CATALOGI = "https://catalogi.helmond.example/catalogi/api/v1"
STH = f"{CATALOGI}/zaaktypen/924862ec-00f0-51e7-ad38-69acc5102c55"
VERWEZEN = f"{CATALOGI}/resultaattypen/3b82c3d6-1516-5ab8-96e7-ca2562df9e8f"
TOEKENNING = f"{CATALOGI}/besluittypen/6b23cf36-fc15-5db5-bcb0-dc1188a1b69a"
ONDERZOEK_AFGEROND = f"{CATALOGI}/statustypen/5386c330-1684-5a8e-9c4f-b25607a71902"


def payload(name: str) -> Any:
    return json.loads((DATA / name).read_text())


def zaak(**changes: Any) -> Zaak:
    return Zaak.model_validate({**payload("zaak.json"), **changes})


@pytest.fixture(scope="module")
def domain() -> DomainConfig:
    return get_domain_config()


def run(
    snap: ZaakSnapshot,
    domain: DomainConfig,
    previous: ZaakState | None = None,
    seen: datetime = SEEN,
    moves: str = "audittrail",
) -> tuple[list[CloudEvent], ZaakState, dict[str, list[str]]]:
    derived = derive(snap, previous, domain, source=SOURCE, observed_at=seen, moves=moves)  # type: ignore[arg-type]
    assert derived is not None
    return derived.events, derived.state, derived.refused


def by_type(events: list[CloudEvent]) -> dict[str, dict[str, Any]]:
    return {
        e.type.removeprefix("nl.helmond.sociaaldomein."): e.data.model_dump(
            mode="json", exclude_none=True
        )
        for e in events
    }


def test_a_new_zaak_is_aangemeld_with_wet_soort_and_wijk_from_configuration(domain):
    events, state, refused = run(ZaakSnapshot(zaak()), domain)
    assert refused == {}
    [event] = events
    assert event.type == "nl.helmond.sociaaldomein.zaak.aangemeld"
    assert (event.source, event.subject, event.time) == (SOURCE, "ZAAK-2026-0000000101", SEEN)
    assert event.data.model_dump(mode="json", exclude_none=True) == {
        "zaak_id": "ZAAK-2026-0000000101",
        "datum": "2026-03-02",
        "wet": "wmo",
        "soort": "melding",
        "wijk": "Brouwhuis",
        "crisis": False,
    }
    assert state.open and not state.opgeschort


def test_a_zaaktype_that_is_not_configured_is_not_ours(domain):
    other = zaak(zaaktype=f"{CATALOGI}/zaaktypen/00000000-0000-4000-8000-000000000000")
    assert (
        derive(ZaakSnapshot(other), None, domain, source=SOURCE, observed_at=SEEN, moves="state")
        is None
    )


@pytest.mark.parametrize(
    ("kenmerken", "wijk"),
    [
        ([{"kenmerk": "brouwhuis", "bron": "wijkpuls-wijk"}], "Brouwhuis"),
        ([{"kenmerk": "WK079412", "bron": "wijkpuls-wijk"}], "Brandevoort"),
        ([{"kenmerk": "Atlantis", "bron": "wijkpuls-wijk"}], "onbekend"),
        ([{"kenmerk": "Brouwhuis", "bron": "ander-systeem"}], "onbekend"),
        ([], "onbekend"),
    ],
)
def test_wijk_comes_from_the_configured_kenmerk_or_is_onbekend(domain, kenmerken, wijk):
    assert wijk_of(zaak(kenmerken=kenmerken), domain.zgw.wijk_kenmerk_bron, domain) == wijk


def test_the_same_state_gives_the_same_ids_whenever_it_is_seen(domain):
    first, _, _ = run(ZaakSnapshot(zaak()), domain, seen=SEEN)
    again, _, _ = run(ZaakSnapshot(zaak()), domain, seen=datetime(2026, 5, 1, tzinfo=UTC))
    assert [e.id for e in first] == [e.id for e in again]


def test_a_corrected_registratiedatum_is_a_new_fact(domain):
    first, _, _ = run(ZaakSnapshot(zaak()), domain)
    corrected, _, _ = run(ZaakSnapshot(zaak(registratiedatum="2026-02-27")), domain)
    assert first[0].id != corrected[0].id
    assert corrected[0].data.datum == date(2026, 2, 27)


def test_audit_trail_dates_opschorting_hervatting_and_verlenging(domain):
    audit = [AuditEntry.model_validate(a) for a in payload("audittrail.json")]
    events, _, refused = run(ZaakSnapshot(zaak(), audit=audit), domain)
    assert refused == {}
    got = [(e.type.rsplit(".", 1)[1], e.data.model_dump(mode="json")) for e in events]
    assert [kind for kind, _ in got] == ["aangemeld", "opgeschort", "hervat", "verdaagd"]
    # 2026-03-09T23:30Z is already 10 March in Helmond
    assert got[1][1] == {"zaak_id": "ZAAK-2026-0000000101", "datum": "2026-03-10", "reden": None}
    assert got[2][1]["datum"] == "2026-03-24"
    assert got[3][1] == {"zaak_id": "ZAAK-2026-0000000101", "datum": "2026-03-24", "dagen": 28}
    assert events[1].time == audit[1].aanmaakdatum  # logged when it was done, not when seen
    again, _, _ = run(
        ZaakSnapshot(zaak(), audit=list(reversed(audit))), domain, seen=datetime.now(UTC)
    )
    assert [e.id for e in again] == [e.id for e in events]


def test_an_unreadable_audit_trail_gives_no_moves_now_and_all_of_them_later(domain):
    paused = zaak(opschorting={"indicatie": True, "reden": ""})
    events, _, _ = run(ZaakSnapshot(paused, audit=None), domain)
    assert list(by_type(events)) == ["zaak.aangemeld"]


def test_without_audit_trail_changes_are_dated_when_noticed(domain):
    paused = zaak(opschorting={"indicatie": True, "reden": "Wacht op gegevens"})
    noticed = datetime(2026, 3, 10, 7, 0, tzinfo=UTC)
    events, state, _ = run(ZaakSnapshot(paused), domain, seen=noticed, moves="state")
    assert by_type(events)["zaak.opgeschort"] == {
        "zaak_id": "ZAAK-2026-0000000101",
        "datum": "2026-03-10",
    }
    assert (state.opgeschort, state.opschortingen) == (True, 1)

    same, state_again, _ = run(ZaakSnapshot(paused), domain, previous=state, moves="state")
    assert "zaak.opgeschort" not in by_type(same)
    assert state_again.opschortingen == 1

    resumed = zaak(verlenging={"reden": "", "duur": "P14D"})
    later = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
    events, state, _ = run(ZaakSnapshot(resumed), domain, previous=state, seen=later, moves="state")
    kinds = by_type(events)
    assert kinds["zaak.hervat"]["datum"] == "2026-03-20"
    assert kinds["zaak.verdaagd"]["dagen"] == 14
    paused_again, _, _ = run(ZaakSnapshot(paused), domain, previous=state, moves="state")
    opschortingen = [e for e in paused_again if e.type.endswith("opgeschort")]
    first = [
        e
        for e in run(ZaakSnapshot(paused), domain, moves="state")[0]
        if e.type.endswith("opgeschort")
    ]
    assert opschortingen[0].id != first[0].id  # a second opschorting is a second fact


def test_a_longer_verlenging_adds_only_the_difference(domain):
    state = ZaakState(url=zaak().url, verlenging_dagen=14)
    events, after, _ = run(
        ZaakSnapshot(zaak(verlenging={"reden": "", "duur": "P4W"})),
        domain,
        previous=state,
        moves="state",
    )
    assert by_type(events)["zaak.verdaagd"]["dagen"] == 14
    assert after.verlenging_dagen == 28


def test_a_verlenging_in_months_is_refused_not_guessed(domain):
    audit = [AuditEntry.model_validate(a) for a in payload("audittrail.json")]
    months = {"oud": {}, "nieuw": {"verlenging": {"reden": "", "duur": "P1M"}}}
    audit[2] = AuditEntry.model_validate({**payload("audittrail.json")[2], "wijzigingen": months})
    events, _, refused = run(ZaakSnapshot(zaak(), audit=audit), domain)
    assert "zaak.verdaagd" not in by_type(events)
    assert refused == {"zaak.verdaagd": ["duur_not_in_days"]}


@pytest.mark.parametrize(
    ("duur", "days"),
    [
        ("P14D", 14),
        ("P2W", 14),
        ("P1W3D", 10),
        ("P0D", 0),
        ("P1M", None),
        ("P1Y", None),
        ("PT12H", None),
        ("P", None),
        ("14", None),
        (None, None),
    ],
)
def test_iso_durations_in_days(duur, days):
    assert duration_days(duur) == days


def test_the_first_status_of_a_mapped_statustype_dates_its_event(domain):
    status = Status.model_validate(payload("status.json"))
    later = status.model_copy(
        update={"url": status.url + "x", "datum_status_gezet": datetime(2026, 4, 9, tzinfo=UTC)}
    )
    unmapped = status.model_copy(update={"statustype": f"{CATALOGI}/statustypen/other"})
    events, _, _ = run(ZaakSnapshot(zaak(), statussen=[later, unmapped, status]), domain)
    assert by_type(events)["zaak.onderzoek-afgerond"] == {
        "zaak_id": "ZAAK-2026-0000000101",
        "datum": "2026-04-07",
    }
    assert len(events) == 2


def test_the_first_besluit_gives_zaak_besloten_with_the_configured_uitkomst(domain):
    afwijzing = Besluit.model_validate(payload("besluit.json"))
    herziening = afwijzing.model_copy(
        update={"url": afwijzing.url + "2", "datum": date(2026, 5, 1), "besluittype": TOEKENNING}
    )
    elsewhere = afwijzing.model_copy(
        update={"zaak": afwijzing.zaak + "0", "datum": date(2026, 4, 1)}
    )
    events, _, _ = run(ZaakSnapshot(zaak(), besluiten=[herziening, elsewhere, afwijzing]), domain)
    assert by_type(events)["zaak.besloten"] == {
        "zaak_id": "ZAAK-2026-0000000101",
        "datum": "2026-04-21",
        "uitkomst": "afgewezen",
    }
    unlisted = afwijzing.model_copy(update={"besluittype": f"{CATALOGI}/besluittypen/unlisted"})
    events, _, _ = run(ZaakSnapshot(zaak(), besluiten=[unlisted]), domain)
    assert by_type(events)["zaak.besloten"]["uitkomst"] == "toegekend"  # besluit_uitkomst


def test_an_sth_zaak_with_einddatum_is_afgesloten_verwezen_by_resultaattype(domain):
    closed = zaak(zaaktype=STH, einddatum="2026-06-30", resultaat=payload("resultaat.json")["url"])
    resultaat = Resultaat.model_validate(payload("resultaat.json"))
    events, state, _ = run(ZaakSnapshot(closed, resultaat=resultaat), domain)
    assert by_type(events)["zaak.afgesloten"] == {
        "zaak_id": "ZAAK-2026-0000000101",
        "datum": "2026-06-30",
        "verwezen": True,
    }
    assert not state.open
    other = resultaat.model_copy(update={"resultaattype": f"{CATALOGI}/resultaattypen/afgerond"})
    events, _, _ = run(ZaakSnapshot(closed, resultaat=other), domain)
    assert by_type(events)["zaak.afgesloten"]["verwezen"] is False


def test_a_wmo_zaak_with_einddatum_is_closed_without_a_zaak_afgesloten(domain):
    events, state, _ = run(ZaakSnapshot(zaak(einddatum="2026-06-30")), domain)
    assert list(by_type(events)) == ["zaak.aangemeld"] and not state.open


def test_an_identificatie_that_could_be_a_bsn_is_refused_not_published(domain):
    events, _, refused = run(ZaakSnapshot(zaak(identificatie="111222333")), domain)
    assert events == []
    assert refused == {"zaak.aangemeld": ["bsn_not_allowed"]}


def test_which_notifications_are_worth_a_look(domain):
    base = payload("notificatie-zaak.json")

    def note(**changes: Any) -> Notificatie:
        return Notificatie.model_validate({**base, **changes})

    assert relevant(note(), domain.zgw)
    assert relevant(note(resource="status", actie="create"), domain.zgw)
    assert not relevant(note(resource="rol"), domain.zgw)
    assert not relevant(note(actie="destroy"), domain.zgw)
    assert not relevant(note(kenmerken={"zaaktype": f"{CATALOGI}/zaaktypen/other"}), domain.zgw)
    assert not relevant(note(kanaal="test"), domain.zgw)  # Open Notificaties' own check
    assert relevant(Notificatie.model_validate(payload("notificatie-besluit.json")), domain.zgw)
