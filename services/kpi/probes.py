"""The worker's own pages on its faust web server: ``GET /health``, ``/ready`` and ``/metrics``.

- ``/health``: the process is alive and its event loop answers (the page runs on that loop,
  so a blocked loop answers nothing and the probe times out). Startup and liveness probes.
- ``/ready``: 200 only when the worker is a member of its group whose partitions are assigned
  and their tables restored (or that holds none on purpose: more workers than partitions),
  Redis answers, and the view of every partition it holds is complete: each marker there
  (services/kpi/view/healer.py; false during a rebuild, and after a reset until the replay has
  caught up). 503 otherwise; the body names each check. Readiness probe.
- ``/metrics``: the Prometheus text format of the worker's own registry
  (services/kpi/stream/metrics.py); lag and stalls are measured at each scrape.

Served on every interface (faust's ``web_bind``), port ``WIJKPULS_KPI_WEB_PORT``, without a
key: keep it off public ingress. ``register`` puts the pages on a worker's app
(services/kpi/wiring.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any

from faust import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from services.kpi.stream import metrics

if TYPE_CHECKING:
    from services.kpi.wiring import Worker

ASK_S = 2.0
"""How long a readiness check may wait for Redis before it counts as not answering."""


def register(worker: Worker) -> None:
    """``/health``, ``/ready`` and ``/metrics`` on the worker's web server, in this order."""
    app = worker.app

    async def health(self: web.View, request: web.Request) -> web.Response:
        return self.json({"status": "ok"})

    async def ready(self: web.View, request: web.Request) -> web.Response:
        body = await readiness(worker)
        return self.json(body, status=200 if body["ready"] else 503)

    async def prometheus(self: web.View, request: web.Request) -> web.Response:
        await worker.offsets.refresh()
        body = generate_latest(metrics.REGISTRY)
        return self.bytes(body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    app.page("/health")(health)
    app.page("/ready")(ready)
    app.page("/metrics")(prometheus)


async def readiness(worker: Worker) -> dict[str, Any]:
    app = worker.app
    # A rebalance ends only once the active partitions' tables are restored (faust).
    member = bool(app.rebalancing_count > 0 and not app.rebalancing)
    redis_ok = await _answers(worker.redis.ping()) is True
    incomplete = await _answers(worker.healer.incomplete()) if redis_ok else None
    checks = {"member": member, "redis": redis_ok, "view": member and incomplete == {}}
    held: dict[str, list[int]] = {}
    for topic, partition in worker.offsets.held():
        held.setdefault(topic, []).append(partition)
    return {
        "ready": all(checks.values()),
        "checks": checks,
        "partitions": held,  # none: idle, the group has more workers than partitions
        "view_incomplete": incomplete if isinstance(incomplete, dict) else None,
    }


async def _answers(question: Awaitable[Any]) -> Any:
    """The answer, or None when it failed or took longer than ``ASK_S``."""
    try:
        return await asyncio.wait_for(question, ASK_S)
    except Exception:  # Redis away or slow: not ready; the worker's log says why
        return None
