"""Retention end to end on the real broker and Redis, with an injected clock.

The demo deliveries go through the signals pipeline, a KPI worker computes the figures; the
retention job then freezes the due zaken's figures, tombstones their events and empties the
vault of them. The topic as a consumer reads it holds no value of theirs any more, the
worker's table changelog no household state of theirs, and every figure is what it was, also
after the loss of the figures store (rebuilt from the worker's table, where the retired zaken
have only their frozen entries) and after ``python -m services.kpi.operations.reset`` and a
replay from the topic. So is every cell's ``gewijzigd`` (docs/kpis.md#gewijzigd): the signals
service stamps its records with their acceptance time, and freezing changes no figure.
"""

from __future__ import annotations

import asyncio
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import redis
from fixtures.replay_support import reset, worker, worker_env
from fixtures.vroegsignaal_kafka_support import kpi_lag, latest_by_key, read_topic, settle
from sqlalchemy import select
from test_vroegsignalen_worker import published

from demo.vroegsignalen import VroegsignaalOptions, plan_vroegsignalering
from services.kpi.operations.reset import group_id
from services.kpi.settings import KpiSettings
from services.signals.settings import Settings, SignalsSettings
from services.signals.vault.retention import apply_retention
from services.signals.vault.schema import cases, signals
from services.signals.wiring import start_edge
from shared.contract.figure_keys import FigureKeys
from shared.contract.topics import Topic, TopicSpec, topic_name
from shared.contract.vroegsignaal_records import frozen_key, record_owner
from shared.platform.settings import KafkaSettings, get_domain_config
from tests.fixtures.signals_demo_support import load_demo

pytestmark = pytest.mark.integration
OPTIONS = VroegsignaalOptions(start=date(2026, 1, 1), months=3, inhabitants=15_000, seed=5)
PEILDATA = (date(2026, 3, 31), date(2027, 2, 10))
PAST = ("wgs", "gemeente", "2026-01")  # a month all of whose zaken stay or go together
KPIS = ("bereik-vroegsignalering", "vroegsignalen")


def _view(client: redis.Redis, keys: FigureKeys) -> dict[str, Any]:
    """The figures as served on each peildatum, the raw cells behind them and their
    ``gewijzigd``."""
    cells = {
        raw.decode(): client.hgetall(keys.cell(raw.decode()))
        for raw in client.smembers(keys.cells_index)
        if raw.decode().split("|")[0] in KPIS
    }
    changed = {
        k.decode(): v.decode()
        for k, v in client.hgetall(keys.gewijzigd).items()
        if k.decode().split("|")[0] in KPIS
    }
    return {
        "cells": cells,
        "gewijzigd": changed,
        **{p.isoformat(): published(client, keys, p) for p in PEILDATA},
    }


def _rebuilt(client: redis.Redis, prefix: str, want: dict[str, Any], timeout_s: float) -> Any:
    """Loses the figures store (every key of the prefix, the view markers too) and waits
    until the worker's rebuild from its tables gives ``want`` again; the last view seen."""
    found = client.keys(f"{prefix}wp:*")
    if found:
        client.delete(*found)
    deadline = time.monotonic() + timeout_s
    view = _view(client, FigureKeys(prefix))
    while view != want and time.monotonic() < deadline:
        time.sleep(0.5)
        view = _view(client, FigureKeys(prefix))
    return view


async def test_retention_removes_the_events_and_keeps_every_figure_also_after_a_replay(
    tmp_path: Path, kafka_settings: KafkaSettings, kafka_topics: list[TopicSpec], redis_url: str
) -> None:
    database = f"sqlite:///{tmp_path}/vault.db"
    edge = await start_edge(
        Settings(kafka=kafka_settings, signals=SignalsSettings(database_url=database))
    )
    topic = topic_name(Topic.VROEGSIGNALEN, kafka_settings)
    bootstrap = kafka_settings.bootstrap_servers
    client = redis.Redis.from_url(redis_url)
    keys = FigureKeys(kafka_settings.topic_prefix)
    env, data = worker_env(kafka_settings, redis_url), tmp_path / "kpi"

    def settled() -> dict[str, Any]:
        return settle(lambda: _view(client, keys), lambda: kpi_lag(kafka_settings, topic), 150)

    try:
        await load_demo(
            edge, plan_vroegsignalering(OPTIONS, get_domain_config()), date(2026, 3, 31)
        )
        with worker(env, data, tmp_path / "kpi-1.log"):
            before = await asyncio.to_thread(settled)
            past = before[PEILDATA[1].isoformat()]["bereik-vroegsignalering"][PAST]
            assert past["zaken"] > 20, past
            # every counted cell is dated, by a stamp of the signals service (RFC 3339, ms)
            assert set(before["cells"]) <= set(before["gewijzigd"])
            assert all(len(t) == 24 and t.endswith("Z") for t in before["gewijzigd"].values())

            run = await apply_retention(edge.core, edge.publisher, date(2027, 2, 10))
            assert run.zaken and run.households and run.records > len(run.zaken)
            after = await asyncio.to_thread(settled)
            assert after == before
            # the retired zaken are only frozen entries in the table now: a lost figures store
            # comes back with the same figures and the same gewijzigd
            prefix = kafka_settings.topic_prefix
            rebuilt = await asyncio.to_thread(_rebuilt, client, prefix, before, 60)
            assert rebuilt == before

        # What a consumer of the topic sees now: no value of a retired zaak, its frozen figures.
        latest = latest_by_key(await read_topic(bootstrap, topic))
        retired = set(run.zaken)
        owned = {
            k: v
            for k, v in latest.items()
            if (o := record_owner(k)) and o.vroegsignaalzaak_id in retired
        }
        assert owned and all(v is None for v in owned.values())
        assert all(latest[frozen_key(z).encode()] is not None for z in retired)
        values = [v for v in latest.values() if v is not None]
        assert not [h for h in run.households if any(h.encode() in v for v in values)]
        # ... nor does the worker's table keep their household state.
        group = group_id(kafka_settings, KpiSettings())
        table = latest_by_key(await read_topic(bootstrap, f"{group}-vroegsignaalzaken-changelog"))
        # (Its entry of a zaak's frozen contribution, kept so a lost figures store gets the
        # figures back, holds the zaak id and its figures, no household.)
        ours = {k: v for k, v in table.items() if any(z.encode() in (k or b"") for z in retired)}
        kept = {k: v for k, v in ours.items() if b"frozen" not in (k or b"")}
        frozen = [v for k, v in ours.items() if k not in kept]
        assert kept and all(v is None for v in kept.values())
        assert len(frozen) == len(retired) and all(v is not None for v in frozen)
        assert not [h for h in run.households if any(h.encode() in (v or b"") for v in frozen)]
        # ... nor the vault their identity.
        with edge.core.engine.connect() as conn:
            left = set(conn.execute(select(signals.c.huishouden)).scalars())
            left |= set(conn.execute(select(cases.c.huishouden)).scalars())
        assert not left & set(run.households)

        reset(env, [data])
        with worker(env, data, tmp_path / "kpi-2.log"):
            replayed = await asyncio.to_thread(settled)
        assert replayed == before
    finally:
        await edge.close()
        found = client.keys(f"{kafka_settings.topic_prefix}wp:*")
        if found:
            client.delete(*found)
