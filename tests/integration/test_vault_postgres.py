"""The vault on SQLite and on a real PostgreSQL (deploy/local/postgres.sh): migrations from
empty and from a vault ``create_all`` made, backup and restore, and PostgreSQL restarted while
a delivery loads (docs/reliability.md)."""

from __future__ import annotations

import asyncio
import io
import threading
import time
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, func, insert, inspect, select, text
from sqlalchemy.engine.url import make_url
from sqlalchemy.exc import DBAPIError

from services.signals.pipeline import sources
from services.signals.pipeline.delivery import load_delivery, start_delivery
from services.signals.settings import Settings, SignalsSettings
from services.signals.vault.backup import backup, restore
from services.signals.vault.migrate import (
    current_revision,
    downgrade_vault,
    first_schema,
    head_revision,
    upgrade_vault,
)
from services.signals.vault.person_rights import erase, inzage, person_keys
from services.signals.vault.schema import deliveries, metadata, signals
from services.signals.vault.vault_context import SignalsCore, build_core, make_engine
from shared.contract.events import CloudEvent
from tests.fixtures.postgres import PostgresCluster

pytestmark = pytest.mark.integration
TODAY = date(2026, 6, 1)
HEADER = "ID;Signaalpartner;Bedrag;Signaaldatum;Burgerservicenummer;Achternaam;Postcode;Huisnummer"
BSNS = ["123456782", "111222333", "999993653"]


def _csv(count: int, prefix: str = "S") -> bytes:
    lines = [HEADER]
    for i in range(count):
        bsn = BSNS[i % len(BSNS)]
        day = f"2026-0{1 + i % 5}-{1 + i % 27:02d}"
        lines.append(f"{prefix}-{i};Huur;{100 + i};{day};{bsn};Naam{i % 7};5701AB;{1 + i % 40}")
    return ("\n".join(lines) + "\n").encode()


def _rows(core: SignalsCore, body: bytes) -> Iterator[sources.Row]:
    return sources.read_csv(io.BytesIO(body), core.domain.signals.csv)


class Collected:
    """The event sink: what a delivery published (Kafka is not under test here)."""

    def __init__(self) -> None:
        self.events: list[CloudEvent] = []

    async def publish(self, events: Sequence[CloudEvent]) -> None:
        self.events.extend(events)


def _core(url: str, batch_size: int = 200) -> SignalsCore:
    return build_core(Settings(signals=SignalsSettings(database_url=url, batch_size=batch_size)))


def _differences(engine: Engine) -> list[Any]:
    with engine.connect() as conn:
        return list(compare_metadata(MigrationContext.configure(conn), metadata))


def test_migrations_build_exactly_the_schema_from_empty(vault_url: str) -> None:
    engine = make_engine(vault_url)
    assert current_revision(engine) is None
    assert upgrade_vault(engine) == head_revision()
    assert _differences(engine) == []  # schema.py and the migrations agree
    assert upgrade_vault(engine) == head_revision()  # a second start changes nothing
    assert downgrade_vault(engine, "base") is None  # downgrade to nothing works too
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()


def test_services_starting_together_migrate_once(vault_url: str) -> None:
    """The service, a loader and a job starting at once: each waits for the lock (advisory on
    PostgreSQL, a file lock on SQLite) and finds the vault at head; none fails on a table
    another one just created."""
    engines = [make_engine(vault_url) for _ in range(3)]
    results: list[str | None] = []
    errors: list[BaseException] = []

    def start(engine: Engine) -> None:
        try:
            results.append(upgrade_vault(engine))
        except BaseException as exc:  # reported below, with the others' results
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(e,)) for e in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [] and results == [head_revision()] * 3
    assert _differences(engines[0]) == []
    for engine in engines:
        engine.dispose()


@pytest.mark.parametrize("older", [False, True], ids=["create_all-today", "before-change"])
def test_a_vault_made_by_create_all_is_adopted_with_its_rows(vault_url: str, older: bool) -> None:
    """A vault of the first schema (today's create_all, or the one before the two tables
    added later) keeps its rows, gets the missing tables and revision 0001, then head."""
    engine = make_engine(vault_url)
    legacy = first_schema()
    tables = [t for t in legacy.sorted_tables
              if not (older and t.name in ("resultaat_events", "event_households"))]  # fmt: skip
    legacy.create_all(engine, tables=tables)
    with engine.begin() as conn:
        entry = {"at": TODAY, "who": "fg", "role": "privacy-officer", "action": "inzage",
                 "target": "-", "rows": 1}  # fmt: skip
        conn.execute(insert(legacy.tables["access_log"]).values(entry))
    assert upgrade_vault(engine) == head_revision()
    assert _differences(engine) == []
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM access_log")).scalar_one() == 1
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    engine.dispose()


