"""A large CSV delivery loads end to end on the real broker in bounded memory.

Row count: WIJKPULS_SIGNALS_TEST_ROWS (default 5,000 in the suite; docs/signals.md records
the 100,000-row run). Every good row is one pseudonymised event on the vroegsignalen topic,
every bad row is in the report with row, field and reason.
"""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path

import pytest

from services.signals.cli.load import load_file
from services.signals.rules.report import problems_csv
from services.signals.settings import Settings, SignalsSettings
from services.signals.vault.vault_context import build_core
from shared.contract.events import from_kafka_record
from shared.contract.topics import Topic, TopicSpec, topic_name
from shared.contract.vroegsignaal_records import RecordOwner, household_partition, record_owner
from shared.platform.settings import KafkaSettings
from tests.fixtures.signals_support import read_topics, write_csv

pytestmark = pytest.mark.integration
ROWS = int(os.environ.get("WIJKPULS_SIGNALS_TEST_ROWS", "5000"))
PEAK_LIMIT_MB = 40  # flat: does not grow with the row count (batches of 500)


async def test_a_large_csv_loads_every_good_row_once_in_bounded_memory(
    tmp_path: Path, kafka_settings: KafkaSettings, kafka_topics: list[TopicSpec]
) -> None:
    delivery = tmp_path / "levering.csv"
    bad = write_csv(delivery, ROWS, bad_every=300)
    settings = Settings(
        kafka=kafka_settings,
        signals=SignalsSettings(database_url=f"sqlite:///{tmp_path}/vault.db"),
    )
    tracemalloc.start()
    try:
        report = await load_file(delivery, settings, "test-loader", show_progress=False)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    print(f"\nsignals load: {ROWS} rows, tracemalloc peak {peak / 1e6:.1f} MB")
    assert report["status"] == "loaded"
    assert (report["rows"], report["rejected"], report["accepted"]) == (
        ROWS, len(bad), ROWS - len(bad),
    )  # fmt: skip
    assert peak < PEAK_LIMIT_MB * 1e6

    core = build_core(settings)
    lines = list("".join(problems_csv(core, str(report["delivery_id"]))).splitlines())[1:]
    assert {int(line.split(";")[0]) for line in lines} == bad
    assert all(line.split(";")[1] == "Postcode" for line in lines)

    topic = topic_name(Topic.VROEGSIGNALEN, kafka_settings)
    partitions = {spec.name: spec.partitions for spec in kafka_topics}
    records = (await read_topics(kafka_settings.bootstrap_servers, partitions))[topic]
    found = [from_kafka_record(r.key, r.value, list(r.headers), check_key=False) for r in records]
    assert len({e.id for e in found}) == ROWS - len(bad) == len(found)
    for record, event in zip(records, found, strict=True):
        assert record_owner(record.key) == RecordOwner(
            event.data.huishouden, event.data.vroegsignaalzaak_id
        )
        assert record.partition == household_partition(
            event.data.huishouden, range(partitions[topic])
        )
        assert event.data.signaal_id.startswith("vs-")
