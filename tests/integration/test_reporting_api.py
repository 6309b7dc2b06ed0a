"""The reporting API over a real Redis holding cells in the KPI worker's layout."""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
import redis
import redis.asyncio as aioredis
from reference.figures import doorlooptijd, doorlooptijd_at

from services.kpi.zaken.facts import zaak_fact
from services.kpi.zaken.figures_sink import FigureSink
from services.reporting.app import create_app
from services.reporting.kpis.present import cbs_codes
from services.reporting.settings import ReportingSettings, Settings
from shared.contract.events import CloudEvent, new_event
from shared.contract.figure_keys import FigureKeys
from shared.core.domain import AtwCalendar, ZaakHistory
from shared.core.kpi.contribution import cell_key, day_field, zaak_contribution
from shared.core.kpi.dated import dated_field
from shared.platform.settings import KafkaSettings, RedisSettings, get_domain_config

pytestmark = pytest.mark.integration

TODAY = date(2026, 4, 15)
MARCH_16 = date(2026, 3, 16)
ANALIST_KEY = "analist-key-0123456789"
BELEID_KEY = "beleid-key-0123456789"
URL = "/api/v1/kpi/doorlooptijd"
SOURCE = "urn:nld:oin:00000001002220647000:systeem:wmo-zaaksysteem"
T0 = datetime(2026, 1, 1, 9, tzinfo=UTC)
WriteCell = Callable[..., None]


@pytest.fixture
def write_cell(redis_url: str, topic_prefix: str) -> Iterator[WriteCell]:
    """Writes a cell as the KPI worker does (shared/contract/figure_keys.py); deletes after."""
    keys = FigureKeys(topic_prefix)
    client = redis.Redis.from_url(redis_url)

    def write(wet: str, wijk: str, periode: str, days: list[int], tijdig: int, on: date) -> None:
        """Besluiten dated ``on``: their counters count from that day (dated fields)."""
        name = cell_key("doorlooptijd", wet, wijk, periode)
        counts = {
            "n": len(days),
            "tijdig": tijdig,
            **{day_field(d): c for d, c in Counter(days).items()},
        }
        fields = {dated_field(field, on): c for field, c in counts.items() if c}
        client.hset(keys.cell(name), mapping=fields)
        client.sadd(keys.cells_index, name)

    yield write
    for key in client.scan_iter(match=f"{topic_prefix}wp:*"):
        client.delete(key)
    client.close()


def _settings(redis_url: str, topic_prefix: str) -> Settings:
    return Settings(
        kafka=KafkaSettings(topic_prefix=topic_prefix),
        redis=RedisSettings(url=redis_url),
        reporting=ReportingSettings(api_keys={ANALIST_KEY: "analist", BELEID_KEY: "beleid"}),
    )


async def _client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, today=lambda: TODAY)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://reporting") as client:
            yield client


@pytest.fixture
async def client(
    redis_url: str, topic_prefix: str, restore_logging: None
) -> AsyncIterator[httpx.AsyncClient]:
    async for c in _client(_settings(redis_url, topic_prefix)):
        yield c


@pytest.fixture
def helmond(write_cell: WriteCell) -> None:
    """March 2026 Wmo besluiten: 6 in Brandevoort, 3 in Dierdonk, 9 in the gemeente."""
    brandevoort, dierdonk = [3, 8, 20, 41, 60, 70], [12, 30, 61]
    for periode in ("2026-03", "2026-H1", "2026"):
        write_cell("wmo", "Brandevoort", periode, brandevoort, tijdig=4, on=MARCH_16)
        write_cell("wmo", "Dierdonk", periode, dierdonk, tijdig=2, on=MARCH_16)
        write_cell("wmo", "gemeente", periode, brandevoort + dierdonk, tijdig=6, on=MARCH_16)
    write_cell("jeugdwet", "onbekend", "2026-02", [15] * 5, tijdig=5, on=date(2026, 2, 10))


def _problem(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, object] = response.json()
    assert body["status"] == status and str(body["type"]).startswith("https://")
    return body


