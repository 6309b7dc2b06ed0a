"""The demo vroegsignalering run through the real signals pipeline (vault + broker).

Loads the demo's DDAS deliveries (shared/demo/vroegsignaal_output.py) as the signaalpartners
send them and records the team's outreach calls through the service's own functions, each
event published with the service's acks=all publisher. Used by the export and retention tests.
"""

from __future__ import annotations

import io
import json
from datetime import date

from sqlalchemy import select

from services.signals import outreach, sources
from services.signals.pipeline import load_delivery, start_delivery
from services.signals.vault_schema import signals
from services.signals.wiring import SignalsEdge
from shared.demo.vroegsignaal_output import ddas_deliveries, outreach_calls
from shared.demo.vroegsignalen import PlannedCase


async def load_demo(edge: SignalsEdge, cases: list[PlannedCase], today: date) -> None:
    core = edge.core
    for name, delivery in ddas_deliveries(cases).items():
        delivery_id = start_delivery(core, f"demo-{name}", sources.DeliveryFormat.JSON)
        # The demo files hold a bare ``vroegsignalen`` list; the service reads the
        # Uitwisselmodel shape (leveringen[].vroegsignalen[]), so wrap them in one levering.
        levering = {"teller": 1, "gemeentecode": "0794", "vroegsignalen": delivery["vroegsignalen"]}
        rows = sources.read_ddas_json(io.BytesIO(json.dumps({"leveringen": [levering]}).encode()))
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
