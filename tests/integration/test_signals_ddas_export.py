"""The DDAS export of a demo month validates and agrees with bereik vroegsignalering.

The demo runs through the real pipeline (vault on SQLite, events on the real broker); the
KPI side is computed from the events read back from the topic with shared/core/kpi/
vroegsignalering.py, the module the KPI worker runs, so both sides see what really flowed.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from demo.vroegsignalen import VroegsignaalOptions, plan_vroegsignalering
from services.signals.cli.export import build_export
from services.signals.rules.ddas_export import delivery_counts
from services.signals.rules.ddas_schema import schema_problems
from services.signals.settings import Settings, SignalsSettings
from services.signals.wiring import start_edge
from shared.contract.events import from_kafka_record
from shared.contract.events.catalog import TYPE_PREFIX
from shared.contract.topics import Topic, TopicSpec, topic_name
from shared.core.kpi.cells import cell_key
from shared.core.kpi.vroegsignalering import BEREIK, WET, VroegsignaalzaakHistory, state_on
from shared.platform.settings import KafkaSettings, get_domain_config
from tests.fixtures.signals_demo_support import load_demo
from tests.fixtures.signals_support import read_topics

pytestmark = pytest.mark.integration
OPTIONS = VroegsignaalOptions(start=date(2026, 1, 1), months=4, inhabitants=20_000, seed=11)
FIELDS = {"zaken": "zaken", "n_contact": "contact", "n_bereikt": "bereikt",
          "n_geaccepteerd": "geaccepteerd"}  # fmt: skip


async def test_the_export_of_a_demo_month_validates_and_counts_as_the_kpi(
    tmp_path: Path, kafka_settings: KafkaSettings, kafka_topics: list[TopicSpec]
) -> None:
    settings = Settings(
        kafka=kafka_settings, signals=SignalsSettings(database_url=f"sqlite:///{tmp_path}/v.db")
    )
    cases = plan_vroegsignalering(OPTIONS, get_domain_config())
    edge = await start_edge(settings)
    try:
        await load_demo(edge, cases, today=date(2026, 5, 31))
        exports = {
            (maand, peil): build_export(edge.core, maand, peil)
            for maand in ("2026-02", "2026-03")
            for peil in (date(2026, 3, 20), date(2026, 5, 31))
        }
    finally:
        await edge.close()

    topic = topic_name(Topic.VROEGSIGNALEN, kafka_settings)
    partitions = {spec.name: spec.partitions for spec in kafka_topics}
    records = (await read_topics(kafka_settings.bootstrap_servers, partitions))[topic]
    histories: dict[tuple[str, str], VroegsignaalzaakHistory] = {}
    for record in records:
        event = from_kafka_record(record.key, record.value, list(record.headers), check_key=False)
        data = event.data.model_dump(mode="python")
        key = (data["huishouden"], data["vroegsignaalzaak_id"])
        kind = event.type.removeprefix(TYPE_PREFIX)
        histories[key] = histories.get(key, VroegsignaalzaakHistory()).add(
            kind, event.source, event.id, event.time, data
        )

    for (maand, peil), document in exports.items():
        assert schema_problems(document) == []
        kpi: Counter[tuple[str, str]] = Counter()
        for history in histories.values():
            kpi.update(state_on(history, peil))
        cell = cell_key(BEREIK, WET, "gemeente", maand)
        counts = delivery_counts(document)
        assert counts["zaken"] > 20
        assert {ours: counts[ours] for ours in FIELDS} == {
            ours: kpi[cell, theirs] for ours, theirs in FIELDS.items()
        }, (maand, peil)
    later = delivery_counts(exports["2026-03", date(2026, 5, 31)])
    assert later["n_contact"] > delivery_counts(exports["2026-03", date(2026, 3, 20)])["n_contact"]
    assert later["n_geaccepteerd"] > 0
