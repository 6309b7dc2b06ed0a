"""``GET /api/v1/wijken`` over a real Redis: the configured wijken, the caller's role, the
small-number threshold and today, which the dashboard needs before it asks for figures."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import httpx
import pytest

from services.reporting.app import create_app
from services.reporting.settings import ReportingSettings, Settings
from shared.core.domain_config import load_domain_config
from shared.platform.settings import KafkaSettings, RedisSettings

pytestmark = pytest.mark.integration

TODAY = date(2026, 4, 15)
ANALIST_KEY = "analist-key-0123456789"
URL = "/api/v1/wijken"


@pytest.fixture
def settings(redis_url: str, topic_prefix: str) -> Settings:
    return Settings(
        kafka=KafkaSettings(topic_prefix=topic_prefix),
        redis=RedisSettings(url=redis_url),
        reporting=ReportingSettings(api_keys={ANALIST_KEY: "analist"}),
    )


@pytest.fixture
async def client(settings: Settings, restore_logging: None) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, today=lambda: TODAY)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://reporting") as c:
            yield c


async def test_publiek_gets_the_configured_wijken_in_order(
    client: httpx.AsyncClient, settings: Settings
):
    domain = load_domain_config(settings.app.domain_config)
    response = await client.get(URL)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert [w["naam"] for w in answer["wijken"]] == domain.wijk_names
    assert "Brandevoort" in domain.wijk_names
    assert [w["huishoudens"] for w in answer["wijken"]] == [w.huishoudens for w in domain.wijken]
    # CBS wijk codes where configured (docs/domain.md#wijken): Helmond's are WK0794xx.
    codes = {w["naam"]: w["cbs_code"] for w in answer["wijken"]}
    assert codes == {w.naam: w.cbs_code for w in domain.wijken}
    assert codes["Binnenstad"] == "WK079401" and codes["Brandevoort"] == "WK079412"
    assert answer["gemeente_cbs_code"] == "GM0794"
    assert (answer["onbekend"], answer["gemeente"]) == ("onbekend", "gemeente")
    assert answer["wetten"] == ["wmo", "jeugdwet", "participatiewet", "wgs", "sth"]
    assert answer["rol"] == "publiek"
    assert answer["drempel"] == domain.small_numbers.threshold
    assert answer["vandaag"] == TODAY.isoformat()


async def test_the_role_follows_the_key_and_an_unknown_key_is_refused(client: httpx.AsyncClient):
    analist = await client.get(URL, headers={"X-API-Key": ANALIST_KEY})
    assert analist.json()["rol"] == "analist"
    unknown = await client.get(URL, headers={"X-API-Key": "not-a-key-of-ours-000"})
    assert unknown.status_code == 401
    assert unknown.headers["content-type"] == "application/problem+json"


async def test_an_unknown_parameter_is_refused(client: httpx.AsyncClient):
    response = await client.get(URL, params={"wijk": "Brandevoort"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "wijk"


async def test_the_dashboard_is_served_next_to_the_api(client: httpx.AsyncClient):
    page = await client.get("/dashboard")
    assert page.status_code == 200 and "Wijkpuls" in page.text
    figures = await client.get("/api/v1/kpi/doorlooptijd", params={"wijk": "gemeente"})
    assert figures.status_code == 200 and figures.json()["cells"] == []
