"""Per-zaak state and per-partition applied offsets, backed by compacted changelogs.

The table is co-partitioned with the events topic (same key, same partition count), so a
zaak's state lives with the worker that owns its partition. Values: ``ZaakState.to_table()``.
"""

from __future__ import annotations

from services.kpi.app import app, settings

zaken = app.Table(
    "zaken",
    default=None,
    partitions=settings.kafka.events_partitions,
    key_type=str,
    help="ZaakHistory.to_dict() plus the alerting state, per zaak_id",
)

applied_offsets = app.Table(
    "applied-offsets",
    default=None,
    partitions=settings.kafka.events_partitions,
    key_type=str,
    help="events partition -> the offset after the last record applied (gaps.py)",
)
