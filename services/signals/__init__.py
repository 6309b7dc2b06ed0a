"""Vroegsignalering schulden (docs/domain.md#vroegsignalering): signal deliveries in, identity kept
in the vault.

Pure modules (no Kafka, Redis, FastAPI or database): ``values``, ``validation``, ``cases``,
``priority``. The rest translates: sources read files as streams, ``pipeline`` stores and
publishes, the routes are thin.
"""
