"""The Kafka protocol binding: both content modes round-trip, and bad records say why."""

from __future__ import annotations

import json
import string
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.contract.events import (
    CATALOG,
    STRUCTURED_CONTENT_TYPE,
    CloudEvent,
    KafkaRecord,
    UndecodableRecord,
    from_kafka_record,
    parse_stored_event,
    to_binary_record,
    to_structured_record,
)
from shared.contract.events.bsn import looks_like_bsn
from shared.contract.events.examples import example_event
from shared.contract.events.fieldtypes import EARLIEST_DATE, LATEST_DATE

ids = st.text(string.ascii_letters + string.digits + "-_./:éë€", min_size=1, max_size=40).filter(
    lambda s: not looks_like_bsn(s)
)
offsets = st.sampled_from(
    [UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-9, minutes=-30))]
)


@st.composite
def events(draw: st.DrawFn) -> CloudEvent:
    spec = draw(st.sampled_from(CATALOG))
    when = draw(st.datetimes(datetime(2015, 1, 1), datetime(2090, 1, 1), timezones=offsets))
    overrides: dict[str, Any] = {
        "id": str(draw(st.uuids())),
        "time": when.isoformat(),
        "datum": draw(st.dates(EARLIEST_DATE, LATEST_DATE)).isoformat(),
    }
    if draw(st.booleans()):
        overrides["subject"] = draw(ids)
    key_field = "huishouden" if spec.name.startswith("vroegsignaal.") else "zaak_id"
    overrides[key_field] = draw(ids)
    if spec.name == "vroegsignaal.ontvangen":
        overrides["bedrag"] = draw(st.floats(0, 1e7, allow_nan=False) | st.integers(0, 10**6))
    if spec.name == "zaak.verdaagd":
        overrides["dagen"] = draw(st.integers(1, 3650))
    return parse_stored_event(example_event(spec.type, **overrides))


def read(record: KafkaRecord) -> CloudEvent:
    return from_kafka_record(record.key, record.value, record.headers)


@given(events())
def test_structured_mode_round_trips_byte_for_byte(event: CloudEvent) -> None:
    record = to_structured_record(event)
    again = read(record)
    assert again == event
    assert to_structured_record(again) == record


@given(events())
def test_binary_mode_round_trips(event: CloudEvent) -> None:
    record = to_binary_record(event)
    assert read(record) == event
    assert to_binary_record(read(record)) == record


def test_a_structured_record_is_the_binding_s_shape() -> None:
    event = parse_stored_event(example_event("zaak.besloten"))
    record = to_structured_record(event)
    assert record.key == b"Z-2026-000123"
    assert record.headers == (("content-type", b"application/cloudevents+json; charset=UTF-8"),)
    assert json.loads(record.value) == event.to_dict()
    assert STRUCTURED_CONTENT_TYPE.encode() == record.headers[0][1]


def test_a_binary_record_has_ce_headers_and_data_as_value() -> None:
    event = parse_stored_event(example_event("vroegsignaal.resultaat", subject="VSZ-2026-0042"))
    record = to_binary_record(event)
    headers = dict(record.headers)
    assert headers["ce_type"] == b"nl.helmond.sociaaldomein.vroegsignaal.resultaat"
    assert headers["ce_time"] == b"2026-03-02T09:15:00Z"
    assert headers["ce_subject"] == b"VSZ-2026-0042"
    assert headers["content-type"] == b"application/json"
    assert "ce_data" not in headers and "ce_datacontenttype" not in headers
    assert json.loads(record.value) == event.to_dict()["data"]
    assert record.key == event.data.model_dump()["huishouden"].encode()


def test_a_binary_record_from_another_producer_is_read() -> None:
    headers = [
        ("CE_SPECVERSION", b"1.0"),
        ("ce_id", b"6f9619ff-8b86-d011-b42d-00c04fc964ff"),
        ("ce_source", b"urn:nld:oin:00000001002220647000:systeem:zaaksysteem"),
        ("ce_type", b"nl.helmond.sociaaldomein.zaak.hervat"),
        ("ce_time", b"2026-03-17T08:00:00+01:00"),
        ("content-type", b"application/json; charset=utf-8"),
        ("traceparent", b"ignored: not a ce_ header"),
    ]
    event = from_kafka_record(b"Z-1", b'{"zaak_id": "Z-1", "datum": "2026-03-17"}', headers)
    assert event.type.endswith("zaak.hervat") and event.record_key() == "Z-1"


def test_a_plain_json_record_without_headers_is_read_as_structured() -> None:
    raw = example_event("zaak.hervat")
    event = from_kafka_record(b"Z-2026-000123", json.dumps(raw).encode(), [])
    assert event == parse_stored_event(raw)


GOOD = to_structured_record(parse_stored_event(example_event("zaak.hervat")))
CT = GOOD.headers[0]


@pytest.mark.parametrize(
    ("key", "value", "headers", "reason"),
    [
        (GOOD.key, None, [CT], "tombstone"),
        (GOOD.key, b"\x00garbage", [CT], "not a valid event"),
        (GOOD.key, b'{"specversion": "1.0"}', [CT], "not a valid event"),
        (GOOD.key, GOOD.value, [("content-type", b"application/cloudevents+avro")], "unsupported"),
        (GOOD.key, GOOD.value, [CT, CT], "more than once"),
        (GOOD.key, GOOD.value, [("content-type", b"\xff\xfe")], "not UTF-8"),
        (b"Z-other", GOOD.value, [CT], "record key"),
        (None, GOOD.value, [CT], "record key"),
        (GOOD.key, b"not json", [("ce_specversion", b"1.0")], "data: is not valid JSON"),
    ],
)
def test_a_bad_record_is_undecodable_with_a_reason(
    key: bytes | None, value: bytes | None, headers: list[tuple[str, bytes]], reason: str
) -> None:
    with pytest.raises(UndecodableRecord) as caught:
        from_kafka_record(key, value, headers)
    assert reason in caught.value.reason


def test_an_invalid_event_lists_its_problems_for_the_dead_letter_topic() -> None:
    raw = example_event("zaak.besloten", uitkomst="misschien")
    with pytest.raises(UndecodableRecord) as caught:
        from_kafka_record(GOOD.key, json.dumps(raw).encode(), [CT])
    assert [(p["field"], p["type"]) for p in caught.value.problems] == [("data.uitkomst", "enum")]


def test_the_key_check_can_be_left_to_the_consumer() -> None:
    assert (
        from_kafka_record(None, GOOD.value, [CT], check_key=False).record_key() == "Z-2026-000123"
    )
