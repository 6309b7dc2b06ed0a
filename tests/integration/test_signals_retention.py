"""Retention on the vault with an injected clock: due zaken and their identity are gone.

The demo runs through the real pipeline (vault on SQLite, events on the real broker), the
clock moves on, and the job deletes exactly what the rule says, nothing else.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from demo.vroegsignalen import VroegsignaalOptions, plan_vroegsignalering
from services.signals.cli.export import build_export
from services.signals.settings import Settings, SignalsSettings
from services.signals.vault.retention import apply_retention, vault_dates
from services.signals.vault.schema import cases, contactpogingen, signals
from services.signals.wiring import start_edge
from shared.contract.topics import TopicSpec
from shared.core.vroegsignaal_retention import delete_on
from shared.platform.settings import KafkaSettings, get_domain_config
from tests.fixtures.signals_demo_support import load_demo

pytestmark = pytest.mark.integration
OPTIONS = VroegsignaalOptions(start=date(2026, 1, 1), months=3, inhabitants=15_000, seed=5)


async def test_retention_deletes_due_zaken_with_identity_and_keeps_the_rest(
    tmp_path: Path, kafka_settings: KafkaSettings, kafka_topics: list[TopicSpec]
) -> None:
    settings = Settings(
        kafka=kafka_settings, signals=SignalsSettings(database_url=f"sqlite:///{tmp_path}/v.db")
    )
    domain = get_domain_config()
    edge = await start_edge(settings)
    try:
        await load_demo(edge, plan_vroegsignalering(OPTIONS, domain), today=date(2026, 3, 31))
        core = edge.core
        rules = domain.retention.vroegsignalering
        today = date(2027, 2, 10)
        with core.engine.connect() as conn:
            before = vault_dates(conn)
            due = {z.vroegsignaalzaak_id for z in before if delete_on(z, rules) <= today}
            due_signals = {
                row.signaal_id
                for row in conn.execute(select(signals.c.signaal_id, signals.c.case_id))
                if row.case_id in due
            }
        assert 0 < len(due) < len(before)

        assert (await apply_retention(core, edge.publisher, date(2026, 6, 30))).zaken == []
        run = await apply_retention(core, edge.publisher, today)
        assert set(run.zaken) == due
        with core.engine.connect() as conn:
            left = {row.id for row in conn.execute(select(cases.c.id))}
            orphans = conn.execute(
                select(func.count()).select_from(signals).where(signals.c.case_id.in_(due))
            ).scalar_one()
            attempts = conn.execute(
                select(func.count())
                .select_from(contactpogingen)
                .where(contactpogingen.c.case_id.in_(due))
            ).scalar_one()
            households = {row.huishouden for row in conn.execute(select(signals.c.huishouden))}
        assert left == {z.vroegsignaalzaak_id for z in before} - due
        assert orphans == attempts == 0  # no identity token of a due zaak remains
        assert not households & set(run.households)
        assert (await apply_retention(core, edge.publisher, today)).zaken == []  # all done

        exported = build_export(core, "2026-01", today)
        ids = {s["ID"] for lev in exported["leveringen"] for s in lev["vroegsignalen"]}
        assert ids and ids.isdisjoint(due_signals)  # the export no longer knows them
    finally:
        await edge.close()
