"""The access log names the person behind a read (subject, name claim), its route and the
pseudonym it concerned; the retention runs are recorded (issue 16).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_ADDED = (("sub", 128), ("naam", 128), ("route", 128), ("pseudoniem", 64))


def upgrade() -> None:
    # batch mode: SQLite adds columns in place, and drops them by copying the table
    with op.batch_alter_table("access_log") as table:
        for name, length in _ADDED:
            table.add_column(sa.Column(name, sa.String(length)))
    op.create_index("ix_access_log_pseudoniem", "access_log", ["pseudoniem"])
    op.create_table(
        "retention_runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("today", sa.Date, nullable=False),
        sa.Column("zaken", sa.Integer, nullable=False),
        sa.Column("signals", sa.Integer, nullable=False),
        sa.Column("access_log", sa.Integer, nullable=False),
    )
    op.create_index("ix_retention_runs_at", "retention_runs", ["at"])


def downgrade() -> None:
    op.drop_index("ix_retention_runs_at", "retention_runs")
    op.drop_table("retention_runs")
    op.drop_index("ix_access_log_pseudoniem", "access_log")
    with op.batch_alter_table("access_log") as table:
        for name, _ in _ADDED:
            table.drop_column(name)