@pytest.mark.usefixtures("helmond")
async def test_every_cell_sorted_and_controlled_for_beleid(client: httpx.AsyncClient):
    answer = (await client.get(URL, headers={"X-API-Key": BELEID_KEY})).json()
    assert (answer["kpi"], answer["definitie"], answer["peildatum"]) == (
        "doorlooptijd",
        "doorlooptijd/2",
        "2026-04-15",
    )
    assert answer["weggelaten_perioden"] == []
    order = [(c["wet"], c["wijk"], c["periode"]) for c in answer["cells"]]
    # wet as in the Wet list; wijken in configured order (Dierdonk before Brandevoort), then
    # onbekend, then gemeente; a year before its half-year before its months.
    assert order == [
        ("wmo", "Dierdonk", "2026"),
        ("wmo", "Dierdonk", "2026-H1"),
        ("wmo", "Dierdonk", "2026-03"),
        ("wmo", "Brandevoort", "2026"),
        ("wmo", "Brandevoort", "2026-H1"),
        ("wmo", "Brandevoort", "2026-03"),
        ("wmo", "gemeente", "2026"),
        ("wmo", "gemeente", "2026-H1"),
        ("wmo", "gemeente", "2026-03"),
        ("jeugdwet", "onbekend", "2026-02"),
    ]
    # Every periode of a row holds the same besluiten, so each row is hidden alike.
    hidden = defaultdict(list)
    for c in answer["cells"]:
        hidden[c["wet"], c["wijk"]].append(c["verborgen"])
    assert all(len({repr(h) for h in row}) == 1 for row in hidden.values())
    assert hidden["wmo", "Brandevoort"][0]["n"] == "secundair"
    assert hidden["wmo", "Dierdonk"][0] == {
        "n": "primair",
        "n_tijdig": "primair",
        "tijdig_pct": "afgeleid",
        "median": "afgeleid",
        "p90": "afgeleid",
    }


@pytest.mark.usefixtures("helmond")
async def test_publiek_sees_closed_periodes_disclosure_controlled(client: httpx.AsyncClient):
    """docs/domain.md#small-numbers on the example there: Dierdonk 3 of gemeente 9 would be
    9 minus Brandevoort 6, so Brandevoort's n is hidden too ("x", secundair); gemeente's
    n_tijdig 6 leaves 3 late besluiten (complement). The running half-year and year are left
    out (step 4)."""
    answer = (await client.get(URL)).json()
    assert answer["weggelaten_perioden"] == ["2026", "2026-H1"]
    withheld = {"tijdig_pct": None, "median": None, "p90": None}
    assert answer["cells"] == [
        {
            "wet": "wmo",
            "wijk": "Dierdonk",
            "cbs_code": "WK079406",
            "periode": "2026-03",
            "n": "<5",
            "n_tijdig": "<5",
            **withheld,
            "verborgen": {
                "n": "primair",
                "n_tijdig": "primair",
                "tijdig_pct": "afgeleid",
                "median": "afgeleid",
                "p90": "afgeleid",
            },
        },
        {
            "wet": "wmo",
            "wijk": "Brandevoort",
            "cbs_code": "WK079412",
            "periode": "2026-03",
            "n": "x",
            "n_tijdig": "<5",
            **withheld,
            "verborgen": {
                "n": "secundair",
                "n_tijdig": "primair",
                "tijdig_pct": "afgeleid",
                "median": "afgeleid",
                "p90": "afgeleid",
            },
        },
        {
            "wet": "wmo",
            "wijk": "gemeente",
            "cbs_code": "GM0794",
            "periode": "2026-03",
            "n": 9,
            "n_tijdig": "x",
            "tijdig_pct": None,
            # 3 8 12 20 30 41 60 61 70: median the 5th (30), p90 the ceil(8.1) = 9th (70).
            "median": 30,
            "p90": 70,
            "verborgen": {"n_tijdig": "complement", "tijdig_pct": "afgeleid"},
        },
        {
            "wet": "jeugdwet",
            "wijk": "onbekend",
            "cbs_code": None,
            "periode": "2026-02",
            "n": 5,
            "n_tijdig": 5,
            "tijdig_pct": 100.0,
            "median": 15,
            "p90": 15,
            "verborgen": {},
        },
    ]
    running = await client.get(URL, params={"periode": "2026-H1"})
    assert running.json()["cells"] == [] and running.json()["weggelaten_perioden"] == ["2026-H1"]
    # A past peildatum is for signed-in roles.
    past = _problem(await client.get(URL, params={"peildatum": "2026-03-31"}), 403)
    assert past["errors"] == [
        {"field": "peildatum", "reason": "publiek may only read today's figures"}
    ]
    today = await client.get(URL, params={"peildatum": "2026-04-15", "periode": "2026-03"})
    assert len(today.json()["cells"]) == 3


