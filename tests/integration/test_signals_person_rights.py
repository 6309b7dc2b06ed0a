"""Inzage and erasure by BSN, and the DDAS export route, over HTTP on the real broker, with
the vault on SQLite and on PostgreSQL (``vault_url``).

Two people share one address (one household): erasing one removes their signal and the
zaak only they supported; the shared zaak stays, carried by the other's signal.
"""

from __future__ import annotations

import json
from datetime import date

import httpx
import pytest

from services.signals.app import create_app
from services.signals.settings import Settings, SignalsSettings
from shared.contract.topics import TopicSpec
from shared.platform.settings import KafkaSettings

pytestmark = pytest.mark.integration
TEAM = {"X-API-Key": "wijkpuls-development-signals-team-key"}
FG = {"X-API-Key": "wijkpuls-development-signals-privacy-key"}
ANNA, BERT = "123456782", "111222333"


def _signal(sid: str, partner: str, day: str, bsn: str, naam: str, nummer: str) -> dict:
    return {
        "ID": sid, "bedrag": 250, "signaaldatum": day, "signaalpartner": {"type": partner},
        "client": {"Burgerservicenummer": bsn, "Achternaam": naam, "Postcode": "5701AB",
                   "Huisnummer": nummer},
    }  # fmt: skip


def delivery() -> bytes:
    signals = [
        _signal("Z-1", "Zorg", "2026-03-02", ANNA, "Aap", "7"),  # zaak 1, with Bert's
        _signal("Z-2", "Zorg", "2026-03-04", BERT, "Bos", "7"),
        _signal("Z-3", "Zorg", "2026-09-01", ANNA, "Aap", "7"),  # zaak 2: Anna alone
        _signal("Z-4", "Zorg", "2026-03-05", BERT, "Bos", "9"),  # another household
    ]
    return json.dumps({"leveringen": [{"teller": 1, "gemeentecode": "0794",
                                       "vroegsignalen": signals}]}).encode()  # fmt: skip


async def test_inzage_erasure_and_export_over_http(
    vault_url: str, kafka_settings: KafkaSettings, kafka_topics: list[TopicSpec]
) -> None:
    settings = Settings(kafka=kafka_settings, signals=SignalsSettings(database_url=vault_url))
    app = create_app(settings, today=lambda: date(2026, 10, 1))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://signals") as http:
            files = {"file": ("levering.json", delivery(), "application/json")}
            loaded = await http.post("/api/v1/deliveries", files=files, headers=TEAM)
            assert loaded.status_code == 201, loaded.text

            export = await http.get("/api/v1/ddas-export?maand=2026-03", headers=TEAM)
            assert export.status_code == 200
            zaken = export.json()["leveringen"][0]["vroegsignaalzaken"]
            assert len(zaken) == 2
            for maand in ("0000-01", "9999-12", "2026-13", "2026-3"):  # once a 500 for 0000-01
                refused = await http.get(f"/api/v1/ddas-export?maand={maand}", headers=TEAM)
                assert refused.status_code == 422, (maand, refused.text)
                assert "maand" in refused.text
            assert (
                await http.get("/api/v1/ddas-export?maand=2026-03", headers=FG)
            ).status_code == 403

            seen = await http.post("/api/v1/privacy/inzage", json={"bsn": ANNA}, headers=FG)
            assert seen.status_code == 200
            body = seen.json()
            assert sorted(s["signaal_id"] for s in body["signalen"]) == ["Z-1", "Z-3"]
            assert {s["client"]["achternaam"] for s in body["signalen"]} == {"Aap"}
            assert len(body["vroegsignaalzaken"]) == 2

            bad = await http.post("/api/v1/privacy/inzage", json={"bsn": "123456789"}, headers=FG)
            assert bad.status_code == 422 and "123456789" not in bad.text
            denied = await http.post("/api/v1/privacy/erasure", json={"bsn": ANNA}, headers=TEAM)
            assert denied.status_code == 403

            erased = await http.post("/api/v1/privacy/erasure", json={"bsn": ANNA}, headers=FG)
            assert erased.json() == {"signalen": 2, "vroegsignaalzaken": 1, "zaken_behouden": 1}
            after = await http.post("/api/v1/privacy/inzage", json={"bsn": ANNA}, headers=FG)
            assert after.json()["signalen"] == [] and after.json()["vroegsignaalzaken"] == []
            bert = await http.post("/api/v1/privacy/inzage", json={"bsn": BERT}, headers=FG)
            assert sorted(s["signaal_id"] for s in bert.json()["signalen"]) == ["Z-2", "Z-4"]

            log = (await http.get("/api/v1/access-log", headers=FG)).json()["entries"]
            actions = [e["action"] for e in log]
            for action in ("ddas-export", "inzage", "erasure"):
                assert action in actions
            assert not any(ANNA in json.dumps(e) or BERT in json.dumps(e) for e in log)
