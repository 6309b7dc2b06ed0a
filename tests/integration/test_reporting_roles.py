"""The roles of docs/signin.md#roles in the reporting service, with bearer tokens of the real
identity provider's demo users (deploy/local/oidc.sh): a teamleider reads the single zaken of
its own wijken only and is refused another wijk in Dutch, naming it, and the small numbers of
its own wijken in the KPI figures; vroegsignalering and
privacy-officer see counts, not zaken; every zaak-level read is logged with the person.
"""

from __future__ import annotations

import csv
import io
import logging
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from fixtures.oidc_provider import ensure_provider
from fixtures.role_zaken import TEAM_WIJKEN, TODAY, demo_tokens, reporting_settings, role_zaken

from services.reporting.app import create_app

pytestmark = pytest.mark.integration

ACCESS = "wijkpuls.reporting.access"


@pytest.fixture(scope="module")
def tokens() -> dict[str, str]:
    return demo_tokens()


@pytest.fixture(scope="module")
def prefix(redis_url: str) -> Iterator[str]:
    with role_zaken(redis_url, f"r{uuid.uuid4().hex[:8]}.") as name:
        yield name


@pytest.fixture
async def client(redis_url: str, prefix: str) -> AsyncIterator[httpx.AsyncClient]:
    settings = reporting_settings(redis_url, prefix, ensure_provider())
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    app = create_app(settings, today=lambda: TODAY)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://reporting") as c:
            yield c
    root.handlers[:] = handlers
    root.setLevel(level)


def _as(tokens: dict[str, str], login: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[login]}"}


