"""Operator commands of the KPI workers: replay reset and lag (docs/operations.md)."""
