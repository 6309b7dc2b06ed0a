"""What the index learns from the events topic and what the parking holds, without a broker."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from fixtures.iwmo_berichten import Regel, bericht

from services.intake.iwmo.mapping import pending_facts
from services.intake.iwmo.parking import ParkingLot
from services.intake.iwmo.parse import parse_bericht
from services.intake.iwmo.toewijzingen import toewijzing_from
from services.intake.iwmo.xmlsafe import parse_xml
from shared.contract.events import new_event, to_binary_record, to_structured_record

SOURCE = "urn:nld:oin:00000001002220647000:systeem:zaaksysteem"


@dataclass
class Record:
    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes]] = field(default_factory=list)


def record(type_name: str, data: dict[str, Any], *, at: int = 9, binary: bool = False) -> Record:
    event = new_event(type_name, data, source=SOURCE, time=datetime(2026, 3, 30, at, tzinfo=UTC))
    kafka = (to_binary_record if binary else to_structured_record)(event)
    return Record(kafka.key, kafka.value, list(kafka.headers))


@pytest.mark.parametrize("binary", [False, True], ids=["structured", "binary"])
def test_a_toewijzing_is_learned_with_one_spelling_of_its_number(binary: bool) -> None:
    data = {"zaak_id": "Z-1", "datum": "2026-04-01", "toewijzingnummer": "0300201"}
    found = toewijzing_from(record("zorg.toegewezen", data, binary=binary))  # type: ignore[arg-type]
    assert found is not None
    assert (found.nummer, found.zaak_id) == ("300201", "Z-1")


def test_later_toewijzingen_have_later_stamps() -> None:
    data = {"zaak_id": "Z-1", "datum": "2026-04-01", "toewijzingnummer": "1"}
    early = toewijzing_from(record("zorg.toegewezen", data, at=9))  # type: ignore[arg-type]
    late = toewijzing_from(record("zorg.toegewezen", data, at=10))  # type: ignore[arg-type]
    assert early is not None and late is not None and early.stamp < late.stamp


def test_other_records_teach_nothing() -> None:
    gestart = record("zorg.gestart", {"zaak_id": "Z-1", "datum": "2026-04-01"})
    zonder = record("zorg.toegewezen", {"zaak_id": "Z-1", "datum": "2026-04-01"})
    garbage = Record(b"Z-1", b'{"type": "nl.helmond.sociaaldomein.zorg.toegewezen"}')
    for skipped in (gestart, zonder, garbage, Record(b"Z-1", None)):
        assert toewijzing_from(skipped) is None  # type: ignore[arg-type]


def test_the_parking_follows_records_and_tombstones(caplog: pytest.LogCaptureFixture) -> None:
    body = bericht("WMO305", [Regel("7"), Regel("8")])
    first, second = pending_facts(parse_bericht(parse_xml(body), "0794"))
    lot = ParkingLot(producer=None, topic="parked", timeout_s=1)  # type: ignore[arg-type]
    assert lot._apply(first.event_id.encode(), first.to_json())
    assert lot._apply(second.event_id.encode(), second.to_json())
    assert not lot._apply(first.event_id.encode(), None)
    assert lot.pending == {second.event_id: second}
    with caplog.at_level(logging.ERROR):
        assert not lot._apply(b"x", b"not json")
    assert "unreadable parked record" in caplog.text
    assert lot.pending == {second.event_id: second}
