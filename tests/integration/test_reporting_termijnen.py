"""Open over termijn, a zaak's termijnen and the alert feed, over a real Redis written by the
KPI worker's own sinks (services/kpi/zaken/termijnen_sink.py, alert_publisher.py)."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
import redis
from pydantic import SecretStr
from redis.asyncio import Redis

from services.kpi.zaken.alert_publisher import AlertPublisher
from services.kpi.zaken.termijnen_sink import TermijnSink
from services.reporting.app import create_app
from services.reporting.settings import ReportingSettings, Settings
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
    get_domain_config,
)

pytestmark = pytest.mark.integration

TODAY = date(2026, 4, 15)
ANALIST = {"X-API-Key": "analist-key-0123456789"}
T0 = datetime(2026, 1, 1, tzinfo=UTC)
DOMAIN = get_domain_config()
CAL = AtwCalendar(DOMAIN.gelijkgestelde_dagen)


def fact(kind: str, datum: str, n: int, **attrs: Any) -> Fact:
    return Fact(
        kind, "urn:p", f"e{n}", T0 + timedelta(minutes=n), date.fromisoformat(datum), **attrs
    )


def aangemeld(datum: str, wet: str, wijk: str) -> Fact:
    return fact("zaak.aangemeld", datum, 0, wet=wet, soort="melding", wijk=wijk, huishouden="hh-x")


ZAKEN = {
    # wmo-onderzoek due 16 feb, wmo-besluit due 2 mar: both over termijn on 15 apr.
    "A": [aangemeld("2026-01-05", "wmo", "Warande")],
    # Besluit 10 mar, late: over termijn on 5 mar, not on 15 apr. It also ends the onderzoek
    # (no onderzoek-afgerond; docs/domain.md#clock-endings), 22 days after its
    # due date 16 feb.
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
    sink = TermijnSink(client, keys, DOMAIN)
    for zaak, facts in ZAKEN.items():
        await sink.replace(zaak, ZaakHistory.of(facts))
        await sink.replace(zaak, ZaakHistory.of(facts))  # idempotent
    yield keys
    await client.aclose()
    sync = redis.Redis.from_url(redis_url)
    for key in sync.scan_iter(match=f"{topic_prefix}wp:*"):
        sync.delete(key)
    sync.close()


def settings(redis_url: str, topic_prefix: str, env: Environment) -> Settings:
    return Settings(
        app=AppSettings(environment=env),
        pseudonym=PseudonymSettings(key=SecretStr("a-production-key-for-tests")),
        kafka=KafkaSettings(topic_prefix=topic_prefix),
        redis=RedisSettings(url=redis_url),
        # as production keeps keys: by their SHA-256 (docs/signin.md)
        reporting=ReportingSettings(api_keys={_hashed(ANALIST["X-API-Key"]): "analist"}),
    )


def _hashed(key: str) -> str:
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()


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


async def test_analist_sees_the_zaken_over_termijn_per_clock(client: httpx.AsyncClient) -> None:
    answer = (await client.get("/api/v1/open-over-termijn", headers=ANALIST)).json()
    assert (answer["definitie"], answer["peildatum"]) == ("open-over-termijn/2", "2026-04-15")
    clocks = {c["clock"]: c for c in answer["clocks"]}
    assert list(clocks) == ["wmo-onderzoek", "wmo-besluit"]
    assert clocks["wmo-onderzoek"]["n"] == 2  # A, and D's onderzoek was due 12 apr; B decided
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


async def test_publiek_sees_suppressed_counts_and_no_zaken(client: httpx.AsyncClient) -> None:
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
        ({"wijk": "Dierdonk"}, set()),  # B's onderzoek ended at the besluit, 10 mar
        ({"wijk": "Dierdonk", "peildatum": "2026-03-09"}, {("wmo-onderzoek", "B", 21),
                                                           ("wmo-besluit", "B", 7)}),
        ({"wijk": "Dierdonk", "peildatum": "2026-03-10"}, set()),
        ({"wijk": "gemeente", "clock": "wmo-besluit"}, {("wmo-besluit", "A", 44)}),
        ({"wet": "jeugdwet"}, set()),
        ({"wet": "wmo", "clock": "wmo-onderzoek", "peildatum": "2026-04-12"},
         {("wmo-onderzoek", "A", 55)}),
    ],
)  # fmt: skip
async def test_filters_and_earlier_peildatum(
    client: httpx.AsyncClient, params: dict[str, str], expected: set[tuple[str, str, int]]
) -> None:
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
async def test_invalid_queries_name_the_field(
    client: httpx.AsyncClient, params: dict[str, str], field: str
) -> None:
    response = await client.get("/api/v1/open-over-termijn", params=params, headers=ANALIST)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]


async def test_termijnen_explain_the_due_date(client: httpx.AsyncClient) -> None:
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
    # B's onderzoek ended at the besluit, late; the explanation names the event.
    ended = (await client.get("/api/v1/zaken/B/termijnen", headers=ANALIST)).json()
    onderzoek = {t["clock"]: t for t in ended["termijnen"]}["wmo-onderzoek"]
    assert (onderzoek["status"], onderzoek["stopped"], onderzoek["end"], onderzoek["ended_by"]) == (
        "te-laat", None, "2026-03-10", "zaak.besloten")  # fmt: skip
    assert onderzoek["days_over"] == 22
    assert onderzoek["steps"][-1]["kind"] == "einde"
    assert onderzoek["steps"][-1]["reason"].startswith("zaak.besloten op 2026-03-10 (toegekend)")
    assert "hh-x" not in response.text  # no pseudonyms in Redis or the answer


async def test_single_zaken_are_for_analist_only(client: httpx.AsyncClient) -> None:
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


async def test_the_alert_feed_keeps_pushed_alerts_and_replaces_the_historisch_view(
    client: httpx.AsyncClient, written: AlertKeys, redis_url: str
) -> None:
    sent: list[KafkaRecord] = []

    async def send(record: KafkaRecord) -> None:
        sent.append(record)

    def candidates(zaak: str) -> list[str]:
        return [alert_id(zaak, c.id, k) for c in DOMAIN.clocks for k in AlertKind]

    async def feed(**params: str) -> list[dict[str, object]]:
        answer = await client.get("/api/v1/alerts", params=params, headers=ANALIST)
        rows: list[dict[str, object]] = answer.json()["alerts"]
        return rows

    connection = Redis.from_url(redis_url)
    publisher = AlertPublisher(send, connection, written, "urn:nld:oin:1:systeem:wijkpuls", 730)
    w = alert(AlertKind.WAARSCHUWING, "A", "wmo-besluit", "2026-02-16", False)
    o = alert(AlertKind.TERMIJN_OVERSCHREDEN, "A", "wmo-besluit", "2026-03-03", False)
    h = alert(AlertKind.TERMIJN_OVERSCHREDEN, "A", "wmo-onderzoek", "2026-02-17", True)
    old = alert(AlertKind.WAARSCHUWING, "X", "wmo-besluit", "2023-01-02", True)  # > 2 years
    await publisher.publish([w, o], TODAY)
    await publisher.replace_historisch("A", candidates("A"), [h], TODAY)
    await publisher.replace_historisch("X", candidates("X"), [old], TODAY)
    again = alert(AlertKind.WAARSCHUWING, "A", "wmo-besluit", "2026-02-17", False)
    await publisher.publish([again], TODAY)  # same id: a repeat, not a new version
    with pytest.raises(ValueError, match="historisch"):
        await publisher.publish([h], TODAY)  # historisch alerts never go to the alerts topic
    assert [r.key for r in sent] == [b"A", b"A", b"A"]

    rows = await feed()
    assert [(a["type"], a["clock"], a["datum"], a["historisch"]) for a in rows] == [
        ("alert.termijn-overschreden", "wmo-besluit", "2026-03-03", False),
        ("alert.termijn-overschreden", "wmo-onderzoek", "2026-02-17", True),
        ("alert.waarschuwing", "wmo-besluit", "2026-02-16", False),  # the first version
    ]
    live = await feed(historisch="false", kind="termijn-overschreden")
    assert [a["alert_id"] for a in live] == [o.alert_id]
    since = await feed(since="2026-03-01", limit="5")
    assert [a["alert_id"] for a in since] == [o.alert_id]

    # The view changes: its due date moved (a new version), then no longer supported at all.
    # The view never removes or replaces a pushed alert, even one among its candidates.
    moved = alert(AlertKind.TERMIJN_OVERSCHREDEN, "A", "wmo-onderzoek", "2026-02-24", True)
    await publisher.replace_historisch("A", candidates("A"), [moved], TODAY)
    assert [(a["clock"], a["datum"]) for a in await feed(historisch="true")] == [
        ("wmo-onderzoek", "2026-02-24")
    ]
    await publisher.replace_historisch("A", candidates("A"), [], TODAY)
    assert await feed(historisch="true") == []
    assert {a["alert_id"] for a in await feed()} == {w.alert_id, o.alert_id}
    # A historisch alert that becomes news (pushed) replaces its view entry.
    await publisher.replace_historisch("A", candidates("A"), [h], TODAY)
    await publisher.publish([replace(h, historisch=False)], TODAY)
    assert [(a["alert_id"], a["historisch"]) for a in await feed(clock="wmo-onderzoek")] == [
        (h.alert_id, False)
    ]
    await publisher.replace_historisch("A", candidates("A"), [], TODAY)
    assert len(await feed()) == 3
    await connection.aclose()


async def test_in_test_environments_the_set_date_is_today(
    written: AlertKeys, redis_url: str, topic_prefix: str, restore_logging: None
) -> None:
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


async def pages(
    client: httpx.AsyncClient, url: str, member: str, **params: str
) -> list[dict[str, Any]]:
    """Every page of a list, following _links.next; checks total and the last page."""
    answers: list[dict[str, Any]] = []
    href: str | None = url + "?" + "&".join(f"{k}={v}" for k, v in params.items())
    while href is not None:
        response = await client.get(href, headers=ANALIST)
        assert response.status_code == 200, response.text
        assert response.headers["API-Version"] == "1.0.0"
        answers.append(response.json())
        href = answers[-1]["_links"].get("next", {}).get("href")
    assert len({a["total"] for a in answers}) == 1
    assert "next" not in answers[-1]["_links"]
    return answers


def over_termijn_rows(answer: dict[str, Any]) -> list[tuple[str, str]]:
    return [(c["clock"], z["zaak_id"]) for c in answer["clocks"] for z in c["zaken"]]


async def test_open_over_termijn_is_paged_stably_under_writes(
    client: httpx.AsyncClient, written: AlertKeys, redis_url: str
) -> None:
    whole = (await client.get("/api/v1/open-over-termijn", headers=ANALIST)).json()
    everything = over_termijn_rows(whole)
    assert whole["total"] == len(everything) == 3
    assert whole["_links"] == {"self": {"href": "/api/v1/open-over-termijn"}}
    answers = await pages(client, "/api/v1/open-over-termijn", "clocks", limit="1")
    assert [r for a in answers for r in over_termijn_rows(a)] == everything
    assert [c["n"] for c in answers[-1]["clocks"]] == [c["n"] for c in whole["clocks"]]

    # A zaak added and one removed between the pages: the others come exactly once.
    first = (await client.get("/api/v1/open-over-termijn?limit=1", headers=ANALIST)).json()
    connection = Redis.from_url(redis_url)
    sink = TermijnSink(connection, written, DOMAIN)
    await sink.replace("E", ZaakHistory.of([aangemeld("2026-01-02", "wmo", "Warande")]))
    await sink.replace("D", ZaakHistory.of([*ZAKEN["D"], fact("zaak.afgesloten", "2026-04-01",
                                                             3, verwezen=False)]))  # fmt: skip
    served = over_termijn_rows(first)
    href = first["_links"]["next"]["href"]
    while href:
        answer = (await client.get(href, headers=ANALIST)).json()
        served += over_termijn_rows(answer)
        href = answer["_links"].get("next", {}).get("href")
    await connection.aclose()
    throughout = [r for r in everything if r[1] != "D"]
    assert len(served) == len(set(served))
    assert set(throughout) <= set(served)


async def test_open_over_termijn_as_csv(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/open-over-termijn?format=csv&limit=2", headers=ANALIST)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["API-Version"] == "1.0.0"
    lines = response.text.split("\r\n")
    assert lines[0] == "zaak_id,wet,wijk,clock,due,days_over"
    assert lines[1].startswith("A,wmo,Warande,wmo-onderzoek,")
    assert len(lines) == 4 and lines[-1] == ""  # header, two rows, final CRLF
    assert response.headers["X-Total-Count"] == "3"
    assert response.headers["Link"].startswith("</api/v1/open-over-termijn?")
    assert 'rel="next"' in response.headers["Link"]
    accept = await client.get(
        "/api/v1/open-over-termijn", headers={"Accept": "text/csv", **ANALIST}
    )
    assert accept.text.startswith("zaak_id,")
    publiek = await client.get("/api/v1/open-over-termijn", headers={"Accept": "text/csv"})
    assert publiek.text.split("\r\n")[:3] == [
        "clock,wet,n,verborgen",
        "wmo-onderzoek,wmo,,<5",
        "wmo-besluit,wmo,,<5",
    ]


@pytest.mark.parametrize("url", ["/api/v1/open-over-termijn", "/api/v1/alerts"])
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "1001"}, "limit"),
        ({"limit": "veel"}, "limit"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": "WyJ4Il0"}, "cursor"),  # ["x"]: a cursor of another list
        ({"offset": "10"}, "offset"),
    ],
)
async def test_invalid_paging_is_a_problem_with_instance(
    client: httpx.AsyncClient, url: str, params: dict[str, str], field: str
) -> None:
    response = await client.get(url, params=params, headers=ANALIST)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["API-Version"] == "1.0.0"
    problem = response.json()
    assert [e["field"] for e in problem["errors"]] == [field]
    assert problem["instance"] == url  # the path, never the query


async def test_api_version_and_openapi_under_the_base_path(client: httpx.AsyncClient) -> None:
    missing = await client.get("/api/v1/zaken/nope/termijnen?peildatum=2026-04-01", headers=ANALIST)
    assert missing.status_code == 404
    assert missing.headers["API-Version"] == "1.0.0"
    assert missing.json()["instance"] == "/api/v1/zaken/nope/termijnen"
    unknown = await client.get("/api/v1/nergens")
    assert (unknown.status_code, unknown.headers["API-Version"]) == (404, "1.0.0")
    assert unknown.json()["instance"] == "/api/v1/nergens"
    assert (await client.get("/api/v1/alerts")).headers["API-Version"] == "1.0.0"  # 403
    document = (await client.get("/api/v1/openapi.json")).json()
    assert document == (await client.get("/openapi.json")).json()
    assert document["info"]["version"] == "1.0.0"
    for path in ("/api/v1/open-over-termijn", "/api/v1/alerts", "/api/v1/wachtend"):
        operation = document["paths"][path]["get"]
        assert {"limit", "cursor", "format"} <= {p["name"] for p in operation["parameters"]}
        assert "text/csv" in operation["responses"]["200"]["content"]
    schemas = document["components"]["schemas"]
    assert {"total", "_links"} <= set(schemas["AlertFeed"]["properties"])
    assert "instance" in str(document["paths"]["/api/v1/alerts"]["get"]["responses"]["422"])


async def test_the_alert_feed_is_paged_newest_first(
    client: httpx.AsyncClient, written: AlertKeys, redis_url: str
) -> None:
    async def send(record: KafkaRecord) -> None:
        return None

    connection = Redis.from_url(redis_url)
    publisher = AlertPublisher(send, connection, written, "urn:nld:oin:1:systeem:wijkpuls", 730)
    made = [
        alert(AlertKind.WAARSCHUWING, zaak, "wmo-besluit", datum, False)
        for zaak, datum in [("A", "2026-02-16"), ("B", "2026-02-16"), ("C", "2026-02-20"),
                            ("D", "2026-03-01"), ("F", "2026-02-16")]
    ]  # fmt: skip
    await publisher.publish(made, TODAY)
    answers = await pages(client, "/api/v1/alerts", "alerts", limit="2")
    assert [len(a["alerts"]) for a in answers] == [2, 2, 1]
    assert answers[0]["total"] == 5
    ids = [r["alert_id"] for a in answers for r in a["alerts"]]
    expected = sorted(made, key=lambda a: (a.datum, a.alert_id), reverse=True)
    assert ids == [a.alert_id for a in expected]
    csv_page = await client.get("/api/v1/alerts?limit=2&format=csv", headers=ANALIST)
    rows = csv_page.text.split("\r\n")
    assert rows[0] == "alert_id,type,zaak_id,wet,wijk,clock,due,datum,historisch"
    assert rows[1].startswith(ids[0] + ",alert.waarschuwing,") and rows[1].endswith(",false")
    assert "cursor=" in csv_page.headers["Link"]
    await connection.aclose()
