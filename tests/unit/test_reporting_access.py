"""API keys and roles of the reporting API, its settings and its OpenAPI document."""

import hashlib
import json
import subprocess
import sys

import pytest
from pydantic import ValidationError

from services.reporting.access import ApiKeys, Caller
from services.reporting.app import create_app
from services.reporting.settings import ReportingRole, ReportingSettings, Settings
from shared.platform.settings import AppSettings, Environment

KEY = "analist-key-0123456789"


def test_no_key_is_publiek_a_known_key_its_role_an_unknown_key_nothing():
    keys = ApiKeys({KEY: ReportingRole.ANALIST})
    assert keys.caller(None) == Caller(ReportingRole.PUBLIEK)
    analist = keys.caller(KEY)
    assert analist is not None and analist.role is ReportingRole.ANALIST
    assert analist.key_id is not None and len(analist.key_id) == 12 and analist.key_id not in KEY
    assert keys.caller("someone-elses-key-000") is None
    assert ReportingRole.ANALIST.sees_small_numbers
    assert not ReportingRole.PUBLIEK.sees_small_numbers


def test_api_keys_come_from_a_json_environment_variable(monkeypatch):
    monkeypatch.setenv("WIJKPULS_REPORTING_API_KEYS", json.dumps({KEY: "analist"}))
    settings = ReportingSettings()
    assert settings.api_keys == {KEY: ReportingRole.ANALIST}
    assert KEY not in repr(settings)


def test_a_short_key_is_refused_without_echoing_it():
    with pytest.raises(ValidationError) as refused:
        ReportingSettings(api_keys={"kort-sleutel": "analist"})
    assert "16 characters" in str(refused.value)
    assert "kort-sleutel" not in str(refused.value)


@pytest.mark.usefixtures("restore_logging")
def test_openapi_documents_roles_problems_and_the_kpis():
    document = create_app(Settings()).openapi()
    assert "analist" in document["info"]["description"]
    # every KPI answers a periode running on an earlier peildatum: nothing says it is refused
    assert "running on it, cut at the peildatum" in document["info"]["description"]
    assert "refused with 422" not in document["info"]["description"]
    assert document["components"]["securitySchemes"]["api-key"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": document["components"]["securitySchemes"]["api-key"]["description"],
    }
    route = document["paths"]["/api/v1/kpi/{kpi}"]["get"]
    assert "`doorlooptijd` (definitie `doorlooptijd/2`)" in route["description"]
    assert "`wachttijd`" in route["description"]
    assert "application/problem+json" in route["responses"]["422"]["content"]
    parameters = {p["name"] for p in route["parameters"]}
    assert parameters == {"kpi", "periode", "wet", "wijk", "peildatum", "format"}
    assert route["security"] == [{"api-key": []}, {"bearer": []}]
    assert set(document["paths"]) == {
        "/api/v1/kpi/{kpi}",
        "/api/v1/kpi/open-over-termijn",
        "/api/v1/kpi/{kpi}/reeks",
        "/api/v1/rapport/sth/{halfjaar}",
        "/api/v1/rapport/sth/{halfjaar}/uitgaven",
        "/api/v1/rapport/sth/{halfjaar}/uitgaven/{uitgave}",
        "/api/v1/open-over-termijn",
        "/api/v1/bijna-over-termijn",
        "/api/v1/wachtend",
        "/api/v1/zaken/{zaak_id}/termijnen",
        "/api/v1/alerts",
        "/api/v1/wijken",
        "/api/v1/live",
        "/health",
        "/ready",
    }
    cells = document["paths"]["/api/v1/kpi/open-over-termijn"]["get"]["description"]
    assert "periode is the periode of the due date" in cells
    assert "`open-over-termijn`" in route["description"]
    assert "role analist" in document["paths"]["/api/v1/wachtend"]["get"]["description"]
    for path in ("/api/v1/zaken/{zaak_id}/termijnen", "/api/v1/alerts"):
        assert "403" in document["paths"][path]["get"]["responses"]


def test_cli_help_names_host_and_port():
    done = subprocess.run(
        [sys.executable, "-m", "services.reporting", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "--host" in done.stdout and "--port" in done.stdout and "8001" in done.stdout


def test_a_key_given_by_its_sha256_is_known_and_the_settings_hold_no_usable_key():
    digest = hashlib.sha256(KEY.encode()).hexdigest()
    settings = ReportingSettings(api_keys={f"sha256:{digest}": "analist"})
    assert settings.plain_api_keys == 0
    keys = ApiKeys(settings.api_keys)
    analist = keys.caller(KEY)
    assert analist is not None and analist.role is ReportingRole.ANALIST
    assert keys.caller(f"sha256:{digest}") is None  # the digest itself is no key
    with pytest.raises(ValidationError, match="64 lowercase hex"):
        ReportingSettings(api_keys={"sha256:abc": "analist"})


def test_production_refuses_a_reporting_key_in_plain_text():
    production = AppSettings(environment=Environment.PRODUCTION)
    digest = hashlib.sha256(KEY.encode()).hexdigest()
    hashed = ReportingSettings(api_keys={f"sha256:{digest}": "analist"})
    assert Settings(app=production, reporting=hashed).reporting.api_keys == hashed.api_keys
    with pytest.raises(ValidationError) as refused:
        Settings(app=production, reporting=ReportingSettings(api_keys={KEY: "analist"}))
    assert "plain text" in str(refused.value)
    assert KEY not in str(refused.value)
