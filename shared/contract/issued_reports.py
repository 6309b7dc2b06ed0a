"""The record of an issued report on the rapporten topic (pure): key, value and its shape.

A report handed to the raad is kept exactly as it was issued (issue 15, docs/monitor.md): its
peildatum, its rows as published and when. The topic is compacted and never expires
(shared/contract/topics.py), keyed by the issue's id, so every issue stays as one record;
the reporting service reads them all on start (Redis is only a rebuildable view and may be
lost). The rows hold disclosure-controlled figures only (what publiek reads), no person:
the issuer is kept by role, not by name.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

RECORD_VERSION = 1


class IssuedReport(BaseModel):
    """One issued report. ``rijen`` are the report's rows (services/reporting/rapport/sth.py
    ``rows``) exactly as published."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(description="the issue's id (also the record key)")
    rapport: str = Field(description="which report, e.g. sth-halfjaar")
    periode: str = Field(description="the half-year reported on, e.g. 2026-H1")
    peildatum: date = Field(description="events up to and including this day counted")
    uitgegeven_op: datetime = Field(description="when it was issued (UTC)")
    uitgegeven_door_rol: str = Field(description="the role of the person or key that issued it")
    cijfers_als: str = Field(description="the role whose disclosure control the figures have")
    definities: dict[str, str]
    normen: dict[str, list[dict[str, Any]]]
    kolommen: list[str]
    rijen: list[dict[str, Any]]
    versie: int = RECORD_VERSION

    def key(self) -> bytes:
        return self.id.encode()

    def value(self) -> bytes:
        return self.model_dump_json().encode()


def from_record(value: bytes) -> IssuedReport:
    return IssuedReport.model_validate_json(value)
