"""Paging, CSV and the NL API Design Rules on the signals lists (werklijst, access log), over
the real vault, broker and Redis (docs/domain.md#reporting-api, docs/domain.md#reporting-api)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from test_signals_api import ENERGIE, FG, SECRETS, TEAM, TODAY, csv_delivery, ddas_delivery

from services.signals.app import create_app
from services.signals.settings import Settings, SignalsSettings
from shared.contract.topics import TopicSpec
from shared.platform.settings import KafkaSettings

pytestmark = pytest.mark.integration


def more_households() -> bytes:
    lines = [
        "ID;Signaalpartner;Bedrag;Ontstaansdatum;Signaaldatum;Crisissignaal;"
        "Burgerservicenummer;Achternaam;Geboortedatum;Straatnaam;Postcode;Huisnummer"
    ]
    for i in range(3):
        lines.append(f"N-{i};Huur;{50 + i};2026-01-01;2026-03-1{i};nee;;Pieterse;"
                     f"1960-01-0{i + 1};Lijsterlaan;5703GH;{i + 10}")  # fmt: skip
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
async def http(
    tmp_path: Path, kafka_settings: KafkaSettings, kafka_topics: list[TopicSpec], redis_url: str
) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(
        kafka=kafka_settings,
        signals=SignalsSettings(database_url=f"sqlite:///{tmp_path}/vault.db"),
    )
    app = create_app(settings, today=lambda: TODAY)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://signals") as client:
            files = {"file": ("levering.csv", csv_delivery(), "text/csv")}
            assert (await client.post("/api/v1/deliveries", files=files, headers=TEAM)).is_success
            files = {"file": ("levering.json", ddas_delivery(), "application/json")}
            assert (
                await client.post("/api/v1/deliveries", files=files, headers=ENERGIE)
            ).is_success
            yield client


async def follow(
    http: httpx.AsyncClient, first: dict[str, Any], member: str, headers: dict[str, str]
) -> list[dict[str, Any]]:
    served = list(first[member])
    answer = first
    while "next" in answer["_links"]:
        response = await http.get(answer["_links"]["next"]["href"], headers=headers)
        assert response.status_code == 200 and response.headers["API-Version"] == "1.0.0"
        answer = response.json()
        served += answer[member]
    return served


async def test_werklijst_pages_stably_and_as_csv(http: httpx.AsyncClient) -> None:
    whole = (await http.get("/api/v1/werklijst", headers=TEAM)).json()
    ids = [z["vroegsignaalzaak_id"] for z in whole["zaken"]]
    assert whole["total"] == len(ids) == 2
    assert whole["_links"] == {"self": {"href": "/api/v1/werklijst"}}

    first = await http.get("/api/v1/werklijst?limit=1", headers=TEAM)
    assert first.headers["API-Version"] == "1.0.0"
    page = first.json()
    assert (page["total"], len(page["zaken"])) == (2, 1)
    assert page["_links"]["next"]["href"].startswith("/api/v1/werklijst?limit=1&cursor=")
    # New households arrive between the pages: the zaken there throughout come once each.
    files = {"file": ("levering.csv", more_households(), "text/csv")}
    loaded = (await http.post("/api/v1/deliveries", files=files, headers=TEAM)).json()
    assert loaded["accepted"] == 3, loaded
    served = [z["vroegsignaalzaak_id"] for z in await follow(http, page, "zaken", TEAM)]
    assert len(served) == len(set(served)) and set(ids) <= set(served)
    everything = (await http.get("/api/v1/werklijst", headers=TEAM)).json()
    assert everything["total"] == 5 and "next" not in everything["_links"]

    as_csv = await http.get("/api/v1/werklijst", params={"format": "csv", "limit": "2"},
                            headers=TEAM)  # fmt: skip
    assert as_csv.headers["content-type"].startswith("text/csv")
    lines = as_csv.text.split("\r\n")
    assert lines[0] == (
        "vroegsignaalzaak_id,wijk,crisis,meervoudig,bedrag,eerste_signaal,"
        "matchingperiode_start,matchingperiode_einde,datum_opgepakt,n_signalen,signaalpartners"
    )
    assert lines[1].startswith(f"{ids[0]},Binnenstad,true,true,")
    assert lines[1].endswith(",2,energie huur") and len(lines) == 4
    assert 'rel="next"' in as_csv.headers["Link"] and as_csv.headers["X-Total-Count"] == "5"
    assert not [s for s in SECRETS if s.casefold() in as_csv.text.casefold()]
    accept = await http.get("/api/v1/werklijst", headers={"Accept": "text/csv", **TEAM})
    assert accept.text.startswith("vroegsignaalzaak_id,")


async def test_access_log_pages_past_its_own_new_entries(http: httpx.AsyncClient) -> None:
    for _ in range(4):
        assert (await http.get("/api/v1/werklijst", headers=TEAM)).status_code == 200
    before = (await http.get("/api/v1/access-log", headers=FG)).json()
    assert before["total"] == len(before["entries"]) == 4
    # Every read of the log writes an entry, newer than the cursor: it does not shift pages.
    first = (await http.get("/api/v1/access-log?limit=2", headers=FG)).json()
    assert first["total"] == 5 and len(first["entries"]) == 2
    served = await follow(http, first, "entries", FG)
    assert served == sorted(served, key=lambda e: (e["at"], e["id"]), reverse=True)
    ids = [e["id"] for e in served]
    assert len(ids) == len(set(ids)) and {e["id"] for e in before["entries"]} <= set(ids)
    as_csv = await http.get("/api/v1/access-log?format=csv&limit=1", headers=FG)
    lines = as_csv.text.split("\r\n")
    header = "id,at,who,role,action,target,rows,sub,naam,route,pseudoniem"
    assert lines[0] == header and len(lines) == 3
    assert ",read-access-log,access-log," in lines[1]


@pytest.mark.parametrize("url", ["/api/v1/werklijst", "/api/v1/access-log"])
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "1001"}, "limit"),
        ({"cursor": "bm9wZQ"}, "cursor"),
        ({"cursor": "WyIyMDI2LTAzLTAxVDAwOjAwOjAwKzAwOjAwIiwzXQ"}, None),
        ({"offset": "2"}, "offset"),
    ],
)
async def test_invalid_paging_is_a_problem_with_instance(
    http: httpx.AsyncClient, url: str, params: dict[str, str], field: str | None
) -> None:
    headers = FG if "access" in url else TEAM
    response = await http.get(url, params=params, headers=headers)
    assert response.headers["API-Version"] == "1.0.0"
    if field is None:  # an access-log cursor: valid there, not on the werklijst
        assert response.status_code == (200 if "access" in url else 422)
        return
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert field in [e["field"].removeprefix("query.") for e in problem["errors"]]
    assert problem["instance"] == url


async def test_api_version_and_openapi(http: httpx.AsyncClient) -> None:
    unknown = await http.get("/api/v1/vroegsignaalzaken/nope", headers=TEAM)
    assert (unknown.status_code, unknown.headers["API-Version"]) == (404, "1.0.0")
    assert unknown.json()["instance"] == "/api/v1/vroegsignaalzaken/nope"
    refused = await http.get("/api/v1/werklijst")
    assert (refused.status_code, refused.headers["API-Version"]) == (401, "1.0.0")
    document = (await http.get("/api/v1/openapi.json")).json()
    assert document == (await http.get("/openapi.json")).json()
    assert document["info"]["version"] == "1.0.0"
    for path in ("/api/v1/werklijst", "/api/v1/access-log"):
        operation = document["paths"][path]["get"]
        assert {"limit", "cursor", "format"} <= {p["name"] for p in operation["parameters"]}
        assert "text/csv" in operation["responses"]["200"]["content"]
