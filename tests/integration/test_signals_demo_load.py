"""``python -m demo.vroegsignalering_load`` (what ``make run`` calls) on the real broker: the
demo deliveries, in the DDAS shape the service reads, load through the service with no row
rejected, the outreach is recorded, and a second run is skipped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from demo import vroegsignalering_load as demo_load
from services.signals.settings import get_settings
from services.signals.vault.schema import contactpogingen, deliveries
from services.signals.vault.vault_context import build_core
from shared.contract.topics import TopicSpec
from shared.platform.settings import KafkaSettings

pytestmark = pytest.mark.integration


def test_the_demo_loads_through_the_signals_service(
    tmp_path: Path,
    kafka_settings: KafkaSettings,
    kafka_topics: list[TopicSpec],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("WIJKPULS_KAFKA_TOPIC_PREFIX", kafka_settings.topic_prefix)
    monkeypatch.setenv("WIJKPULS_KAFKA_BOOTSTRAP_SERVERS", kafka_settings.bootstrap_servers)
    monkeypatch.setenv("WIJKPULS_SIGNALS_DATABASE_URL", f"sqlite:///{tmp_path}/vault.db")
    get_settings.cache_clear()
    try:
        args = ["--start", "2025-01", "--months", "2", "--inhabitants", "10000"]
        assert demo_load.main(args) == 0
        first = json.loads(capsys.readouterr().out)
        assert demo_load.main(args) == 0
        second = json.loads(capsys.readouterr().out)
        core = build_core(get_settings())
    finally:
        get_settings.cache_clear()
    assert first["deliveries"] > 4 and first["signals"] > 50, first
    assert "skipped" in second
    with core.engine.connect() as conn:
        totals = conn.execute(
            select(func.sum(deliveries.c.accepted), func.sum(deliveries.c.rejected))
        ).one()
        pogingen = conn.execute(select(func.count()).select_from(contactpogingen)).scalar_one()
    assert totals == (first["signals"], 0)
    assert pogingen > 10