@pytest.mark.usefixtures("helmond")
async def test_analist_sees_small_numbers(client: httpx.AsyncClient):
    response = await client.get(
        URL,
        params={"periode": "2026-03", "wijk": "Dierdonk"},
        headers={"X-API-Key": ANALIST_KEY},
    )
    assert response.json()["cells"] == [
        {
            "wet": "wmo",
            "wijk": "Dierdonk",
            "cbs_code": "WK079406",
            "periode": "2026-03",
            "n": 3,
            "n_tijdig": 2,
            "tijdig_pct": 66.7,
            "median": 30,
            "p90": 61,
        }
    ]


@pytest.mark.usefixtures("helmond")
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"periode": "2026-H1"},
            {("wmo", "Dierdonk"), ("wmo", "Brandevoort"), ("wmo", "gemeente")},
        ),
        ({"wet": "jeugdwet"}, {("jeugdwet", "onbekend")}),
        ({"wijk": "gemeente", "periode": "2026"}, {("wmo", "gemeente")}),
        ({"wijk": "brandevoort", "periode": "2026-03"}, {("wmo", "Brandevoort")}),
        ({"wet": "sth"}, set()),
        ({"periode": "2025"}, set()),
    ],
)
async def test_filters(client: httpx.AsyncClient, params, expected):
    response = await client.get(URL, params=params, headers={"X-API-Key": BELEID_KEY})
    cells = response.json()["cells"]
    assert {(c["wet"], c["wijk"]) for c in cells} == expected
    if "periode" in params:
        assert {c["periode"] for c in cells} <= {params["periode"]}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"periode": "2026-13"}, "periode"),
        ({"periode": "2026-H3"}, "periode"),
        ({"periode": "maart"}, "periode"),
        ({"wet": "wwb"}, "wet"),
        ({"wijk": "Eindhoven"}, "wijk"),
        ({"peildatum": "15-04-2026"}, "peildatum"),
        ({"peildatum": "1776240000"}, "peildatum"),
        ({"peildatum": "2026-02-30"}, "peildatum"),
        ({"peildatum": "2026-04-16"}, "peildatum"),
        ({"wyk": "Dierdonk"}, "wyk"),
    ],
)
async def test_invalid_queries_are_problems_naming_the_field(
    client: httpx.AsyncClient, params, field
):
    body = _problem(await client.get(URL, params=params), 422)
    assert [e["field"] for e in body["errors"]] == [field]  # type: ignore[attr-defined]
    assert all(e["reason"] for e in body["errors"])  # type: ignore[attr-defined]


async def test_unknown_kpi_lists_the_available_ones(client: httpx.AsyncClient):
    body = _problem(await client.get("/api/v1/kpi/wachtlijst"), 404)
    assert body["available"] == sorted(
        [
            "doorlooptijd",
            "wachttijd",
            "sth-opgepakt",
            "sth-zonder-verwijzing",
            "bereik-ondersteuning",
            "bereik-vroegsignalering",
            "vroegsignalen",
            "open-over-termijn",
        ]
    )
    assert "doorlooptijd" in str(body["detail"])
    assert body["errors"] == [{"field": "kpi", "reason": "no such KPI"}]


async def test_unknown_api_key_is_refused(client: httpx.AsyncClient):
    response = await client.get(URL, headers={"X-API-Key": "not-a-key-of-ours-000"})
    body = _problem(response, 401)
    assert body["errors"] == [{"field": "X-API-Key", "reason": "not a known key"}]
    assert "not-a-key-of-ours" not in response.text
    assert response.headers["www-authenticate"].startswith("ApiKey")


async def test_unknown_path_is_a_problem_too(client: httpx.AsyncClient):
    _problem(await client.get("/api/v2/kpi"), 404)


@pytest.mark.usefixtures("helmond")
async def test_peildatum_cuts_periodes(client: httpx.AsyncClient, write_cell: WriteCell):
    write_cell("wmo", "gemeente", "2026-04", [10] * 5, tijdig=5, on=date(2026, 4, 2))
    client.headers["X-API-Key"] = ANALIST_KEY  # an earlier peildatum is for signed-in roles
    today = (await client.get(URL, params={"wijk": "gemeente"})).json()
    assert [c["periode"] for c in today["cells"]] == ["2026", "2026-H1", "2026-03", "2026-04"]

    # On 31 March, March was complete; April had not begun; the year and half-year ran on and
    # are given as they were on that day.
    end_of_march = (
        await client.get(URL, params={"wijk": "gemeente", "peildatum": "2026-03-31"})
    ).json()
    assert end_of_march["peildatum"] == "2026-03-31"
    assert [c["periode"] for c in end_of_march["cells"]] == ["2026", "2026-H1", "2026-03"]
    assert {c["n"] for c in end_of_march["cells"]} == {9}
    assert end_of_march["weggelaten_perioden"] == []
    # On 15 March no besluit of March was taken yet: March, running, holds nothing.
    mid_march = {"wijk": "gemeente", "periode": "2026-03", "peildatum": "2026-03-15"}
    answer = await client.get(URL, params=mid_march)
    assert answer.status_code == 200, answer.text
    assert (answer.json()["cells"], answer.json()["weggelaten_perioden"]) == ([], [])


