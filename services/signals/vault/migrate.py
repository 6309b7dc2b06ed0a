"""The vault's schema by Alembic migrations (services/signals/vault/migrations), for SQLite
and PostgreSQL alike; the service, the CLI loader and the jobs run ``upgrade_vault`` at start.

A vault that ``metadata.create_all`` made before migrations existed has tables but no
``alembic_version``: it is adopted by creating whatever of revision 0001 it lacks (exactly
what ``create_all`` would have added: it only ever added tables) and stamping it 0001, then
upgraded like any other. Concurrent starts are serialised: a transaction-scoped advisory lock
on PostgreSQL (whose DDL is transactional, so a failed upgrade leaves nothing half done), a
file lock beside the database file on SQLite.

    python -m services.signals.vault.migrate upgrade            # to head (what a start does)
    python -m services.signals.vault.migrate current|history
    python -m services.signals.vault.migrate downgrade <rev>
    python -m services.signals.vault.migrate revision -m "what changes"   # autogenerate

against ``WIJKPULS_SIGNALS_DATABASE_URL``; docs/operations.md#vault-migrations.
"""

from __future__ import annotations

import argparse
import fcntl
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, MetaData, inspect, text

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
FIRST_REVISION = "0001"
# pg_advisory_xact_lock key: "wijkpuls" read as a number, any fixed value would do.
LOCK_KEY = 0x77696A6B70756C73 & 0x7FFFFFFFFFFFFFFF

log = logging.getLogger("wijkpuls.signals.vault")


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def first_schema() -> MetaData:
    """The tables of revision 0001 (the schema ``create_all`` built before migrations)."""
    script = ScriptDirectory.from_config(alembic_config()).get_revision(FIRST_REVISION)
    assert script is not None and script.module is not None
    schema: MetaData = script.module.first_schema()
    return schema


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade_vault(engine: Engine, revision: str = "head") -> str | None:
    """Bring the vault to ``revision``; returns the revision it is at afterwards."""
    with _exclusive(engine), engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
        config = alembic_config(conn)
        tables = set(inspect(conn).get_table_names())
        if "alembic_version" not in tables and tables & set(first_schema().tables):
            missing = sorted(set(first_schema().tables) - tables)
            first_schema().create_all(conn)  # checkfirst: adds only what is missing
            command.stamp(config, FIRST_REVISION)
            log.info("vault made by create_all adopted as revision 0001",
                     extra={"tables_added": len(missing)})  # fmt: skip
        command.upgrade(config, revision)
        return MigrationContext.configure(conn).get_current_revision()


def downgrade_vault(engine: Engine, revision: str) -> str | None:
    """Back to ``revision`` (``base``: no tables); a restore from backup is the usual way back."""
    with _exclusive(engine), engine.begin() as conn:
        command.downgrade(alembic_config(conn), revision)
        return MigrationContext.configure(conn).get_current_revision()


@contextmanager
def _exclusive(engine: Engine) -> Iterator[None]:
    """A file lock beside a SQLite vault (PostgreSQL locks inside the transaction)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    Path(database).parent.mkdir(parents=True, exist_ok=True)
    with open(f"{database}.migrate-lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def main(argv: list[str] | None = None) -> int:
    from services.signals.settings import get_settings
    from services.signals.vault.vault_context import make_engine

    parser = argparse.ArgumentParser(
        prog="python -m services.signals.vault.migrate",
        description="Alembic migrations of the signals vault (WIJKPULS_SIGNALS_DATABASE_URL).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    up = commands.add_parser("upgrade", help="migrate to a revision (default head)")
    up.add_argument("revision", nargs="?", default="head")
    down = commands.add_parser("downgrade", help="migrate back to a revision (base: empty)")
    down.add_argument("revision")
    commands.add_parser("current", help="print the vault's revision")
    commands.add_parser("history", help="list the revisions")
    new = commands.add_parser("revision", help="a new revision autogenerated from schema.py")
    new.add_argument("-m", "--message", required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    engine = make_engine(get_settings().signals.database_url)
    if args.command == "upgrade":
        print(upgrade_vault(engine, args.revision))
        return 0
    if args.command == "current":
        print(current_revision(engine))
        return 0
    if args.command == "downgrade":
        print(downgrade_vault(engine, args.revision))
        return 0
    if args.command == "history":
        command.history(alembic_config())
        return 0
    with _exclusive(engine), engine.begin() as conn:
        command.revision(alembic_config(conn), message=args.message, autogenerate=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
