"""The signals service over HTTP on the real broker and Redis: deliveries, werklijst,
outreach, access log, and the privacy scan (no BSN, name or address outside the vault)."""

from __future__ import annotations

import json
import logging
from datetime import date
from pathlib import Path

import httpx
import pytest
import redis

from services.signals.app import create_app
from services.signals.settings import Settings, SignalsSettings
from shared.contract.topics import TopicSpec
from shared.platform.logs import JsonFormatter
from shared.platform.settings import KafkaSettings
from tests.fixtures.signals_support import read_topics

pytestmark = pytest.mark.integration
TEAM = {"X-API-Key": "wijkpuls-development-signals-team-key"}
ENERGIE = {"X-API-Key": "wijkpuls-development-signals-energie-key"}
FG = {"X-API-Key": "wijkpuls-development-signals-privacy-key"}
TODAY = date(2026, 3, 20)
# Known identities: none of these may appear outside the vault.
PEOPLE = [
    ("111222334", "Zwanenbergh", "Kwartelpad", "5707NB", "1951-02-03"),  # bad BSN: rejected
    ("123456782", "Van Oosterhoutje", "Kievitslaan", "5701AB", "1952-04-05"),
    ("", "Spreeuwenbergh", "Merelhof", "5704CD", "1953-06-07"),
]
SECRETS = ["123456782", "111222334", "Zwanenbergh", "Oosterhoutje", "Spreeuwenbergh",
           "Kwartelpad", "Kievitslaan", "Merelhof", "5707NB", "5701AB", "5704CD",
           "1951-02-03", "1952-04-05", "1953-06-07"]  # fmt: skip


def csv_delivery() -> bytes:
    lines = [
        "ID;Signaalpartner;Bedrag;Ontstaansdatum;Signaaldatum;Crisissignaal;"
        "Burgerservicenummer;Achternaam;Geboortedatum;Straatnaam;Postcode;Huisnummer"
    ]
    for i, (bsn, naam, straat, postcode, geboren) in enumerate(PEOPLE, start=1):
        lines.append(f"H-{i};Huur;{300 * i};2026-01-01;2026-03-0{i};nee;{bsn};{naam};"
                     f"{geboren};{straat};{postcode};{i}")  # fmt: skip
    return ("\n".join(lines) + "\n").encode()


def ddas_delivery() -> bytes:
    bsn, naam, straat, postcode, geboren = PEOPLE[1]
    signal = {
        "ID": "E-1", "crisissignaal": True, "warmeOverdracht": False, "bedrag": 120,
        "ontstaansdatum": "2026-02-01", "signaaldatum": "2026-03-10",
        "signaalpartner": {"type": "Energie"},
        "client": {"Burgerservicenummer": bsn, "Achternaam": naam, "Geboortedatum": geboren,
                   "Straatnaam": straat, "Postcode": postcode, "Huisnummer": "2"},
    }  # fmt: skip
    body = {"leveringen": [{"teller": 1, "gemeentecode": "0794", "vroegsignalen": [signal]}]}
    return json.dumps(body).encode()


