"""Deadlines: open over termijn (list and KPI cells), each zaak's termijnen explanation and
the alert feed, from what the KPI worker keeps.
"""
