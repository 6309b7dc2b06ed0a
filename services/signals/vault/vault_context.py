"""What loading, the werklijst and outreach share, built once from settings (no Kafka).

The CLI loader and the HTTP app both build this; the app adds the Kafka publisher.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine.url import make_url

from services.signals.settings import Settings
from services.signals.vault.crypto import IdentityCipher
from services.signals.vault.migrate import upgrade_vault
from shared.core.domain_config import DomainConfig, load_domain_config
from shared.core.pseudonym import Pseudonymiser


@dataclass(frozen=True)
class SignalsCore:
    engine: Engine
    cipher: IdentityCipher
    pseudonymiser: Pseudonymiser
    domain: DomainConfig
    source: str
    batch_size: int

    @property
    def window_months(self) -> int:
        return self.domain.retention.vroegsignalering.matching_window_months


def make_engine(database_url: str) -> Engine:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _pragmas(connection, _record):  # type: ignore[no-untyped-def]
        # WAL lets the werklijst read while a delivery loads; foreign keys are off by default.
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine


def build_core(settings: Settings) -> SignalsCore:
    engine = make_engine(settings.signals.database_url)
    upgrade_vault(engine)  # Alembic migrations to head (migrate.py), SQLite and PostgreSQL
    return SignalsCore(
        engine=engine,
        cipher=IdentityCipher(settings.signals.vault_key),
        pseudonymiser=Pseudonymiser(settings.pseudonym.key, settings.pseudonym.key_version),
        domain=load_domain_config(settings.app.domain_config),
        source=settings.signals.source,
        batch_size=settings.signals.batch_size,
    )
