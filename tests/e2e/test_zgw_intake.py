"""The intake process with its ZGW adapter: Open Notificaties callback and periodic
reconciliation against a local Zaken/Besluiten API, into the real Kafka."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from aiokafka import AIOKafkaConsumer
from fixtures.service_procs import free_port, http_ok, run_service
from fixtures.zgw_server import FakeZgw

from shared.contract.events import CloudEvent, from_kafka_record

pytestmark = pytest.mark.e2e

CLIENT_ID, SECRET = "wijkpuls-e2e", "zgw-e2e-secret-0123456789"
CALLBACK = "Token abonnement-e2e-0123456789"
T0 = datetime(2026, 3, 2, 8, 47, 12, tzinfo=UTC)
AFWIJZING = "https://catalogi.helmond.example/catalogi/api/v1/besluittypen/99aa1a59-67a0-56ae-8c1d-a48c24ddb1e0"
RECONCILE_S = 6
INTAKE = ["-m", "services.intake"]


@pytest.fixture
async def zgw_api() -> AsyncIterator[FakeZgw]:
    async with FakeZgw(CLIENT_ID, SECRET).serving() as api:
        yield api


@pytest.fixture
def zgw_intake_url(service_env: dict[str, str], zgw_api: FakeZgw, tmp_path: Path) -> Iterator[str]:
    env = {
        **service_env,
        "WIJKPULS_ZGW_ZAKEN_API_URL": zgw_api.zrc,
        "WIJKPULS_ZGW_BESLUITEN_API_URL": zgw_api.brc,
        "WIJKPULS_ZGW_CLIENT_ID": CLIENT_ID,
        "WIJKPULS_ZGW_SECRET": SECRET,
        "WIJKPULS_ZGW_CALLBACK_AUTHORIZATION": CALLBACK,
        "WIJKPULS_ZGW_RECONCILE_INTERVAL_S": str(RECONCILE_S),
        "WIJKPULS_ZGW_RECONCILE_WINDOW_DAYS": "3650",
    }
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    args = [*INTAKE, "--port", str(port)]
    with run_service(args, env, tmp_path / "intake.log", http_ok(url + "/ready")):
        yield url


async def read_events(
    bootstrap: str, topic: str, expected: int, timeout_s: float
) -> list[CloudEvent]:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"e2e-{uuid.uuid4()}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    records: list = []
    try:
        deadline = asyncio.get_running_loop().time() + timeout_s
        while len(records) < expected and asyncio.get_running_loop().time() < deadline:
            for batch in (await consumer.getmany(timeout_ms=300)).values():
                records.extend(batch)
        for batch in (await consumer.getmany(timeout_ms=1500)).values():  # and no more
            records.extend(batch)
    finally:
        await consumer.stop()
    return [from_kafka_record(r.key, r.value, r.headers) for r in records]


async def test_callbacks_and_reconciliation_reach_kafka(
    zgw_api: FakeZgw, zgw_intake_url: str, kafka_bootstrap: str, topic_prefix: str
):
    topic = f"{topic_prefix}wijkpuls.events"
    notified = zgw_api.add_zaak(T0, identificatie="ZAAK-2026-0000000401")
    besluit = zgw_api.add_besluit(notified, besluittype=AFWIJZING, datum="2026-04-21")
    never_notified = zgw_api.add_zaak(T0, identificatie="ZAAK-2026-0000000402")
    callbacks = [
        zgw_api.notificatie("zaak", notified["url"], "create", T0),
        zgw_api.notificatie("besluit", besluit["url"], "create", datetime(2026, 4, 21, tzinfo=UTC)),
    ]
    async with httpx.AsyncClient(base_url=zgw_intake_url) as http:
        for body in callbacks + callbacks:  # Open Notificaties may deliver twice
            answer = await http.post(
                "/api/v1/zgw/notificaties", json=body, headers={"Authorization": CALLBACK}
            )
            assert answer.status_code == 204, answer.text

    # 2 facts of the notified zaak; the other zaak's aangemeld comes from reconciliation.
    events = await read_events(kafka_bootstrap, topic, expected=3, timeout_s=RECONCILE_S * 4)
    got = sorted((e.subject, e.type.rsplit(".", 1)[1]) for e in events)
    assert got == [
        ("ZAAK-2026-0000000401", "aangemeld"),
        ("ZAAK-2026-0000000401", "besloten"),
        ("ZAAK-2026-0000000402", "aangemeld"),
    ]
    assert len({e.id for e in events}) == 3
    assert "/zaken/api/v1/zaken" in zgw_api.requests  # the reconciliation's list
    assert never_notified["identificatie"] == "ZAAK-2026-0000000402"
