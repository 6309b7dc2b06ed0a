"""Open over termijn, a zaak's termijnen and the alert feed, over a real Redis written by the
KPI worker's own sinks (services/kpi/zaken/termijnen_sink.py, alert_publisher.py)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
import redis
from pydantic import SecretStr
from redis.asyncio import Redis

from services.kpi.zaken.alert_publisher import AlertPublisher
from services.kpi.zaken.termijnen_sink import TermijnSink
from services.reporting.app import create_app
from shared.contract.alert_keys import AlertKeys
from shared.contract.events import KafkaRecord
from shared.core.alerts import AlertKind, DueAlert, alert_id
from shared.core.domain import AtwCalendar, Fact, ZaakHistory
from shared.core.domain_config import Wet
from shared.platform.settings import (
    AppSettings,
    Environment,
    KafkaSettings,
    PseudonymSettings,
    RedisSettings,
    ReportingSettings,
    Settings,
    get_domain_config,
)

pytestmark = pytest.mark.integration

TODAY = date(2026, 4, 15)
ANALIST = {"X-API-Key": "analist-key-0123456789"}
T0 = datetime(2026, 1, 1, tzinfo=UTC)
DOMAIN = get_domain_config()
CAL = AtwCalendar(DOMAIN.gelijkgestelde_dagen)


def fact(kind: str, datum: str, n: int, **attrs: object) -> Fact:
    return Fact(
        kind, "urn:p", f"e{n}", T0 + timedelta(minutes=n), date.fromisoformat(datum), **attrs
    )


def aangemeld(datum: str, wet: str, wijk: str) -> Fact:
    return fact("zaak.aangemeld", datum, 0, wet=wet, soort="melding", wijk=wijk, huishouden="hh-x")


ZAKEN = {
    # wmo-onderzoek due 16 feb, wmo-besluit due 2 mar: both over termijn on 15 apr.
    "A": [aangemeld("2026-01-05", "wmo", "Warande")],
    # Besluit 10 mar, late: over termijn on 5 mar, not on 15 apr (onderzoek still open).
    "B": [aangemeld("2026-01-05", "wmo", "Dierdonk"), fact("zaak.besloten", "2026-03-10", 1,
                                                          uitkomst="toegekend")],
    # Jeugdwet, 28 days opgeschort: due 30 mar + 28 = 27 apr, Koningsdag: 28 apr (Atw).
    "C": [
        aangemeld("2026-02-02", "jeugdwet", "Stiphout"),
        fact("zaak.opgeschort", "2026-02-10", 1),
        fact("zaak.hervat", "2026-03-10", 2),
    ],
    "D": [aangemeld("2026-03-01", "wmo", "Warande")],
}  # fmt: skip


@pytest.fixture
async def written(redis_url: str, topic_prefix: str) -> AsyncIterator[AlertKeys]:
    keys = AlertKeys(topic_prefix)
    client = Redis.from_url(redis_url)
    sink = TermijnSink(client, keys, DOMAIN, CAL)
    for zaak, facts in ZAKEN.items():
        await sink.replace(zaak, ZaakHistory.of(facts))
        await sink.replace(zaak, ZaakHistory.of(facts))  # idempotent
    yield keys
    await client.aclose()
    sync = redis.Redis.from_url(redis_url)
    for key in sync.scan_iter(match=f"{topic_prefix}wp:*"):
        sync.delete(key)
    sync.close()


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def settings(redis_url: str, topic_prefix: str, env: Environment) -> Settings:
    return Settings(
        app=AppSettings(environment=env),
        pseudonym=PseudonymSettings(key=SecretStr("a-production-key-for-tests")),
        kafka=KafkaSettings(topic_prefix=topic_prefix),
        redis=RedisSettings(url=redis_url),
        reporting=ReportingSettings(api_keys={ANALIST["X-API-Key"]: "analist"}),
    )


async def _client(s: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(s, today=lambda: TODAY)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://reporting") as c:
            yield c


@pytest.fixture
async def client(
    written: AlertKeys, redis_url: str, topic_prefix: str, restore_logging: None
) -> AsyncIterator[httpx.AsyncClient]:
    async for c in _client(settings(redis_url, topic_prefix, Environment.PRODUCTION)):
        yield c


async def test_analist_sees_the_zaken_over_termijn_per_clock(client: httpx.AsyncClient):
    answer = (await client.get("/api/v1/open-over-termijn", headers=ANALIST)).json()
    assert (answer["definitie"], answer["peildatum"]) == ("open-over-termijn/1", "2026-04-15")
    clocks = {c["clock"]: c for c in answer["clocks"]}
    assert list(clocks) == ["wmo-onderzoek", "wmo-besluit"]
    assert clocks["wmo-onderzoek"]["n"] == 3  # D's onderzoek was due 12 apr
    assert clocks["wmo-besluit"] == {
        "clock": "wmo-besluit",
        "wet": "wmo",
        "n": 1,
        "zaken": [
            {
                "zaak_id": "A",
                "wet": "wmo",
                "wijk": "Warande",
                "clock": "wmo-besluit",
                "due": "2026-03-02",
                "days_over": 44,
            }
        ],
    }


async def test_publiek_sees_suppressed_counts_and_no_zaken(client: httpx.AsyncClient):
    answer = (await client.get("/api/v1/open-over-termijn")).json()
    assert [(c["clock"], c["n"], c["zaken"]) for c in answer["clocks"]] == [
        ("wmo-onderzoek", "<5", None),
        ("wmo-besluit", "<5", None),
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # On 5 mar B's besluit (10 mar) had not come yet: B was over termijn as well.
        ({"peildatum": "2026-03-05", "clock": "wmo-besluit"}, {("wmo-besluit", "A", 3),
                                                                ("wmo-besluit", "B", 3)}),
        ({"peildatum": "2026-03-02", "clock": "wmo-besluit"}, set()),
        ({"wijk": "Dierdonk"}, {("wmo-onderzoek", "B", 58)}),
        ({"wijk": "gemeente", "clock": "wmo-besluit"}, {("wmo-besluit", "A", 44)}),
        ({"wet": "jeugdwet"}, set()),
        ({"wet": "wmo", "clock": "wmo-onderzoek", "peildatum": "2026-04-12"},
         {("wmo-onderzoek", "A", 55), ("wmo-onderzoek", "B", 55)}),
    ],
)  # fmt: skip
async def test_filters_and_earlier_peildatum(client: httpx.AsyncClient, params, expected):
    answer = (await client.get("/api/v1/open-over-termijn", params=params, headers=ANALIST)).json()
    found = {
        (c["clock"], z["zaak_id"], z["days_over"]) for c in answer["clocks"] for z in c["zaken"]
    }
    assert found == expected


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"clock": "wmo-wachten"}, "clock"),
        ({"peildatum": "2026-04-16"}, "peildatum"),
        ({"wijk": "Eindhoven"}, "wijk"),
        ({"klok": "wmo-besluit"}, "klok"),
    ],
)
async def test_invalid_queries_name_the_field(client: httpx.AsyncClient, params, field):
    response = await client.get("/api/v1/open-over-termijn", params=params, headers=ANALIST)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]


async def test_termijnen_explain_the_due_date(client: httpx.AsyncClient):
    response = await client.get("/api/v1/zaken/C/termijnen", headers=ANALIST)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert (answer["wet"], answer["wijk"], answer["peildatum"]) == (
        "jeugdwet",
        "Stiphout",
        "2026-04-15",
    )
    (termijn,) = answer["termijnen"]
    assert (termijn["clock"], termijn["status"], termijn["due"], termijn["days_over"]) == (
        "jeugdwet-besluit",
        "lopend",
        "2026-04-28",
        0,
    )
    kinds = [s["kind"] for s in termijn["steps"]]
    assert kinds == ["term", "opschorting", "atw-shift"]
    assert "Koningsdag" in termijn["steps"][2]["reason"]
    assert "telt: termijn nu 2026-04-27" in termijn["steps"][1]["reason"]
    assert termijn["bron"] == "Awb 4:13"
    # The peildatum counts: on 20 feb the opschorting still ran, so the due date moved to it.
    earlier = (
        await client.get("/api/v1/zaken/C/termijnen", params={"peildatum": "2026-02-20"},
                         headers=ANALIST)
    ).json()  # fmt: skip
    assert earlier["termijnen"][0]["status"] == "opgeschort"
    over = (await client.get("/api/v1/zaken/A/termijnen", headers=ANALIST)).json()
    assert {t["clock"]: (t["status"], t["days_over"]) for t in over["termijnen"]} == {
        "wmo-onderzoek": ("over-termijn", 58),
        "wmo-besluit": ("over-termijn", 44),
    }
    assert "hh-x" not in response.text  # no pseudonyms in Redis or the answer


async def test_single_zaken_are_for_analist_only(client: httpx.AsyncClient):
    for path in ("/api/v1/zaken/C/termijnen", "/api/v1/alerts"):
        response = await client.get(path)
        assert response.status_code == 403
        assert response.json()["type"].endswith("/role-not-allowed")
    missing = await client.get("/api/v1/zaken/nope/termijnen", headers=ANALIST)
    assert missing.status_code == 404


def alert(kind: AlertKind, zaak: str, clock: str, datum: str, historisch: bool) -> DueAlert:
    return DueAlert(
        alert_id(zaak, clock, kind), kind, zaak, clock, Wet.WMO, "Warande",
        date(2026, 3, 2), date.fromisoformat(datum), historisch,
    )  # fmt: skip


async def test_the_alert_feed_keeps_the_first_version_newest_first(
    client: httpx.AsyncClient, written: AlertKeys, redis_url: str
):
    sent: list[KafkaRecord] = []

    async def send(record: KafkaRecord) -> None:
        sent.append(record)

    connection = Redis.from_url(redis_url)
    publisher = AlertPublisher(send, connection, written, "urn:nld:oin:1:systeem:wijkpuls", 730)
    w = alert(AlertKind.WAARSCHUWING, "A", "wmo-besluit", "2026-02-16", False)
    o = alert(AlertKind.TERMIJN_OVERSCHREDEN, "A", "wmo-besluit", "2026-03-03", False)
    h = alert(AlertKind.TERMIJN_OVERSCHREDEN, "A", "wmo-onderzoek", "2026-02-17", True)
    old = alert(AlertKind.WAARSCHUWING, "X", "wmo-besluit", "2023-01-02", True)  # > 2 years
    await publisher.publish([w, o, h, old], TODAY)
    again = alert(AlertKind.WAARSCHUWING, "A", "wmo-besluit", "2026-02-17", True)
    await publisher.publish([again], TODAY)  # same id: a repeat, not a new version
    await connection.aclose()
    assert [r.key for r in sent] == [b"A", b"A", b"A", b"X", b"A"]

    feed = (await client.get("/api/v1/alerts", headers=ANALIST)).json()["alerts"]
    assert [(a["type"], a["clock"], a["datum"]) for a in feed] == [
        ("alert.termijn-overschreden", "wmo-besluit", "2026-03-03"),
        ("alert.termijn-overschreden", "wmo-onderzoek", "2026-02-17"),
        ("alert.waarschuwing", "wmo-besluit", "2026-02-16"),
    ]
    assert feed[2]["historisch"] is False  # the first version
    live = (await client.get("/api/v1/alerts", params={"historisch": "false", "kind":
                                                         "termijn-overschreden"},
                              headers=ANALIST)).json()["alerts"]  # fmt: skip
    assert [a["alert_id"] for a in live] == [o.alert_id]
    since = await client.get("/api/v1/alerts", params={"since": "2026-03-01", "limit": 5},
                             headers=ANALIST)  # fmt: skip
    assert [a["alert_id"] for a in since.json()["alerts"]] == [o.alert_id]


async def test_in_test_environments_the_set_date_is_today(
    written: AlertKeys, redis_url: str, topic_prefix: str, restore_logging: None
):
    sync = redis.Redis.from_url(redis_url)
    sync.set(written.today_override, "2026-03-05")
    sync.close()
    async for c in _client(settings(redis_url, topic_prefix, Environment.TEST)):
        answer = (await c.get("/api/v1/open-over-termijn", headers=ANALIST)).json()
        assert answer["peildatum"] == "2026-03-05"
        refused = await c.get("/api/v1/open-over-termijn", params={"peildatum": "2026-03-06"})
        assert refused.status_code == 422
    async for c in _client(settings(redis_url, topic_prefix, Environment.PRODUCTION)):
        assert (await c.get("/api/v1/open-over-termijn")).json()["peildatum"] == "2026-04-15"
