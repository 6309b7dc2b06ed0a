"""Per-zaak state: the zaak's fact history, backed by a compacted changelog topic.

The table is co-partitioned with the events topic (same key, same partition count), so a
zaak's state lives with the worker that owns its partition.
"""

from __future__ import annotations

from services.kpi.app import app, settings

zaken = app.Table(
    "zaken",
    default=None,
    partitions=settings.kafka.events_partitions,
    key_type=str,
    help="ZaakHistory.to_dict() per zaak_id",
)
