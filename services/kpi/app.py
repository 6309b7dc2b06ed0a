"""The faust app of the KPI workers: one consumer group, scaled by partitions and processes.

Design choices (faust-streaming known issues, checked in its tracker):
- at-least-once, not exactly_once (open duplicate/crash reports, #323, #517): per-zaak state
  ignores a seen event id and the Redis sink is idempotent, which already gives exact figures;
- agent concurrency stays 1 (#606: concurrency > 1 can commit past an unprocessed record);
- table_standby_replicas 1, changelogs compacted without retention (#597, #651);
- stream_wait_empty off: a slow event must not stall a rebalance;
- producer_linger 5 ms: the changelog records of a batch (one per zaak) go in a few produce
  requests instead of one each (docs/performance.md); an awaited alert send waits at most
  that much longer, and a batch is still acked only after its writes.

Built by ``make_app`` when a worker is built (services/kpi/wiring.py), not at import: importing
this module opens nothing and creates no app.
"""

from __future__ import annotations

import faust

from services.kpi.settings import Settings
from shared.platform.kafka_security import faust_credentials
from shared.platform.logs import faust_logging_config


def make_app(settings: Settings) -> faust.App:
    """The worker's faust app; its id, ``<topic prefix><app id>``, is the consumer group and
    the prefix of every topic faust creates for it (changelogs, alert ticks, leader)."""
    return faust.App(
        f"{settings.kafka.topic_prefix}{settings.kpi.app_id}",
        broker=";".join(f"kafka://{b}" for b in settings.kafka.bootstrap_servers.split(",")),
        broker_credentials=faust_credentials(settings.kafka),  # TLS and SASL (docs/settings.md)
        store=settings.kpi.store,
        datadir=str(settings.kpi.data_dir),
        topic_partitions=settings.kafka.events_partitions,
        topic_replication_factor=settings.kafka.replication_factor,
        processing_guarantee="at_least_once",
        table_standby_replicas=1,
        stream_wait_empty=False,
        producer_linger=0.005,
        consumer_auto_offset_reset="earliest",
        web_host="127.0.0.1",  # the name in faust's own URLs; it binds web_bind, 0.0.0.0
        web_port=settings.kpi.web_port,
        autodiscover=False,
        logging_config=faust_logging_config(),  # JSON lines like the other services
    )
