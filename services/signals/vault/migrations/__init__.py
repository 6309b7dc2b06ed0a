"""Alembic migrations of the signals vault (docs/operations.md#vault-migrations)."""
