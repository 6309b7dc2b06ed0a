"""``python -m services.kpi worker``: run a KPI worker (faust's own CLI, with its --help)."""

from __future__ import annotations

import sys

from services.kpi.app import app, settings
from services.kpi.topics import ticks_topic
from services.kpi.view import rebuild  # noqa: F401  (the view check's timer)
from services.kpi.vroegsignalen import agent as vroegsignalen_agent  # noqa: F401  (agent, tables)
from services.kpi.zaken import agent, timers  # noqa: F401  (agents, tables, timer)
from shared.contract.topics import DAY_MS, TopicSpec
from shared.platform.kafka_admin import admin_client, ensure_specs


def ensure_ticks_topic() -> None:
    """Create the alert-ticks topic before faust subscribes to it.

    faust creates its internal topics and subscribes in the same breath; on a brand-new app
    id the first rebalance can miss the new topic ("Ignoring missing topic") and its
    partitions then stay unassigned until a metadata refresh, minutes later.
    """
    spec = TopicSpec(ticks_topic.get_topic_name(), settings.kafka.events_partitions, DAY_MS)
    with admin_client(settings.kafka) as admin:
        ensure_specs(admin, [spec], settings.kafka.replication_factor)


def main() -> None:
    if "worker" in sys.argv[1:]:
        ensure_ticks_topic()
    app.main()


if __name__ == "__main__":
    main()