def test_backup_erase_restore_gives_the_same_inzage(
    vault_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    core = _core(vault_url)
    sink = Collected()
    delivery = start_delivery(core, "test", sources.DeliveryFormat.CSV)
    asyncio.run(load_delivery(core, sink, delivery, _rows(core, _csv(300)), TODAY))
    keys = {bsn: person_keys(core, bsn) for bsn in BSNS}
    before = {bsn: inzage(core, k) for bsn, k in keys.items()}
    assert all(before[b]["signalen"] for b in BSNS)

    started = time.perf_counter()
    file = tmp_path / "vault.backup"
    backup(vault_url, file)
    backed_up = time.perf_counter() - started
    erase(core, keys[BSNS[0]])  # a change after the backup that the restore undoes
    core.engine.dispose()
    url = make_url(vault_url)
    if url.get_backend_name() == "sqlite":
        Path(str(url.database)).unlink()  # the vault erased
        Path(f"{url.database}-wal").unlink(missing_ok=True)
        restored_url = vault_url
    else:
        postgres: PostgresCluster = request.getfixturevalue("postgres")
        postgres.drop_database(str(url.database))  # the vault erased
        name = postgres.create_database()
        request.addfinalizer(lambda: postgres.drop_database(name))
        restored_url = postgres.url(name)
    started = time.perf_counter()
    restore(restored_url, file)
    restored_in = time.perf_counter() - started
    again = _core(restored_url)  # the service's start: migrations find head, change nothing
    after = {bsn: inzage(again, k) for bsn, k in keys.items()}
    assert after == before
    with again.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(signals)).scalar_one() == 300
    print(
        f"\nbackup/restore {url.get_backend_name()}: 300 signals, {len(before)} persons, "
        f"backup {file.stat().st_size} bytes in {backed_up:.2f} s, restore {restored_in:.2f} s, "
        "inzage equal after restore"
    )
    again.engine.dispose()


def test_postgres_restarted_mid_upload_loses_or_doubles_no_signal(
    private_postgres: PostgresCluster,
) -> None:
    """PostgreSQL stops (fast shutdown) and starts again while a delivery loads. The
    batch in flight rolls back; the delivery fails (the partner sees an error) and is sent
    again, as a partner does: every signal ends in the vault exactly once, published."""
    count, batch = 1000, 50
    name = private_postgres.create_database()
    url = private_postgres.url(name)
    core = _core(url, batch_size=batch)
    body = _csv(count, prefix="R")
    sink = Collected()
    failure: list[BaseException] = []

    def first_attempt() -> None:
        delivery = start_delivery(core, "test", sources.DeliveryFormat.CSV)
        try:
            asyncio.run(load_delivery(core, sink, delivery, _rows(core, body), TODAY))
        except DBAPIError as exc:
            failure.append(exc)

    loading = threading.Thread(target=first_attempt)
    loading.start()
    deadline = time.monotonic() + 30
    while _stored(core) < 4 * batch:  # some batches committed, more to come
        assert time.monotonic() < deadline and loading.is_alive(), "the load did not get going"
        time.sleep(0.05)
    outage_start = time.monotonic()
    private_postgres.script("restart")
    outage = time.monotonic() - outage_start
    loading.join(timeout=60)
    assert not loading.is_alive()
    before_resend = _stored(core)

    resend_start = time.monotonic()
    # The partner sends the delivery again; the pool's pre-ping replaces the dead connections.
    delivery = start_delivery(core, "test", sources.DeliveryFormat.CSV)
    asyncio.run(load_delivery(core, sink, delivery, _rows(core, body), TODAY))
    recovered = time.monotonic() - outage_start
    resend = time.monotonic() - resend_start

    with core.engine.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(signals)).scalar_one()
        distinct = conn.execute(
            select(func.count()).select_from(
                select(signals.c.signaalpartner, signals.c.signaal_id).distinct().subquery()
            )
        ).scalar_one()
        unpublished = conn.execute(
            select(func.count()).select_from(signals).where(signals.c.published.is_(False))
        ).scalar_one()
        last = conn.execute(
            select(deliveries.c.accepted, deliveries.c.duplicates)
            .where(deliveries.c.id == delivery)
        ).one()  # fmt: skip
    published_ids = {e.id for e in sink.events}
    assert stored == distinct == count  # none lost, none doubled
    assert unpublished == 0 and len(published_ids) == count
    assert last.accepted + last.duplicates == count
    print(
        f"\nPostgreSQL restarted mid-upload: {count} signals in batches of {batch}; "
        f"{before_resend} stored when the first attempt "
        f"{'failed' if failure else 'ended'}, restart took {outage:.1f} s; resend accepted "
        f"{last.accepted}, duplicates {last.duplicates} in {resend:.1f} s; "
        f"in the vault {stored} (lost 0, doubled 0), events {len(sink.events)} "
        f"({len(sink.events) - count} resent, same ids); recovered {recovered:.1f} s after "
        "the restart began"
    )
    core.engine.dispose()


def _stored(core: SignalsCore) -> int:
    try:
        with core.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(signals)).scalar_one())
    except DBAPIError:
        return 0
