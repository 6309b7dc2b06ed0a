"""The delivery report: counts and, per bad or duplicate row, its row, field and reason.

Nothing in it is a delivered value: the reasons come from validation, which never echoes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select

from services.signals.vault.schema import deliveries, delivery_problems
from services.signals.vault.vault_context import SignalsCore

INLINE_PROBLEMS = 1000  # more are in the CSV download, not in every JSON answer


def delivery_report(core: SignalsCore, delivery_id: str) -> dict[str, Any] | None:
    with core.engine.connect() as conn:
        head = conn.execute(select(deliveries).where(deliveries.c.id == delivery_id)).mappings()
        found = head.first()
        if found is None:
            return None
        problems = conn.execute(
            select(
                delivery_problems.c.row,
                delivery_problems.c.field,
                delivery_problems.c.reason,
                delivery_problems.c.kind,
            )
            .where(delivery_problems.c.delivery_id == delivery_id)
            .order_by(delivery_problems.c.row, delivery_problems.c.id)
            .limit(INLINE_PROBLEMS + 1)
        ).mappings()
        listed = [dict(p) for p in problems]
    report = {
        "delivery_id": found["id"],
        "client": found["client"],
        "format": found["format"],
        "status": found["status"],
        "received_at": found["received_at"].isoformat(),
        "finished_at": found["finished_at"].isoformat() if found["finished_at"] else None,
        "rows": found["rows"],
        "accepted": found["accepted"],
        "rejected": found["rejected"],
        "duplicates": found["duplicates"],
        "problems": listed[:INLINE_PROBLEMS],
        "problems_truncated": len(listed) > INLINE_PROBLEMS,
        "download": f"/api/v1/deliveries/{found['id']}/problems.csv",
    }
    if found["error"]:
        report["error"] = found["error"]
    return report


def delivery_client(core: SignalsCore, delivery_id: str) -> str | None:
    with core.engine.connect() as conn:
        return conn.execute(
            select(deliveries.c.client).where(deliveries.c.id == delivery_id)
        ).scalar_one_or_none()


def problems_csv(core: SignalsCore, delivery_id: str) -> Iterator[str]:
    """Every problem of a delivery as CSV lines (row;field;reason;kind), streamed."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["row", "field", "reason", "kind"])
    with core.engine.connect() as conn:
        result = conn.execution_options(yield_per=1000).execute(
            select(
                delivery_problems.c.row,
                delivery_problems.c.field,
                delivery_problems.c.reason,
                delivery_problems.c.kind,
            )
            .where(delivery_problems.c.delivery_id == delivery_id)
            .order_by(delivery_problems.c.row, delivery_problems.c.id)
        )
        for problem in result:
            writer.writerow(problem)
            if buffer.tell() > 65536:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
    yield buffer.getvalue()
