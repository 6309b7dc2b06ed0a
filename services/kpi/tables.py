"""Per-zaak state: the zaak's fact history and its alerts, backed by a compacted changelog.

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
