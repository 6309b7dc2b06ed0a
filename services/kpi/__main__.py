"""``python -m services.kpi worker``: run a KPI worker (faust's own CLI, with its --help)."""

from __future__ import annotations

import sys
import time

from services.kpi.event_loop import choose_event_loop

choose_event_loop()  # before the imports below: faust reads it while it is imported

from services.kpi.settings import get_settings  # noqa: E402
from services.kpi.wiring import Worker, build_worker  # noqa: E402
from shared.contract.topics import DAY_MS, TopicSpec  # noqa: E402
from shared.platform.kafka_admin import admin_client, describe_topics, ensure_specs  # noqa: E402

KEPT = -1
"""retention.ms of a changelog: compaction keeps each key's last value, age removes nothing."""
READY_WAIT_S = 30.0


def worker_topic_specs(worker: Worker) -> list[TopicSpec]:
    """The topics of the worker's own that faust would otherwise create as it starts: the
    alert ticks and each table's changelog (compacted, as many partitions as its source)."""
    ticks = worker.topics.ticks.get_topic_name()
    specs = [TopicSpec(ticks, worker.settings.kafka.events_partitions, DAY_MS)]
    for table in worker.app.tables.values():
        if table.partitions is None:  # faust would then take the app's default
            raise RuntimeError(f"table {table.name} must name its partitions (co-partitioned)")
        name = table.changelog_topic.get_topic_name()
        specs.append(TopicSpec(name, table.partitions, KEPT, "compact"))
    return specs


def ensure_worker_topics(worker: Worker) -> None:
    """Create the worker's own topics before faust subscribes, and wait until the broker
    describes every partition.

    faust creates its internal topics and subscribes in the same breath. On a brand-new app id
    the first rebalance can miss a new topic ("Ignoring missing topic"), or the client's
    metadata holds a changelog with 0 partitions; the first table write then raises
    PartitionsMismatch ("has 6 partitions, but the changelog ... has 0") and the agent crashes
    and restarts in a loop until the next metadata refresh, minutes later (seen in CI).
    """
    specs = worker_topic_specs(worker)
    kafka = worker.settings.kafka
    with admin_client(kafka) as admin:
        ensure_specs(admin, specs, kafka.replication_factor)
        deadline = time.monotonic() + READY_WAIT_S
        while True:
            found = describe_topics(admin, [s.name for s in specs])
            have = {name: state.partitions for name, state in found.items()}
            short = [s for s in specs if have.get(s.name, 0) < s.partitions]
            if not short or time.monotonic() > deadline:
                return
            time.sleep(0.2)


def main() -> None:
    worker = build_worker(get_settings())
    if "worker" in sys.argv[1:]:
        ensure_worker_topics(worker)
    worker.app.main()


if __name__ == "__main__":
    main()
