"""The KPI worker is built by ``build_worker(settings)``, not at import (services/kpi/wiring.py).

Importing any module of services.kpi builds no faust app and opens no connection; a built
worker has the app id, agents, tables and topics the import-time modules had before (the
names below were read from that construction, with topic prefix ``t.`` and app id
``kpi-a``): deployed workers' consumer group and changelog topics depend on them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from services.kpi.settings import KpiSettings, Settings
from services.kpi.wiring import Worker, build_worker
from shared.platform.settings import KafkaSettings

ROOT = Path(__file__).resolve().parents[2]

AGENTS = [  # name (faust's, from the function's module and name), topic; in registration order
    ("services.kpi.vroegsignalen.agent.process_vroegsignalen", "t.wijkpuls.vroegsignalen"),
    ("services.kpi.zaken.agent.process_events", "t.wijkpuls.events"),
    ("services.kpi.zaken.agent.process_ticks", "t.kpi-a-alert-ticks"),
]
TABLES = [  # name, partitions, changelog topic; in creation order
    ("vroegsignaalzaken", 6, "t.kpi-a-vroegsignaalzaken-changelog"),
    ("zaken", 6, "t.kpi-a-zaken-changelog"),
    ("applied-offsets", 6, "t.kpi-a-applied-offsets-changelog"),
]
TOPICS = {
    "events": "t.wijkpuls.events",
    "dlq": "t.wijkpuls.dlq",
    "alerts": "t.wijkpuls.alerts",
    "ticks": "t.kpi-a-alert-ticks",
    "vroegsignalen": "t.wijkpuls.vroegsignalen",
}
TASKS = ["_unstick_tick", "_quiet_root_logger", "_tune_gc", "view_check", "alert_clock"]
"""faust starts them in this order."""
TIMERS = {  # the name faust logs a timer under, and its interval (the settings' defaults)
    "_unstick_tick": ("services.kpi.stream.offsets.unstick", 15.0),
    "view_check": ("services.kpi.view.rebuild.view_check", 1.0),
    "alert_clock": ("services.kpi.zaken.timers.alert_clock", 30.0),
}
PAGES = ["/health", "/ready", "/metrics"]

IMPORT_EVERYTHING = """
import gc, importlib, json, pkgutil, socket

attempts = []

def refuse(self, address, *args):
    attempts.append(repr(address))
    raise OSError("no connection while importing or building")

socket.socket.connect = refuse
socket.socket.connect_ex = refuse

import faust
import redis.asyncio
import services.kpi

names = sorted(
    m.name
    for m in pkgutil.walk_packages(services.kpi.__path__, "services.kpi.")
    if m.name != "services.kpi.__main__"
)
for name in names:
    importlib.import_module(name)
imported = {
    "modules": names,
    "apps": sum(isinstance(o, faust.App) for o in gc.get_objects()),
    "redis_clients": sum(isinstance(o, redis.asyncio.Redis) for o in gc.get_objects()),
    "attempts": list(attempts),
}

from services.kpi.settings import get_settings
from services.kpi.wiring import build_worker

worker = build_worker(get_settings())
built = {"app_id": worker.app.conf.id, "attempts": list(attempts)}
print(json.dumps({"imported": imported, "built": built}))
"""


def settings(prefix: str = "t.", app_id: str = "kpi-a") -> Settings:
    return Settings(
        kafka=KafkaSettings(topic_prefix=prefix, events_partitions=6, vroegsignalen_partitions=6),
        kpi=KpiSettings(app_id=app_id, store="memory://"),
    )


@pytest.fixture(scope="module")
def worker() -> Worker:
    return build_worker(settings())


def test_importing_every_kpi_module_builds_no_app_and_opens_no_connection() -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
        "WIJKPULS_KAFKA_BOOTSTRAP_SERVERS": "kafka.invalid:9092",
        "WIJKPULS_REDIS_URL": "redis://redis.invalid:6379/0",
    }
    done = subprocess.run(  # this interpreter, our own modules
        [sys.executable, "-c", IMPORT_EVERYTHING],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    imported, built = found["imported"], found["built"]
    assert "services.kpi.wiring" in imported["modules"]
    assert "services.kpi.zaken.agent" in imported["modules"]
    assert imported["apps"] == 0
    assert imported["redis_clients"] == 0
    assert imported["attempts"] == []
    # Building needs neither Kafka nor Redis: faust and redis-py connect when used.
    assert built == {"app_id": "wijkpuls-kpi", "attempts": []}


def test_the_app_id_is_the_prefixed_consumer_group(worker: Worker) -> None:
    assert worker.app.conf.id == "t.kpi-a"


def test_the_agents_are_the_ones_the_modules_registered_at_import(worker: Worker) -> None:
    agents = list(worker.app.agents.values())
    assert [(a.name, a.channel.get_topic_name()) for a in agents] == AGENTS
    assert [a.concurrency for a in agents] == [1, 1, 1]  # faust #606


def test_the_tables_and_their_changelogs_keep_their_names(worker: Worker) -> None:
    tables = [
        (t.name, t.partitions, t.changelog_topic.get_topic_name())
        for t in worker.app.tables.values()
    ]
    assert tables == TABLES
    assert worker.tables.zaken.name == "zaken"
    assert worker.tables.applied_offsets.name == "applied-offsets"
    assert worker.tables.vroegsignaalzaken is worker.vroegsignalen.table


def test_the_topics_keep_their_names_and_the_ticks_their_shape(worker: Worker) -> None:
    names = {kind: getattr(worker.topics, kind).get_topic_name() for kind in TOPICS}
    assert names == TOPICS
    ticks = worker.topics.ticks
    assert (ticks.internal, ticks.partitions, ticks.retention) == (True, 6, timedelta(days=1))
    assert worker.offsets.sources == {TOPICS["events"], TOPICS["vroegsignalen"], TOPICS["ticks"]}


def test_tasks_timers_pages_and_hooks_are_registered_as_before(worker: Worker) -> None:
    app = worker.app
    assert [t.__name__ for t in app._app_tasks] == TASKS
    for task in app._app_tasks:
        if task.__name__ in TIMERS:
            timer = task.__wrapped__  # faust's loop around the timer's function
            cells = dict(zip(timer.__code__.co_freevars, timer.__closure__, strict=True))
            found = (cells["timer_name"].cell_contents, cells["interval_s"].cell_contents)
            assert found == TIMERS[task.__name__]
    assert list(app.web.views) == PAGES
    assert [type(s).__name__ for s in app.sensors] == ["OffsetSensor"]

    def receivers(signal: object) -> list[str]:
        per_sender = signal._filter_receivers.values()  # type: ignore[attr-defined]
        return sorted(f.__name__ for found in per_sender for f in found)

    assert receivers(app.on_partitions_assigned) == ["_rebuild_schedule"]
    assert receivers(app.on_before_shutdown) == ["_stop_broker_offsets", "_stop_clients"]


def test_two_workers_are_independent(worker: Worker) -> None:
    other = build_worker(settings(prefix="u.", app_id="kpi-b"))
    assert other.app is not worker.app
    assert (worker.app.conf.id, other.app.conf.id) == ("t.kpi-a", "u.kpi-b")
    assert [a.channel.get_topic_name() for a in other.app.agents.values()] == [
        "u.wijkpuls.vroegsignalen",
        "u.wijkpuls.events",
        "u.kpi-b-alert-ticks",
    ]
    assert len(worker.app.agents) == len(worker.app.tables) == 3  # the other added none here
    assert other.lock is not worker.lock
    assert other.processor is not worker.processor
    assert other.redis is not worker.redis
