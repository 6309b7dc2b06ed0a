"""``GET /metrics`` in the Prometheus text format on every HTTP service.

Request count and latency per route template and status (prometheus-fastapi-instrumentator),
on a registry of the app's own: one process may build several apps (the tests do), and the
library's global registry would refuse the second set of the same names. Services add their
own counters to ``app.state.metrics`` (the registry). The probes' routes are left out; the
route carries no figures or personal data, so it takes no key (keep it off the public
ingress: deploy/k8s exposes it to the cluster's Prometheus only).
"""

from __future__ import annotations

from fastapi import FastAPI
from prometheus_client import CollectorRegistry
from prometheus_fastapi_instrumentator import Instrumentator

NAMESPACE = "wijkpuls"


def install_metrics(app: FastAPI, service: str) -> CollectorRegistry:
    """Instrument ``app`` and mount ``/metrics``; the registry for the service's own metrics."""
    registry = CollectorRegistry()
    Instrumentator(
        should_group_status_codes=False,  # a 503 and a 500 are different stories
        excluded_handlers=["/metrics", "/health", "/ready"],
        registry=registry,
    ).instrument(app, metric_namespace=NAMESPACE, metric_subsystem=service).expose(
        app, include_in_schema=False
    )
    app.state.metrics = registry
    return registry
