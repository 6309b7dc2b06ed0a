"""The intake's acceptance time of an events record: the ``wijkpuls_geaccepteerd`` header.

Every record the intake (and its ZGW and iWmo/iJw adapters) writes to the events topic carries
the moment the intake handed it to Kafka, as RFC 3339 UTC with milliseconds
(``2026-03-02T08:15:00.123Z``). It is a Kafka header beside the event, not a CloudEvents
attribute: the event stays exactly what the case system sent (after pseudonymisation), so
the catalog and the duplicate check are unchanged, and the binding ignores the header.

The KPI worker reads it to date each cell's ``gewijzigd`` (docs/kpis.md#gewijzigd). A record
written without it (another producer, a test, a benchmark load) counts from its Kafka record
timestamp instead; both are part of the record, so a replay reads the same time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from shared.core.kpi.gewijzigd import parse_rfc3339_ms, rfc3339

ACCEPTED_HEADER = "wijkpuls_geaccepteerd"


def accepted_header(now: datetime | None = None) -> tuple[str, bytes]:
    """The header for a record accepted ``now`` (default: this moment)."""
    moment = now or datetime.now(UTC)
    at_ms = int(moment.timestamp() * 1000)
    return ACCEPTED_HEADER, rfc3339(at_ms).encode("ascii")


def accepted_ms(headers: Sequence[tuple[str, bytes]], timestamp_s: float | None) -> int | None:
    """The record's acceptance time (ms since the epoch): its ``wijkpuls_geaccepteerd``
    header, else its Kafka timestamp; None when it has neither (or a negative timestamp)."""
    for name, raw in headers:
        if name == ACCEPTED_HEADER:
            try:
                return parse_rfc3339_ms(raw.decode("ascii"))
            except (ValueError, UnicodeDecodeError, AttributeError):
                break  # an unreadable stamp: the record's own timestamp
    if timestamp_s is None or timestamp_s < 0:
        return None
    return round(timestamp_s * 1000)