def _worked_examples() -> list[CloudEvent]:
    """Wmo (8 weeks = 56 days), in Stiphout; the peildatum 10 March lies inside March."""
    made: list[CloudEvent] = []

    def ev(kind: str, zaak: str, datum: str, minute: int | None = None, **data: object) -> None:
        at = T0 + timedelta(minutes=len(made) if minute is None else minute)
        body = {"zaak_id": zaak, "datum": datum, **data}
        made.append(new_event(kind, body, source=SOURCE, time=at))

    aangemeld: dict[str, Any] = {"wet": "wmo", "soort": "melding", "wijk": "Stiphout"}
    # 1: 5 Jan -> besluit 20 Feb: 46 days, on time (February).
    ev("zaak.aangemeld", "A-1", "2026-01-05", **aangemeld)
    ev("zaak.besloten", "A-1", "2026-02-20", uitkomst="toegekend")
    # 2: opgeschort 19 Jan .. hervat 2 Feb moves the due date to 16 Mar; besluit 10 Mar: 50 days.
    ev("zaak.aangemeld", "A-2", "2026-01-05", **aangemeld)
    ev("zaak.opgeschort", "A-2", "2026-01-19")
    ev("zaak.hervat", "A-2", "2026-02-02")
    ev("zaak.besloten", "A-2", "2026-03-10", uitkomst="afgewezen")
    # 3: besluit 5 Mar, three days after its due date: 59 days, late.
    ev("zaak.aangemeld", "A-3", "2026-01-05", **aangemeld)
    ev("zaak.besloten", "A-3", "2026-03-05", uitkomst="toegekend")
    # 4: besluit of 27 Feb corrected (later time) to 12 Mar: on 10 Mar it is not there, and
    #    its earlier, wrong version does not count either (not in February, not in March).
    ev("zaak.aangemeld", "A-4", "2026-01-12", **aangemeld)
    ev("zaak.besloten", "A-4", "2026-02-27", minute=600, uitkomst="toegekend")
    ev("zaak.besloten", "A-4", "2026-03-12", minute=700, uitkomst="toegekend")
    # 5: besluit of 30 Mar corrected (later time) to 3 Mar: counts from 3 Mar in March.
    ev("zaak.aangemeld", "A-5", "2026-02-02", **aangemeld)
    ev("zaak.besloten", "A-5", "2026-03-30", minute=800, uitkomst="toegekend")
    ev("zaak.besloten", "A-5", "2026-03-03", minute=900, uitkomst="toegekend")
    # 6: withdrawn: left out; 7: besluit on 20 Mar, after the peildatum.
    ev("zaak.aangemeld", "A-6", "2026-01-12", **aangemeld)
    ev("zaak.besloten", "A-6", "2026-01-30", uitkomst="ingetrokken")
    ev("zaak.aangemeld", "A-7", "2026-02-02", **aangemeld)
    ev("zaak.besloten", "A-7", "2026-03-20", uitkomst="buiten-behandeling")
    return made


