"""The integration tier's PostgreSQL for the signals vault (tests/fixtures/postgres.py)."""

from tests.fixtures.postgres import postgres, postgres_url, private_postgres, vault_url

__all__ = ["postgres", "postgres_url", "private_postgres", "vault_url"]
