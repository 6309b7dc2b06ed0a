"""Intake credentials: keys kept as SHA-256, identified in constant time, allow-lists with *."""

from __future__ import annotations

import json

import httpx
import pytest
from fastapi import FastAPI
from pydantic import ValidationError

from services.intake import auth, credentials
from services.intake.credentials import Client, ClientRegistry, glob, hash_key
from services.intake.settings import (
    IntakeClient,
    IntakeSettings,
    Settings,
    development_intake_clients,
)
from shared.platform.problems import install_problem_handlers
from shared.platform.settings import AppSettings, Environment, PseudonymSettings

DEV_KEY = "wijkpuls-development-intake-key"  # documented in shared/config/dev_clients.yaml
WMO_KEY = "wijkpuls-development-intake-key-wmo"
WMO = "urn:nld:oin:00000001002220647000:systeem:wmo-zaaksysteem"
T = "nl.helmond.sociaaldomein."


def entry(name: str, key: str, **more: object) -> IntakeClient:
    fields = {"sources": ["urn:nld:oin:*"], "types": ["zaak.*"], **more}
    return IntakeClient(name=name, key_sha256=hash_key(key), **fields)  # type: ignore[arg-type]


def test_the_documented_development_keys_open_the_development_clients():
    registry = ClientRegistry.from_settings(Settings())
    dev, wmo = registry.identify(DEV_KEY), registry.identify(WMO_KEY)
    assert dev is not None and dev.name == "ontwikkeling"
    assert wmo is not None and wmo.name == "wmo-zaaksysteem"
    assert registry.identify("wijkpuls-development-intake-key ") is None
    assert registry.identify("") is None


def test_the_development_care_provider_may_send_start_and_stop_of_care_only():
    provider = ClientRegistry.from_settings(Settings()).identify("wijkpuls-development-iwmo-key")
    assert provider is not None and provider.name == "zorgaanbieder-ontwikkeling"
    agb = "urn:nld:agb:65656055:systeem:iwmo"
    assert provider.refusals(agb, T + "zorg.gestart") == []
    assert provider.refusals(agb, T + "zorg.beeindigd") == []
    assert provider.refusals(agb, T + "zaak.besloten") != []
    assert provider.refusals("urn:nld:oin:00000001002220647000:systeem:x", T + "zorg.gestart")


def test_only_the_hash_of_a_key_is_kept():
    [dev, *_] = development_intake_clients()
    assert dev.key_sha256 == hash_key(DEV_KEY)
    assert DEV_KEY not in json.dumps([c.model_dump() for c in development_intake_clients()])


def test_production_has_no_development_clients_and_refuses_their_keys():
    production = AppSettings(environment=Environment.PRODUCTION)
    real = PseudonymSettings(key="a-real-secret")  # type: ignore[arg-type]
    assert len(ClientRegistry.from_settings(Settings(app=production, pseudonym=real))) == 0
    with pytest.raises(ValidationError, match="WIJKPULS_INTAKE_CLIENTS"):
        Settings(
            app=production,
            pseudonym=real,
            intake=IntakeSettings(clients=[entry("ontwikkeling", DEV_KEY)]),
        )
    own = IntakeSettings(clients=[entry("wmo", "k" * 43)])
    assert len(ClientRegistry.from_settings(Settings(app=production, pseudonym=real, intake=own)))


def test_clients_are_read_from_json_and_must_be_distinct(monkeypatch):
    one = entry("wmo", "key-1").model_dump(mode="json")
    monkeypatch.setenv("WIJKPULS_INTAKE_CLIENTS", json.dumps([one]))
    assert IntakeSettings().clients[0].types == ("zaak.*",)
    monkeypatch.setenv("WIJKPULS_INTAKE_CLIENTS", json.dumps([one, {**one, "name": "other"}]))
    with pytest.raises(ValidationError, match="key_sha256"):
        IntakeSettings()
    with pytest.raises(ValidationError):
        IntakeClient(name="x", key_sha256="not-hex", sources=("*",), types=("*",))


def test_star_matches_any_run_of_characters_and_nothing_else_is_special():
    assert glob("urn:nld:oin:*:systeem:wmo").fullmatch("urn:nld:oin:0001:systeem:wmo")
    assert not glob("urn:nld:oin:*:systeem:wmo").fullmatch("urn:nld:oin:1:systeem:wmo-2")
    assert glob("zaak.*").fullmatch("zaak.aangemeld")
    assert not glob("zaak.?").fullmatch("zaak.x")
    assert not glob("a.b").fullmatch("aXb"), "a dot is a dot"


def test_allow_lists_name_the_field_and_judge_only_text():
    allowed = {"sources": [WMO], "types": ["zaak.*", "zorg.toegewezen"]}
    client = Client.from_entry(entry("wmo", "k", **allowed))
    assert client.refusals(WMO, T + "zaak.besloten") == []
    assert client.refusals(WMO, T + "zorg.toegewezen") == []
    assert [p["type"] for p in client.refusals(WMO, T + "zorg.gestart")] == ["type_not_allowed"]
    other = WMO.replace("wmo", "jeugd")
    assert [p["field"] for p in client.refusals(other, T + "zorg.gestart")] == ["source", "type"]
    assert client.refusals(None, 12) == [], "a missing or odd value is the validation's to report"
    everything = Client.from_entry(entry("all", "k", types=["*"]))
    assert everything.refusals("urn:nld:oin:1:systeem:x", T + "zorg.gestart") == []
    assert everything.refusals("urn:nld:oin:1:systeem:x", "com.example.other")


def test_the_key_generator_prints_a_key_once_and_an_entry_with_its_hash(capsys):
    credentials.main(["wmo-zaaksysteem", "--source", WMO])
    out = capsys.readouterr().out.splitlines()
    key = out[0].rsplit(" ", 1)[1]
    made = IntakeClient.model_validate_json(out[1].split(": ", 1)[1])
    assert len(key) >= 43 and made.key_sha256 == hash_key(key) and key not in out[1]


async def test_the_dependency_answers_401_with_www_authenticate():
    app = FastAPI()
    auth.install(app, Settings())
    install_problem_handlers(app)

    @app.get("/who")
    async def who(client: auth.AuthenticatedClient) -> dict[str, str]:
        return {"name": client.name}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://intake") as http:
        missing = await http.get("/who")
        unknown = await http.get("/who", headers={"Authorization": "Bearer nope"})
        basic = await http.get("/who", headers={"Authorization": "Basic eDp5"})
        bearer = await http.get("/who", headers={"Authorization": f"Bearer {DEV_KEY}"})
        header = await http.get("/who", headers={"X-API-Key": WMO_KEY})
    for refused in (missing, unknown, basic):
        assert refused.status_code == 401
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.headers["www-authenticate"].startswith('Bearer realm="wijkpuls-intake"')
    assert 'error="invalid_token"' in unknown.headers["www-authenticate"]
    assert "nope" not in unknown.text
    assert bearer.json() == {"name": "ontwikkeling"}
    assert header.json() == {"name": "wmo-zaaksysteem"}
