"""Reporting: the read side of the live KPI figures in Redis (BRIEF §4.1, §7)."""
