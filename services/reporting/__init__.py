"""Reporting: the read side of the live KPI figures in Redis (docs/domain.md#reporting-api,
docs/domain.md#components)."""
