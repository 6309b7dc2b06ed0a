"""The worker's tables, backed by compacted changelogs named after the app id.

Each table is co-partitioned with its source topic (same key, same partition count), so an
entry lives with the worker that owns its partition:

- ``zaken``: per-zaak state, values ``ZaakState.to_table()``; source: the events topic;
- ``applied-offsets``: per events partition, the offset after the last record applied;
- ``vroegsignaalzaken``: per [huishouden, vroegsignaalzaak_id]; source: the vroegsignalen
  topic (services/kpi/vroegsignalen/processor.py).

The names are in the changelog topics of deployed workers (and in operations/reset.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import faust
from faust.types import TableT

from services.kpi.settings import Settings


@dataclass(frozen=True)
class WorkerTables:
    zaken: TableT[str, Any]
    applied_offsets: TableT[str, Any]
    vroegsignaalzaken: TableT[str, Any]


def make_tables(app: faust.App, settings: Settings) -> WorkerTables:
    # faust keeps its tables in the order they are made (so do the changelog topics that
    # __main__.py creates); this is the order deployed workers have always had.
    events = settings.kafka.events_partitions
    vroegsignaalzaken = _table(
        app,
        "vroegsignaalzaken",
        settings.kafka.vroegsignalen_partitions,
        "VroegsignaalzaakHistory.to_dict(), per [huishouden, vroegsignaalzaak_id]",
    )
    zaken = _table(
        app, "zaken", events, "ZaakHistory.to_dict() plus the alerting state, per zaak_id"
    )
    applied_offsets = _table(
        app,
        "applied-offsets",
        events,
        "events partition -> the offset after the last record applied (gaps.py)",
    )
    return WorkerTables(zaken, applied_offsets, vroegsignaalzaken)


def _table(app: faust.App, name: str, partitions: int, help: str) -> TableT[str, Any]:
    """A table keyed by text, None for a missing key, co-partitioned with its source topic."""
    table: TableT[str, Any] = app.Table(
        name, default=None, partitions=partitions, key_type=str, help=help
    )
    return table