async def test_a_teamleider_reads_the_zaken_of_its_own_wijken_only(
    client: httpx.AsyncClient, tokens: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    tom = _as(tokens, "teamleider")
    with caplog.at_level(logging.INFO, logger=ACCESS):
        over = (await client.get("/api/v1/open-over-termijn", headers=tom)).json()
        zaken = {z["zaak_id"]: z["wijk"] for c in over["clocks"] for z in c["zaken"]}
        assert set(zaken) == {"HW-1", "BS-1"}  # not ST-1 of Stiphout
        # the counts are its wijken's too: wmo-besluit has HW-1 only, not ST-1
        assert {c["clock"]: c["n"] for c in over["clocks"]}["wmo-besluit"] == 1

        west = await client.get("/api/v1/open-over-termijn?wijk=Helmond-West", headers=tom)
        assert {z["zaak_id"] for c in west.json()["clocks"] for z in c["zaken"]} == {"HW-1"}

        lists = ("open-over-termijn", "bijna-over-termijn", "wachtend", "alerts")
        for path in (f"/api/v1/{name}" for name in lists):
            refused = await client.get(path, params={"wijk": "Stiphout"}, headers=tom)
            assert refused.status_code == 403, path
            body = refused.json()
            assert body["type"].endswith("/wijk-not-allowed")
            assert "Stiphout" in body["detail"] and "Helmond-West en Binnenstad" in body["detail"]

        wachtend = (await client.get("/api/v1/wachtend", headers=tom)).json()
        assert [z["zaak_id"] for z in wachtend["zaken"]] == ["HW-2"]
        assert {c["wijk"] for c in wachtend["counts"]} == {"Helmond-West"}  # no gemeente

        bijna = (await client.get("/api/v1/bijna-over-termijn", headers=tom)).json()
        assert [
            (z["zaak_id"], z["due"], z["warning_on"], z["days_left"]) for z in bijna["zaken"]
        ] == [
            ("BS-2", "2026-04-28", "2026-04-14", 13)  # not ST-3 of Stiphout
        ]

        alerts = (await client.get("/api/v1/alerts", headers=tom)).json()["alerts"]
        assert [(a["zaak_id"], a["type"]) for a in alerts] == [
            ("BS-2", "alert.waarschuwing"),  # newest first
            ("HW-1", "alert.termijn-overschreden"),
        ]

        own = await client.get("/api/v1/zaken/HW-1/termijnen", headers=tom)
        assert own.status_code == 200 and own.json()["wijk"] == "Helmond-West"
        other = await client.get("/api/v1/zaken/ST-1/termijnen", headers=tom)
        assert other.status_code == 403
        assert other.json()["type"].endswith("/wijk-not-allowed")
        assert "Stiphout" not in other.text  # the zaak's wijk is not told

    logged = [r.__dict__ for r in caplog.records if r.name == ACCESS]
    read = next(e for e in logged if e["route"] == "/api/v1/zaken/{zaak_id}/termijnen")
    assert (read["role"], read["sub"], read["naam"], read["status"]) == (
        "teamleider", "demo-teamleider-0003", "Tom Teamleider", 200,
    )  # fmt: skip
    assert read["path_params"] == {"zaak_id": "HW-1"}
    assert read["zaakniveau"] == list(TEAM_WIJKEN)
    listed = [e for e in logged if e["route"] == "/api/v1/open-over-termijn" and e["status"] == 200]
    assert [e["query"] for e in listed] == [{}, {"wijk": "Helmond-West"}]
    assert all(e["naam"] == "Tom Teamleider" and e["zaakniveau"] for e in listed)


async def test_vroegsignalering_and_privacy_officer_see_counts_not_zaken(
    client: httpx.AsyncClient, tokens: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    for login, counts in (("vroegsignalering", "<5"), ("privacy", 2)):
        who = _as(tokens, login)
        with caplog.at_level(logging.INFO, logger=ACCESS):
            over = (await client.get("/api/v1/open-over-termijn", headers=who)).json()
        entry = [r.__dict__ for r in caplog.records if r.name == ACCESS][-1]
        # the privacy officer's exact small counts are logged as such, with the person
        assert entry.get("kleine_aantallen") == (None if login == "vroegsignalering" else 3)
        assert entry["sub"].startswith(f"demo-{login}")
        clocks = {c["clock"]: c for c in over["clocks"]}
        assert clocks["wmo-besluit"]["zaken"] is None and over["total"] is None
        # privacy-officer sees small numbers (docs/domain.md#small-numbers), vroegsignalering not
        assert clocks["wmo-besluit"]["n"] == counts, login
        for path in (
            "/api/v1/zaken/HW-1/termijnen",
            "/api/v1/alerts",
            "/api/v1/bijna-over-termijn",
        ):
            refused = await client.get(path, headers=who)
            assert refused.status_code == 403, (login, path)
            assert refused.json()["type"].endswith("/role-not-allowed")
            assert "ziet u de aantallen" in refused.json()["detail"]
    wijken = await client.get("/api/v1/wijken", headers=_as(tokens, "privacy"))
    assert wijken.json()["rol"] == "privacy-officer"
    analist = (await client.get("/api/v1/alerts", headers=_as(tokens, "analist"))).json()
    assert {a["zaak_id"] for a in analist["alerts"]} == {"HW-1", "ST-1", "BS-2"}
    bijna = await client.get("/api/v1/bijna-over-termijn", headers=_as(tokens, "analist"))
    assert {z["zaak_id"] for z in bijna.json()["zaken"]} == {"BS-2", "ST-3"}


async def test_vroegsignalering_sees_the_small_numbers_of_its_own_domain_only(
    client: httpx.AsyncClient, tokens: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    def stiphout(answer: dict[str, Any]) -> dict[str, Any]:
        return next(c for c in answer["cells"] if c["wijk"] == "Stiphout")

    url = "/api/v1/kpi/vroegsignalen?periode=2026-03"
    with caplog.at_level(logging.INFO, logger=ACCESS):
        vera = (await client.get(url, headers=_as(tokens, "vroegsignalering"))).json()
    bea = (await client.get(url, headers=_as(tokens, "beleid"))).json()
    assert stiphout(vera)["n"] == 2 and "verborgen" not in stiphout(vera)
    assert stiphout(bea)["n"] == "<5" and stiphout(bea)["verborgen"]["n"] == "primair"
    logged = [r.__dict__ for r in caplog.records if r.name == ACCESS]
    (read,) = [e for e in logged if e["role"] != "beleid"]
    assert (read["naam"], read["role"]) == ("Vera Vroegsignalering", "vroegsignalering")
    assert read["kleine_aantallen"] >= 1  # logged like a person-level read
    # outside its domain (and for a team lead) the figures stay controlled, as for beleid
    besluiten = "/api/v1/kpi/doorlooptijd?periode=2026-02&wijk=gemeente"
    for login, n in (("vroegsignalering", "<5"), ("teamleider", "<5"), ("privacy", 2)):
        (cell,) = (await client.get(besluiten, headers=_as(tokens, login))).json()["cells"]
        assert cell["n"] == n, login


async def test_a_teamleider_reads_the_small_numbers_of_its_own_wijken_and_is_logged(
    client: httpx.AsyncClient, tokens: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    """The besluiten of February: HW-2 in Helmond-West (its wijk) and ST-2 in Stiphout, one
    each: the team lead reads its own 1 exact where publiek reads "<5"; Stiphout and gemeente
    exactly as publiek reads them; the JSON, the CSV and the series alike; logged."""

    def by_wijk(answer: dict[str, Any]) -> dict[str, dict[str, Any]]:
        return {c["wijk"]: c for c in answer["cells"] if c["wet"] == "wmo"}

    url = "/api/v1/kpi/doorlooptijd?periode=2026-02"
    publiek = by_wijk((await client.get(url)).json())
    tom = _as(tokens, "teamleider")
    with caplog.at_level(logging.INFO, logger=ACCESS):
        own = by_wijk((await client.get(url, headers=tom)).json())
        as_csv = await client.get(url + "&format=csv", headers=tom)
        series = await client.get(
            "/api/v1/kpi/doorlooptijd/reeks?van=2026-01&tot=2026-03&wijk=Helmond-West",
            headers=tom,
        )
    assert publiek["Helmond-West"]["n"] == "<5"
    assert publiek["Helmond-West"]["verborgen"]["n"] == "primair"
    assert own["Helmond-West"]["n"] == 1 and own["Helmond-West"]["median"] is not None
    assert "verborgen" not in own["Helmond-West"]
    assert own["Stiphout"] == publiek["Stiphout"] and own["Stiphout"]["n"] == "<5"
    assert own["gemeente"] == publiek["gemeente"]
    assert set(own) == set(publiek)

    rows = {r["wijk"]: r for r in csv.DictReader(io.StringIO(as_csv.text)) if r["wet"] == "wmo"}
    assert (rows["Helmond-West"]["n"], rows["Helmond-West"]["verborgen"]) == ("1", "")
    assert rows["Stiphout"]["n"] == "" and "n=primair" in rows["Stiphout"]["verborgen"]
    (february,) = [
        c for c in series.json()["cells"] if c["periode"] == "2026-02" and c["wet"] == "wmo"
    ]
    assert february == own["Helmond-West"]

    logged = [r.__dict__ for r in caplog.records if r.name == ACCESS]
    logged = [e for e in logged if e["role"] != "publiek"]
    assert [e["route"] for e in logged] == [
        "/api/v1/kpi/{kpi}", "/api/v1/kpi/{kpi}", "/api/v1/kpi/{kpi}/reeks",
    ]  # fmt: skip
    for entry in logged:  # each read of its own small numbers, with the person
        assert (entry["sub"], entry["naam"], entry["role"]) == (
            "demo-teamleider-0003", "Tom Teamleider", "teamleider",
        )  # fmt: skip
        assert entry["kleine_aantallen"] >= 1
