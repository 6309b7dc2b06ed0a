"""The identity vault's tables (SQLAlchemy Core): SQLite by default, PostgreSQL by URL;
built and changed by the Alembic migrations in ``migrations/`` (migrate.py), never create_all.

Shaped for the jobs that build on it (DDAS monthly export, retention, inzage/erasure, key
rotation): per signal its signaalpartner, dates, bedrag, pseudonyms (with key version) and
case; per case its period, datum opgepakt, resultaat and contactpogingen. Only ``identity``
holds personal data, and only Fernet-encrypted; ``persoon`` (HMAC of the BSN) finds a
person's rows for inzage and erasure without decrypting every row.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)

metadata = MetaData()

deliveries = Table(
    "deliveries",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("client", String(64), nullable=False),
    Column("format", String(8), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("status", String(16), nullable=False),  # loading, loaded, failed
    Column("rows", Integer, nullable=False, default=0),
    Column("accepted", Integer, nullable=False, default=0),
    Column("rejected", Integer, nullable=False, default=0),
    Column("duplicates", Integer, nullable=False, default=0),
    Column("error", String(200)),
)

delivery_problems = Table(
    "delivery_problems",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("delivery_id", ForeignKey("deliveries.id"), nullable=False, index=True),
    Column("row", Integer, nullable=False),
    Column("field", String(64), nullable=False),
    Column("reason", String(200), nullable=False),
    Column("kind", String(16), nullable=False),  # rejected, duplicate
)

cases = Table(
    "cases",
    metadata,
    Column("id", String(40), primary_key=True),  # vroegsignaalzaak_id
    Column("huishouden", String(64), nullable=False, index=True),
    Column("key_version", String(8), nullable=False),
    Column("wijk", String(64), nullable=False, index=True),
    Column("start", Date, nullable=False),  # start matchingperiode
    Column("einde", Date, nullable=False),  # last day of the matchingperiode
    Column("matchingsdatum", Date, nullable=False),  # when the case was formed
    Column("datum_opgepakt", Date),  # first contactpoging
    Column("resultaat", String(80)),
    Column("resultaat_datum", Date),
)

signals = Table(
    "signals",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("signaalpartner", String(32), nullable=False),
    Column("signaal_id", String(128), nullable=False),  # the partner's own id (DDAS ID)
    Column("signaal_pseudonym", String(64), nullable=False),  # what events carry
    Column("event_id", String(36), nullable=False),
    Column("published", Boolean, nullable=False, default=False),
    Column("delivery_id", ForeignKey("deliveries.id"), nullable=False, index=True),
    Column("case_id", ForeignKey("cases.id"), nullable=False, index=True),
    Column("huishouden", String(64), nullable=False, index=True),
    Column("persoon", String(64), index=True),
    Column("key_version", String(8), nullable=False),
    Column("wijk", String(64), nullable=False),
    Column("signaaldatum", Date, nullable=False),
    Column("ontstaansdatum", Date),
    Column("bedrag", Float, nullable=False),
    Column("crisis", Boolean, nullable=False),
    Column("warme_overdracht", Boolean, nullable=False),
    Column("identity", LargeBinary, nullable=False),  # Fernet token (crypto.py)
    Column("received_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("signaalpartner", "signaal_id", name="one_signal_per_partner_id"),
)

contactpogingen = Table(
    "contactpogingen",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", ForeignKey("cases.id"), nullable=False, index=True),
    Column("datum", Date, nullable=False),
    Column("soort", String(32), nullable=False),
    Column("dagdeel", String(16)),
    Column("bereikt", Boolean, nullable=False),
    Column("recorded_by", String(64), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("event_id", String(36), nullable=False),
)

# Added after the first release (when ``create_all`` still built the vault; both are in
# migration 0001). No foreign keys: the retention and erasure jobs delete the rows.
# A change here needs a migration: python -m services.signals.vault.migrate revision -m ...

resultaat_events = Table(
    "resultaat_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(40), nullable=False, index=True),
    Column("event_id", String(36), nullable=False),
)
"""Every vroegsignaal.resultaat published per zaak (a correction is another record): the
retention job tombstones each one's record."""

event_households = Table(
    "event_households",
    metadata,
    Column("case_id", String(40), primary_key=True),
    Column("huishouden", String(64), nullable=False),
)
"""A zaak's events keep the household pseudonym they started with across a key rotation (its
KPI table entry and partition); written by the rotation for the zaken it re-pseudonymises.
Without a row, the zaak's events carry ``cases.huishouden``."""

access_log = Table(
    "access_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("who", String(64), nullable=False, index=True),
    Column("role", String(32), nullable=False),
    Column("action", String(64), nullable=False),
    Column("target", String(128), nullable=False),
    Column("rows", Integer, nullable=False),
    # migration 0002: the person behind a signed-in read (token subject and name claim), the
    # route template, and the pseudonym the read concerned (household, person)
    Column("sub", String(128)),
    Column("naam", String(128)),
    Column("route", String(128)),
    Column("pseudoniem", String(64), index=True),
)

retention_runs = Table(
    "retention_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("today", Date, nullable=False),
    Column("zaken", Integer, nullable=False),
    Column("signals", Integer, nullable=False),
    Column("access_log", Integer, nullable=False),
)
"""Migration 0002: what each retention run deleted, when (the privacy officer's status)."""