@pytest.mark.usefixtures("write_cell")  # for its clean-up of the test's Redis keys
async def test_a_running_periode_on_a_past_peildatum_answers_with_the_reference_figures(
    client: httpx.AsyncClient, redis_url: str, topic_prefix: str
) -> None:
    """The cells as the KPI worker's sink writes them (dated fields) give, for a periode still
    running on an earlier peildatum, exactly the independent reference's figures on that day
    (tests/reference/figures.py doorlooptijd_at), where doorlooptijd/1 answered 422."""
    events = _worked_examples()
    domain = get_domain_config()
    calendar = AtwCalendar(domain.gelijkgestelde_dagen)
    histories: dict[str, ZaakHistory] = defaultdict(ZaakHistory)
    for event in events:
        found = zaak_fact(event)
        assert found is not None
        histories[found[0]] = histories[found[0]].add(found[1])
    async with aioredis.Redis.from_url(redis_url, decode_responses=True) as r:
        sink = FigureSink(r, FigureKeys(topic_prefix))
        for zaak_id, history in histories.items():
            await sink.replace(
                zaak_id, zaak_contribution(history, domain, calendar, zaak_id=zaak_id)
            )
    raw = [e.to_dict() for e in events]

    async def served(**params: str) -> dict[tuple[str, str, str], dict[str, object]]:
        response = await client.get(URL, params=params, headers={"X-API-Key": ANALIST_KEY})
        assert response.status_code == 200, response.text
        assert response.json()["weggelaten_perioden"] == []
        cells = response.json()["cells"]
        assert all("verborgen" not in c for c in cells)  # analist: nothing hidden
        assert all(c.pop("cbs_code") == cbs_codes(domain).get(c["wijk"]) for c in cells)
        return {(c.pop("wet"), c.pop("wijk"), c.pop("periode")): c for c in cells}

    # The periode that was refused before: March, running on 10 March.
    march_10 = await served(periode="2026-03", peildatum="2026-03-10")
    expected = doorlooptijd_at(raw, date(2026, 3, 10))
    assert march_10 == {cell: f for cell, f in expected.items() if cell[2] == "2026-03"}
    # Besluiten of 3 (A-5, corrected from 30 Mar), 5 and 10 Mar; not A-4 (12 Mar), not A-7.
    assert march_10["wmo", "Stiphout", "2026-03"] == {
        "n": 3,
        "n_tijdig": 2,
        "tijdig_pct": 66.7,
        "median": 50,
        "p90": 59,
    }
    # Every periode on several peildata: running and closed ones, and today.
    for peildatum in ("2026-02-20", "2026-02-27", "2026-03-04", "2026-03-10", "2026-03-12",
                      "2026-03-31", TODAY.isoformat()):  # fmt: skip
        expected = doorlooptijd_at(raw, date.fromisoformat(peildatum))
        assert await served(peildatum=peildatum) == expected, peildatum
    assert await served() == doorlooptijd(raw)  # today: the live figures


async def test_a_listed_cell_without_counters_is_absent(
    client: httpx.AsyncClient, redis_url: str, topic_prefix: str, write_cell: WriteCell
):
    write_cell("wmo", "Stiphout", "2026-03", [5] * 5, tijdig=5, on=MARCH_16)
    keys = FigureKeys(topic_prefix)
    with redis.Redis.from_url(redis_url) as r:
        r.sadd(keys.cells_index, cell_key("doorlooptijd", "wmo", "Warande", "2026-03"))
    cells = (await client.get(URL)).json()["cells"]
    assert [c["wijk"] for c in cells] == ["Stiphout"]


async def test_health_and_ready(client: httpx.AsyncClient):
    assert (await client.get("/health")).json() == {"status": "ok"}
    ready = await client.get("/ready")
    assert (ready.status_code, ready.json()) == (200, {"ready": True, "checks": {"redis": True}})


@pytest.mark.usefixtures("restore_logging")
async def test_without_redis_not_ready_and_figures_unavailable(topic_prefix: str):
    # A real address where nothing listens: port 1 on this host refuses the connection.
    async for client in _client(_settings("redis://127.0.0.1:1/0", topic_prefix)):
        ready = await client.get("/ready")
        assert (ready.status_code, ready.json()["checks"]) == (503, {"redis": False})
        _problem(await client.get(URL), 503)
        assert (await client.get("/health")).status_code == 200


@pytest.mark.usefixtures("helmond")
async def test_each_request_is_access_logged_without_refused_values(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
):
    with caplog.at_level(logging.INFO, logger="wijkpuls.reporting.access"):
        await client.get(URL, params={"periode": "2026-03"}, headers={"X-API-Key": ANALIST_KEY})
        await client.get(URL, params={"wijk": "123456782"})
    ok, refused = [r for r in caplog.records if r.name == "wijkpuls.reporting.access"]
    assert (ok.route, ok.status, ok.role, ok.query) == (  # type: ignore[attr-defined]
        "/api/v1/kpi/{kpi}",
        200,
        "analist",
        {"periode": "2026-03"},
    )
    assert ok.key_id and ok.key_id not in ANALIST_KEY  # type: ignore[attr-defined]
    assert (refused.status, refused.role, refused.query_names) == (  # type: ignore[attr-defined]
        422,
        "publiek",
        ["wijk"],
    )
    # (The test's own httpx client logs its URLs; the service's access log must not.)
    assert "123456782" not in str(vars(refused))
