"""The HTTP edge of the iWmo adapter with the index, Kafka and the parking swapped for fakes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence

import httpx
import pytest
from fastapi import FastAPI
from fixtures.iwmo_berichten import PERSONAL, PROVIDER, PROVIDER_AUTH, XSD_DIR, Regel, bericht

from services.intake.credentials import Client, ClientRegistry
from services.intake.iwmo import routes
from services.intake.iwmo.adapter import IwmoAdapter
from services.intake.iwmo.mapping import PendingFact
from services.intake.iwmo.xsd import XsdSet
from shared.contract.events import CloudEvent
from shared.platform.problems import install_problem_handlers

XML = {"content-type": "application/xml", **PROVIDER_AUTH}


class FakeIndex:
    def __init__(self, known: dict[str, str]) -> None:
        self.known = known

    async def zaken(self, nummers: Iterable[str]) -> dict[str, str]:
        return {n: self.known[n] for n in nummers if n in self.known}


class FakePublisher:
    def __init__(self) -> None:
        self.events: list[CloudEvent] = []

    async def publish(self, events: Sequence[CloudEvent]) -> None:
        self.events.extend(events)


class FakeLimiter:
    def __init__(self) -> None:
        self.taken: list[tuple[str, int]] = []

    async def take(self, client: Client, cost: int) -> float:
        self.taken.append((client.name, cost))
        return 0.0


class FakeLot:
    def __init__(self) -> None:
        self.parked: list[PendingFact] = []

    async def park(self, facts: Sequence[PendingFact]) -> None:
        self.parked.extend(facts)


@pytest.fixture(scope="module")
def xsd() -> XsdSet:
    return XsdSet.load(XSD_DIR)


@pytest.fixture
def adapter(xsd: XsdSet) -> IwmoAdapter:
    return IwmoAdapter("0794", xsd, FakeIndex({"300201": "Z-1"}), FakePublisher(), FakeLot(), 8192)  # type: ignore[arg-type]


def _client(adapter: IwmoAdapter) -> httpx.AsyncClient:
    app = FastAPI()
    app.include_router(routes.router)
    install_problem_handlers(app)
    app.state.iwmo = adapter
    app.state.clients = ClientRegistry([Client.from_entry(PROVIDER)])
    app.state.limiter = FakeLimiter()
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://intake")


@pytest.fixture
async def client(adapter: IwmoAdapter) -> AsyncIterator[httpx.AsyncClient]:
    async with _client(adapter) as http:
        yield http


async def test_known_lines_are_published_and_unknown_ones_parked(
    client: httpx.AsyncClient, adapter: IwmoAdapter
) -> None:
    body = bericht("WMO305", [Regel("300201"), Regel("300202")])
    answer = await client.post("/api/v1/iwmo/berichten", content=body, headers=XML)
    assert answer.status_code == 202, answer.text
    reply = answer.json()
    assert (reply["status"], reply["validatie"]) == ("deels-geparkeerd", "xsd")
    assert [(r["toewijzingnummer"], r["status"]) for r in reply["regels"]] == [
        ("300201", "gepubliceerd"),
        ("300202", "geparkeerd"),
    ]
    (event,) = adapter.publisher.events  # type: ignore[attr-defined]
    (parked,) = adapter.parking.parked  # type: ignore[attr-defined]
    assert (event.data.zaak_id, event.id) == ("Z-1", reply["regels"][0]["id"])  # type: ignore[attr-defined]
    assert parked.event_id == reply["regels"][1]["id"]
    assert not any(value in answer.text for value in PERSONAL)


async def test_all_unknown_is_geparkeerd(client: httpx.AsyncClient) -> None:
    body = bericht("WMO307", [Regel("999")])
    answer = await client.post(
        "/api/v1/iwmo/berichten", content=body, headers={**XML, "content-type": "text/xml"}
    )
    assert answer.json()["status"] == "geparkeerd"


async def test_invalid_xml_gets_a_problem_naming_the_element(client: httpx.AsyncClient) -> None:
    body = bericht("WMO305", [Regel("300201")], bsn="12345678X")
    answer = await client.post("/api/v1/iwmo/berichten", content=body, headers=XML)
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["errors"][0]["element"] == "Bericht/Client/Bsn"
    assert "12345678X" not in answer.text


async def test_malformed_and_forbidden_xml_are_400(client: httpx.AsyncClient) -> None:
    bad = await client.post("/api/v1/iwmo/berichten", content=b"<Bericht><Header>", headers=XML)
    assert bad.status_code == 400 and bad.json()["errors"][0]["element"] == "Bericht/Header"
    doctype = b'<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'
    forbidden = await client.post("/api/v1/iwmo/berichten", content=doctype, headers=XML)
    assert forbidden.status_code == 400 and forbidden.json()["errors"][0]["element"] == "DOCTYPE"


async def test_size_and_content_type_are_checked_before_parsing(client: httpx.AsyncClient) -> None:
    big = b"<a>" + b" " * 9000 + b"</a>"
    too_big = await client.post("/api/v1/iwmo/berichten", content=big, headers=XML)
    assert too_big.status_code == 413

    async def chunks() -> AsyncIterator[bytes]:  # no content-length: the stream is counted
        for _ in range(3):
            yield b" " * 4096

    streamed = await client.post("/api/v1/iwmo/berichten", content=chunks(), headers=XML)
    assert streamed.status_code == 413
    json_body = await client.post("/api/v1/iwmo/berichten", json={"a": 1}, headers=PROVIDER_AUTH)
    assert json_body.status_code == 415


async def test_without_xsd_the_answer_says_only_the_elements_were_checked(
    adapter: IwmoAdapter,
) -> None:
    adapter.xsd = None
    async with _client(adapter) as http:
        answer = await http.post(
            "/api/v1/iwmo/berichten", content=bericht("WMO305", [Regel("300201")]), headers=XML
        )
    assert answer.json()["validatie"] == "elementen"


async def test_a_provider_needs_its_key_and_may_deliver_only_for_its_own_agb(
    client: httpx.AsyncClient, adapter: IwmoAdapter
) -> None:
    body = bericht("WMO305", [Regel("300201")])
    anonymous = await client.post(
        "/api/v1/iwmo/berichten", content=body, headers={"content-type": "application/xml"}
    )
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"].startswith("Bearer")
    other = bericht("WMO305", [Regel("300201")], afzender="12345678")
    refused = await client.post("/api/v1/iwmo/berichten", content=other, headers=XML)
    assert refused.status_code == 403
    assert refused.json()["errors"] == [
        {
            "element": "Bericht/Header/Afzender",
            "reason": "is an AGB code this client may not deliver messages for",
            "type": "source_not_allowed",
        }
    ]
    assert adapter.publisher.events == adapter.parking.parked == []  # type: ignore[attr-defined]