class Captured(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def settings(tmp_path: Path, kafka_settings: KafkaSettings, redis_url: str) -> Settings:
    return Settings(
        kafka=kafka_settings,
        signals=SignalsSettings(database_url=f"sqlite:///{tmp_path}/vault.db"),
    )


async def test_deliveries_werklijst_outreach_and_privacy(
    settings: Settings,
    kafka_topics: list[TopicSpec],
    redis_url: str,
) -> None:
    app = create_app(settings, today=lambda: TODAY)
    # create_app installs the JSON log handler on the root logger; capture what it formats.
    captured = Captured()
    logging.getLogger().addHandler(captured)
    logging.getLogger().setLevel(logging.DEBUG)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://signals") as http:
            case_id = await _exercise(http)

    partitions = {spec.name: spec.partitions for spec in kafka_topics}
    topics = await read_topics(settings.kafka.bootstrap_servers, partitions)
    vroeg = [json.loads(r.value) for r in topics[next(t for t in topics if "vroegsignalen" in t)]]
    types = sorted(e["type"].rsplit(".", 1)[1] for e in vroeg)
    assert types == ["contactpoging", "ontvangen", "ontvangen", "ontvangen", "resultaat"]
    assert {e["data"]["vroegsignaalzaak_id"] for e in vroeg if "resultaat" in e["type"]} == {
        case_id
    }

    # Privacy: nothing personal in any topic of this test, in Redis, or in a log line.
    haystacks = [
        r.value.decode() + repr(r.key) + repr(r.headers)
        for records in topics.values()
        for r in records
    ]
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(count=1000):
        haystacks.append(repr(key))
        kind = client.type(key)
        if kind == b"string":
            haystacks.append(repr(client.get(key)))
        elif kind == b"hash":
            haystacks.append(repr(client.hgetall(key)))
    logging.getLogger().removeHandler(captured)
    haystacks += captured.lines
    assert any("delivery loaded" in line for line in captured.lines), "no service log to scan"
    for secret in SECRETS:
        leaks = [h[:80] for h in haystacks if secret.casefold() in h.casefold()]
        assert not leaks, f"{secret} leaked"


async def _exercise(http: httpx.AsyncClient) -> str:
    assert (await http.get("/ready")).json()["ready"] is True
    files = {"file": ("levering.csv", csv_delivery(), "text/csv")}
    assert (await http.post("/api/v1/deliveries", files=files)).status_code == 401
    answer = await http.post("/api/v1/deliveries", files=files, headers=TEAM)
    assert answer.status_code == 201, answer.text
    report = answer.json()
    assert (report["accepted"], report["rejected"], report["duplicates"]) == (2, 1, 0)
    assert report["problems"] == [
        {"row": 1, "field": "Burgerservicenummer", "kind": "rejected",
         "reason": "is not a valid BSN (9 digits that pass the 11-proef)"},
    ]  # fmt: skip
    again = (await http.post("/api/v1/deliveries", files=files, headers=TEAM)).json()
    assert (again["accepted"], again["duplicates"]) == (0, 2)
    own = f"/api/v1/deliveries/{report['delivery_id']}"
    assert (await http.get(own, headers=TEAM)).json()["accepted"] == 2
    csv_report = await http.get(report["download"], headers=TEAM)
    assert csv_report.text.splitlines()[1].startswith("1;Burgerservicenummer;")

    json_files = {"file": ("levering.json", ddas_delivery(), "application/json")}
    energie = (await http.post("/api/v1/deliveries", files=json_files, headers=ENERGIE)).json()
    assert energie["accepted"] == 1, energie
    assert (await http.get(own, headers=ENERGIE)).status_code == 404

    assert (await http.get("/api/v1/werklijst", headers=ENERGIE)).status_code == 403
    werklijst = (await http.get("/api/v1/werklijst", headers=TEAM)).json()["zaken"]
    # The energy signal is for the same address as huur signal 2: one household, one case,
    # two signaalpartners (meervoudig) and a crisis, so it heads the werklijst.
    first = werklijst[0]
    assert (first["crisis"], first["meervoudig"], first["wijk"]) == (True, True, "Binnenstad")
    assert len(werklijst) == 2
    assert first["signalen"][0]["client"]["achternaam"] == "Van Oosterhoutje"
    case_id = str(first["vroegsignaalzaak_id"])
    case_url = f"/api/v1/vroegsignaalzaken/{case_id}"
    poging = {"datum": "2026-03-12", "soort": "telefoon", "dagdeel": "ochtend", "bereikt": True}
    answer = await http.post(f"{case_url}/contactpogingen", json=poging, headers=TEAM)
    assert answer.status_code == 201, answer.text
    uitkomst = {"datum": "2026-03-13", "resultaat": "vervolghulp-en-of-verwijzing-financieel"}
    answer = await http.put(f"{case_url}/resultaat", json=uitkomst, headers=TEAM)
    assert answer.status_code == 200, answer.text
    detail = (await http.get(case_url, headers=TEAM)).json()
    assert detail["datum_opgepakt"] == "2026-03-12"
    open_now = (await http.get("/api/v1/werklijst", headers=TEAM)).json()["zaken"]
    assert case_id not in {z["vroegsignaalzaak_id"] for z in open_now}

    assert (await http.get("/api/v1/access-log", headers=TEAM)).status_code == 403
    log = (await http.get("/api/v1/access-log", headers=FG)).json()["entries"]
    assert [e["action"] for e in log] == ["read-werklijst", "read-case", "read-werklijst"]
    assert {e["who"] for e in log} == {"team-vroegsignalering"}
    return case_id
