"""The intake's own Prometheus metrics, beside the request metrics every service has."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter


class IntakeMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.events = Counter(
            "wijkpuls_intake_events",
            "Events answered by the intake, per client (its configured name) and outcome "
            "(accepted, duplicate, rejected)",
            ["client", "outcome"],
            registry=registry,
        )
        self.unavailable = Counter(
            "wijkpuls_intake_unavailable",
            "Posts answered 503 because Kafka or Redis could not take them, per dependency",
            ["dependency"],
            registry=registry,
        )
