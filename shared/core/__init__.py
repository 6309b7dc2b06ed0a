"""The pure core: the legal clocks, KPI maths and alert decisions (docs/architecture.md).

Imports nothing from Kafka, Redis, FastAPI or the rest of ``shared``: dates and facts in,
figures and decisions out, so every rule can be unit-tested and replayed.
"""
