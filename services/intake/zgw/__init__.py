"""ZGW adapter: Open Notificaties callbacks in, Zaken/Besluiten API reads, catalog events out.

Notifications are thin triggers (they may come early, twice or not at all): each one only
says "look at this zaak again". The adapter reads the zaak's current state, derives the
catalog facts with deterministic ids (``mapping``) and publishes those it has not published
before; a periodic reconciliation (``reconcile``) does the same for what no notification
mentioned. docs/adapters.md (ZGW) has the mapping table.
"""
