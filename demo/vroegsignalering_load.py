"""``python -m demo.vroegsignalering_load``: the demo vroegsignalering through this service.

Loads the demo's DDAS deliveries (demo/vroegsignaal_output.py, the files the
signaalpartners would upload) through the same pipeline as an upload (vault, then the
vroegsignalen topic), and records the team's outreach calls with the same functions the
team's API uses, each event published and acknowledged. ``make run`` calls it after the
services started, so the werklijst and the bereik-vroegsignalering figures are live.
Skipped when the vault already holds the demo (a second run would add contactpogingen twice).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import sys
from datetime import date

from sqlalchemy import func, select

from demo.timing import month_start
from demo.vroegsignaal_output import ddas_deliveries, outreach_calls
from demo.vroegsignalen import PlannedCase, VroegsignaalOptions, plan_vroegsignalering
from services.signals.pipeline import outreach, sources
from services.signals.pipeline.delivery import load_delivery, start_delivery
from services.signals.settings import get_settings
from services.signals.vault.schema import deliveries, signals
from services.signals.wiring import SignalsEdge, start_edge
from shared.core.local_time import amsterdam_today
from shared.platform.settings import get_domain_config

DEMO_CLIENT = "demo-"


async def load_demo(edge: SignalsEdge, cases: list[PlannedCase], today: date) -> int:
    """Loads the deliveries and the outreach calls; returns the number of deliveries."""
    core = edge.core
    files = ddas_deliveries(cases)
    for name, delivery in files.items():
        delivery_id = start_delivery(core, DEMO_CLIENT + name, sources.DeliveryFormat.JSON)
        rows = sources.read_ddas_json(io.BytesIO(json.dumps(delivery).encode()))
        await load_delivery(core, edge.publisher, delivery_id, rows, today)
    for call in outreach_calls(cases):
        with core.engine.connect() as conn:
            case_id = conn.execute(
                select(signals.c.case_id).where(signals.c.signaal_id == call["signaal_id"])
            ).scalar_one()
        datum = date.fromisoformat(call["datum"])
        if call["call"] == "contactpoging":
            _, event = outreach.add_contactpoging(
                core, case_id, datum, call["soort"], call["dagdeel"], call["bereikt"], "demo"
            )
        else:
            _, event = outreach.set_resultaat(core, case_id, datum, call["resultaat"])
        await edge.publisher.publish([event])
    return len(files)


def _loaded_before(edge: SignalsEdge) -> bool:
    with edge.core.engine.connect() as conn:
        query = select(func.count()).where(deliveries.c.client.startswith(DEMO_CLIENT))
        return bool(conn.execute(query).scalar_one())


async def _run(options: VroegsignaalOptions, today: date) -> dict[str, object]:
    edge = await start_edge(get_settings(), client_id="wijkpuls-signals-demo")
    try:
        if _loaded_before(edge):
            return {"skipped": "the vault already holds the demo deliveries"}
        cases = plan_vroegsignalering(options, get_domain_config())
        files = await load_demo(edge, cases, today)
        return {"deliveries": files, "signals": sum(len(c.signals) for c in cases)}
    finally:
        await edge.close()


def main(argv: list[str] | None = None) -> int:
    today = amsterdam_today()
    parser = argparse.ArgumentParser(prog="python -m demo.vroegsignalering_load")
    parser.add_argument("--start", type=month_start, metavar="YYYY-MM",
                        help="first month (default: 12 months before this one)")  # fmt: skip
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--inhabitants", type=int, default=92_000, help="scales the volume")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    start = args.start or date(today.year - 1, today.month, 1)
    options = VroegsignaalOptions(start, args.months, args.seed, None, args.inhabitants)
    print(json.dumps(asyncio.run(_run(options, today))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
