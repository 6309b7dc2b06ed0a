"""The vault's first migrated schema: exactly what ``metadata.create_all`` built before
migrations (schema.py at that time, frozen here: later changes are later revisions).

Revision ID: 0001
Revises:
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op
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

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def first_schema() -> MetaData:
    """The tables of this revision. Also used to adopt a vault that ``create_all`` made
    (services.signals.vault.migrate): creating what is missing of these is what it did."""
    metadata = MetaData()
    Table(
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

    Table(
        "delivery_problems",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("delivery_id", ForeignKey("deliveries.id"), nullable=False, index=True),
        Column("row", Integer, nullable=False),
        Column("field", String(64), nullable=False),
        Column("reason", String(200), nullable=False),
        Column("kind", String(16), nullable=False),  # rejected, duplicate
    )

    Table(
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

    Table(
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

    Table(
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

    # Added after the first release (create_all added them to older vaults); no foreign keys.

    Table(
        "resultaat_events",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("case_id", String(40), nullable=False, index=True),
        Column("event_id", String(36), nullable=False),
    )

    Table(
        "event_households",
        metadata,
        Column("case_id", String(40), primary_key=True),
        Column("huishouden", String(64), nullable=False),
    )

    Table(
        "access_log",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("at", DateTime(timezone=True), nullable=False, index=True),
        Column("who", String(64), nullable=False, index=True),
        Column("role", String(32), nullable=False),
        Column("action", String(64), nullable=False),
        Column("target", String(128), nullable=False),
        Column("rows", Integer, nullable=False),
    )
    return metadata


def upgrade() -> None:
    first_schema().create_all(op.get_bind())


def downgrade() -> None:
    first_schema().drop_all(op.get_bind())
