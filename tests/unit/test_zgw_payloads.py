"""The ZGW test payloads have the shapes of the public ZGW specifications; auth per the standard."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator
from pydantic import SecretStr, ValidationError

from services.intake.settings import ZgwSettings
from services.intake.zgw.auth import callback_allowed, zgw_jwt
from services.intake.zgw.models import AuditEntry, Besluit, Notificatie, Status, Zaak

DATA = Path(__file__).resolve().parents[1] / "data" / "zgw"
SPECS = json.loads((DATA / "openapi-schemas.json").read_text())


def payload(name: str) -> Any:
    return json.loads((DATA / name).read_text())


def _json_schema(node: Any) -> Any:
    """OpenAPI 3.0 -> JSON Schema: ``nullable: true`` becomes 'or null'."""
    if isinstance(node, list):
        return [_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    converted = {k: _json_schema(v) for k, v in node.items() if k != "nullable"}
    return {"anyOf": [converted, {"type": "null"}]} if node.get("nullable") else converted


def validator(api: str, schema: str) -> Draft7Validator:
    components = {"schemas": _json_schema(SPECS[api]["schemas"])}
    return Draft7Validator({"$ref": f"#/components/schemas/{schema}", "components": components})


@pytest.mark.parametrize(
    ("name", "api", "schema"),
    [
        ("zaak.json", "zrc", "Zaak"),
        ("status.json", "zrc", "Status"),
        ("resultaat.json", "zrc", "Resultaat"),
        ("besluit.json", "brc", "Besluit"),
        ("notificatie-zaak.json", "nrc", "Message"),
        ("notificatie-besluit.json", "nrc", "Message"),
    ],
)
def test_payload_matches_the_specification(name: str, api: str, schema: str) -> None:
    errors = [e.message for e in validator(api, schema).iter_errors(payload(name))]
    assert errors == []


def test_audittrail_matches_the_specification() -> None:
    check = validator("zrc", "AuditTrail")
    for line in payload("audittrail.json"):
        assert [e.message for e in check.iter_errors(line)] == []
        for body in line["wijzigingen"].values():  # oud and nieuw are whole zaken
            assert [e.message for e in validator("zrc", "Zaak").iter_errors(body)] == []


def test_paginated_lists_as_the_test_server_serves_them() -> None:
    page = {"count": 1, "next": None, "previous": None, "results": [payload("zaak.json")]}
    assert not list(validator("zrc", "PaginatedZaakList").iter_errors(page))
    page["results"] = [payload("besluit.json")]
    assert not list(validator("brc", "PaginatedBesluitList").iter_errors(page))


def test_the_validator_does_catch_a_wrong_shape() -> None:
    zaak = payload("zaak.json")
    zaak["opschorting"] = {"indicatie": "ja"}  # a string, and reden missing
    del zaak["zaaktype"]
    errors = validator("zrc", "Zaak").iter_errors(zaak)
    assert sorted(str(e.path[0]) if e.path else e.validator for e in errors) == [
        "opschorting",
        "required",
    ]


def test_models_read_the_payloads() -> None:
    zaak = Zaak.model_validate(payload("zaak.json"))
    assert (zaak.identificatie, zaak.opgeschort, zaak.kenmerken[0].kenmerk) == (
        "ZAAK-2026-0000000101",
        False,
        "Brouwhuis",
    )
    assert Status.model_validate(payload("status.json")).datum_status_gezet.tzinfo is not None
    assert Besluit.model_validate(payload("besluit.json")).zaak == zaak.url
    lines = [AuditEntry.model_validate(a) for a in payload("audittrail.json")]
    assert [bool(a.wijzigingen.nieuw and a.wijzigingen.nieuw.opgeschort) for a in lines] == [
        False,
        True,
        False,
    ]
    notificatie = Notificatie.model_validate(payload("notificatie-zaak.json"))
    assert (notificatie.kanaal, notificatie.hoofd_object) == ("zaken", zaak.url)


def test_free_text_and_names_are_dropped_on_reading() -> None:
    line = AuditEntry.model_validate(payload("audittrail.json")[1])
    dumped = line.model_dump_json()
    assert "Klantmedewerker" not in dumped and "Aanvullende gegevens" not in dumped


def test_jwt_matches_the_open_zaak_documentation_example() -> None:
    # open-zaak docs/client-development/authentication.rst: client "docs", "example-secret"
    token = zgw_jwt(
        "docs", SecretStr("example-secret"), 1602857301, "docs@example.com", "Documentation Example"
    )
    assert token == (
        "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJkb2NzIiwiaWF0IjoxNjAyODU3MzAxLCJjbGllbnRfaWQiOiJkb2NzIiwidXNlcl9pZCI6ImRvY3NAZXhhbXBsZS5jb20iLCJ1c2VyX3JlcHJlc2VudGF0aW9uIjoiRG9jdW1lbnRhdGlvbiBFeGFtcGxlIn0"
        ".DZu7E780xG4zqRiT8ZhrBeMudz45301wNVDT0ra-Iyw"
    )


def test_callback_needs_the_configured_header() -> None:
    secret = SecretStr("Bearer abonnement-secret-123")
    assert callback_allowed(secret, "Bearer abonnement-secret-123")
    assert not callback_allowed(secret, "Bearer abonnement-secret-12")
    assert not callback_allowed(secret, None)
    assert not callback_allowed(None, "Bearer abonnement-secret-123")


def test_zgw_settings_refuse_half_or_short_secrets() -> None:
    with pytest.raises(ValidationError, match="go together"):
        ZgwSettings(client_id="wijkpuls")
    with pytest.raises(ValidationError, match="16 characters") as refused:
        ZgwSettings(callback_authorization=SecretStr("Token kort"))
    assert "kort" not in str(refused.value)  # a refused secret is not echoed
    ok = ZgwSettings(
        client_id="wijkpuls", secret=SecretStr("s"), zaken_api_url="https://oz.example/zaken/api/v1"
    )
    assert str(ok.zaken_api_url) == "https://oz.example/zaken/api/v1"
