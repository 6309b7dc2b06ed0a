"""The CloudEvents envelope: NL GOV attributes, the subject rule, keys and serialisation."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from shared.contract.events import (
    EVENT_CLASSES,
    EventValidationError,
    new_event,
    parse_stored_event,
)
from shared.contract.events.examples import HUISHOUDEN, OMIT, TEST_BSN, example_event
from shared.contract.events.zaak import Besloten, Uitkomst


def problems(raw: object) -> list[tuple[str, str]]:
    with pytest.raises(EventValidationError) as caught:
        parse_stored_event(raw)
    return [(p["field"], p["type"]) for p in caught.value.problems]


@pytest.mark.parametrize("attribute", ["specversion", "id", "source", "time", "data"])
def test_required_attributes_are_named_when_missing(attribute: str) -> None:
    assert problems(example_event("zaak.hervat", **{attribute: OMIT})) == [(attribute, "missing")]


def test_a_missing_or_unknown_type_is_reported_on_type() -> None:
    assert problems(example_event("zaak.hervat", type=OMIT)) == [("type", "union_tag_not_found")]
    found = problems(example_event("zaak.hervat", type="nl.helmond.sociaaldomein.zaak.heropend"))
    assert found == [("type", "union_tag_invalid")]


@pytest.mark.parametrize(
    ("attribute", "value"),
    [
        ("specversion", "0.3"),
        ("id", "12345"),
        ("id", "{6f9619ff-8b86-d011-b42d-00c04fc964ff}"),
        ("source", "https://zaaksysteem.helmond.nl"),
        ("source", "zaaksysteem"),
        ("time", "2026-03-02T09:15:00"),
        ("time", "2026-03-02"),
        ("time", 1772442900),
        ("datacontenttype", "application/xml"),
        ("traceparent", "not-a-trace"),
    ],
)
def test_envelope_values_are_checked(attribute: str, value: object) -> None:
    assert [f for f, _ in problems(example_event("zaak.hervat", **{attribute: value}))] == [
        attribute
    ]


def test_the_id_is_kept_in_one_spelling_so_retries_dedup() -> None:
    upper = parse_stored_event(
        example_event("zaak.hervat", id="6F9619FF-8B86-D011-B42D-00C04FC964FF")
    )
    lower = parse_stored_event(
        example_event("zaak.hervat", id="6f9619ff-8b86-d011-b42d-00c04fc964ff")
    )
    assert (
        upper.dedup_key == lower.dedup_key == (lower.source, "6f9619ff-8b86-d011-b42d-00c04fc964ff")
    )


def test_time_is_stored_in_utc() -> None:
    event = parse_stored_event(example_event("zaak.hervat", time="2026-03-02T10:15:00.5+01:00"))
    assert event.time == datetime(2026, 3, 2, 9, 15, 0, 500000, tzinfo=UTC)
    assert event.to_dict()["time"] == "2026-03-02T09:15:00.500000Z"


def test_a_subject_holding_a_bsn_is_refused() -> None:
    for spelled in (TEST_BSN, "9999.93.653", "999 993 653"):
        assert problems(example_event("zaak.hervat", subject=spelled)) == [
            ("subject", "bsn_not_allowed")
        ]


def test_a_subject_that_is_a_zaak_id_or_pseudonym_is_kept() -> None:
    for subject in ("Z-2026-000123", HUISHOUDEN, "123456789"):  # 123456789 fails the 11-proef
        assert parse_stored_event(example_event("zaak.hervat", subject=subject)).subject == subject


def test_documented_extensions_are_kept_and_others_refused() -> None:
    extensions = {
        "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        "tracestate": "wijkpuls=1",
        "sequence": "000042",
        "sequencetype": "Integer",
        "dataref": "https://openzaak.helmond.nl/zaken/api/v1/zaken/1",
        "dataschema": "urn:nld:gemeente-helmond:wijkpuls:schema:zaak.hervat:1",
    }
    event = parse_stored_event(example_event("zaak.hervat", **extensions))
    assert {k: event.to_dict()[k] for k in extensions} == extensions
    raw = example_event("zaak.hervat")
    raw["partitionkey"] = "Z-1"
    raw["bsn"] = TEST_BSN
    assert sorted(problems(raw)) == [
        ("bsn", "extra_forbidden"),
        ("partitionkey", "extra_forbidden"),
    ]


def test_json_datacontenttype_spellings_mean_the_same() -> None:
    for spelled in ("application/json; charset=utf-8", "Application/JSON", OMIT):
        event = parse_stored_event(example_event("zaak.hervat", datacontenttype=spelled))
        assert event.datacontenttype == "application/json"


def test_to_json_is_canonical_and_a_replay_writes_the_same_bytes() -> None:
    event = parse_stored_event(example_event("vroegsignaal.ontvangen", bedrag=100))
    once = event.to_json()
    assert once == parse_stored_event(once).to_json()
    assert once == json.dumps(json.loads(once), sort_keys=True, separators=(",", ":")).encode()
    assert b"null" not in once


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("zaak.aangemeld", "Z-2026-000123"),
        ("zorg.beeindigd", "Z-2026-000123"),
        ("alert.termijn-overschreden", "Z-2026-000123"),
        ("vroegsignaal.contactpoging", HUISHOUDEN),
    ],
)
def test_the_record_key_is_the_zaak_or_the_household(name: str, key: str) -> None:
    assert parse_stored_event(example_event(name)).record_key() == key


def test_new_event_builds_a_validated_stored_event() -> None:
    data = Besloten(zaak_id="Z-9", datum=date(2026, 4, 1), uitkomst=Uitkomst.AFGEWEZEN)
    event = new_event(
        "zaak.besloten",
        data,
        source="urn:nld:oin:00000001002220647000:systeem:test",
        event_id="6f9619ff-8b86-d011-b42d-00c04fc964ff",
        time=datetime(2026, 4, 1, 8, tzinfo=UTC),
    )
    assert isinstance(event, EVENT_CLASSES["nl.helmond.sociaaldomein.zaak.besloten"])
    assert event.data == data
    with pytest.raises(EventValidationError):
        new_event("zaak.besloten", {"zaak_id": "Z-9"}, source="urn:nld:x:y")
