"""People on the signals service (docs/signin.md#the-signals-service), over real HTTP with the
real identity provider's tokens and page sessions: the 401/403 matrix generated from the
route table (a route the table does not name fails), the CSRF refusal of a page session's
form from another site, the access log naming the person, and the access log's retention.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fixtures.oidc_provider import SIGNALS_CLIENT, SIGNALS_REDIRECT, sign_in
from fixtures.signals_served import Served, page_session, served_signals, session_token
from sqlalchemy import update

from services.signals.signin import SESSION_COOKIE
from services.signals.vault.access_log import record_access
from services.signals.vault.retention import apply_retention
from services.signals.vault.schema import access_log
from services.signals.wiring import start_edge

pytestmark = pytest.mark.integration

VS, PO, SP = "vroegsignalering", "privacy-officer", "signaalpartner"
# API callers: credentials -> the role they act in (None: refused with 401, "geen": 403 all)
KEYS = {
    "team-key": ("X-API-Key", "wijkpuls-development-signals-team-key", VS),
    "energie-key": ("X-API-Key", "wijkpuls-development-signals-energie-key", SP),
    "privacy-key": ("X-API-Key", "wijkpuls-development-signals-privacy-key", PO),
}
OPEN = "open"
# Who may use each route (method, template): roles, or OPEN (no credentials looked at).
API = {
    ("POST", "/api/v1/deliveries"): {SP, VS},
    ("GET", "/api/v1/deliveries/{delivery_id}"): {SP, VS},
    ("GET", "/api/v1/deliveries/{delivery_id}/problems.csv"): {SP, VS},
    ("GET", "/api/v1/werklijst"): {VS},
    ("GET", "/api/v1/vroegsignaalzaken/{case_id}"): {VS},
    ("POST", "/api/v1/vroegsignaalzaken/{case_id}/contactpogingen"): {VS},
    ("PUT", "/api/v1/vroegsignaalzaken/{case_id}/resultaat"): {VS},
    ("GET", "/api/v1/ddas-export"): {VS},
    ("GET", "/api/v1/access-log"): {PO},
    ("GET", "/api/v1/privacy/retention"): {PO},
    ("GET", "/api/v1/privacy/key-rotation"): {PO},
    ("POST", "/api/v1/privacy/inzage"): {PO, VS},
    ("POST", "/api/v1/privacy/erasure"): {PO},
}
PAGES = {
    ("GET", "/vroegsignalering/werklijst"): {VS},
    ("GET", "/vroegsignalering/zaken/{case_id}"): {VS},
    ("POST", "/vroegsignalering/zaken/{case_id}/contactpoging"): {VS},
    ("POST", "/vroegsignalering/zaken/{case_id}/resultaat"): {VS},
    ("GET", "/vroegsignalering/levering"): {VS},
    ("POST", "/vroegsignalering/levering"): {VS},
    ("GET", "/vroegsignalering/levering/{delivery_id}"): {VS},
    ("GET", "/vroegsignalering/export"): {VS},
    ("GET", "/privacy/toegangslog"): {PO},
    ("GET", "/privacy/inzage"): {PO},
    ("POST", "/privacy/inzage"): {PO},
    ("GET", "/privacy/bewaartermijnen"): {PO},
    ("GET", "/privacy/sleutels"): {PO},
}
OPEN_ROUTES = {
    ("GET", path)
    for path in (
        "/openapi.json",
        "/docs",
        "/docs/oauth2-redirect",
        "/redoc",
        "/auth/aanmelden",
        "/auth/callback",
        "/auth/sessie",
        "/health",
        "/ready",
        "/",
        "/signalen/signalen.css",
        "/signalen/huis.css",
        "/signalen/levering.js",
        "/signalen/vendor",
        "/api/v1/openapi.json",
        "/metrics",
    )
} | {("POST", "/auth/afmelden")}
LOGINS = {"vroegsignalering": VS, "privacy": PO, "analist": "geen"}


def route_table(routes: Iterable[Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    """(method, path template) of every route, included routers and mounts unfolded."""
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from route_table(included.routes, prefix + route.include_context.prefix)
        elif hasattr(route, "app") and not hasattr(route, "endpoint"):  # a mount
            yield "GET", prefix + route.path
        else:
            for method in sorted(set(route.methods) - {"HEAD"}):
                yield method, prefix + route.path


def _path(template: str) -> str:
    return template.replace("{case_id}", "VS-onbekend").replace("{delivery_id}", "onbekend")


@pytest.fixture(scope="module")
def served(
    kafka_bootstrap: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    with served_signals(kafka_bootstrap, redis_url, tmp_path_factory.mktemp("signin")) as found:
        yield found


@pytest.fixture(scope="module")
def tokens() -> dict[str, str]:
    """Access tokens for the signals audience, and one for the reporting's audience."""
    found = {
        login: sign_in(login, SIGNALS_REDIRECT, SIGNALS_CLIENT).access_token for login in LOGINS
    }
    found["reporting-audience"] = sign_in("vroegsignalering").access_token
    return found


@pytest.fixture(scope="module")
def sessions(served: Served) -> dict[str, str]:
    return {login: page_session(served.base, login) for login in LOGINS}


@pytest.fixture(scope="module")
def csrf(served: Served, sessions: dict[str, str]) -> dict[str, str]:
    """Each page session's CSRF token (login -> token)."""
    return {login: session_token(served.base, cookie) for login, cookie in sessions.items()}


def test_every_route_is_in_the_matrix(served: Served) -> None:
    routes = set(route_table(served.app.routes))
    missing = sorted(routes - set(API) - set(PAGES) - OPEN_ROUTES)
    assert not missing, f"say who may use these routes in API or PAGES: {missing}"


def test_each_caller_gets_401_403_or_through_on_every_api_route(
    served: Served, tokens: dict[str, str]
) -> None:
    callers: dict[str, tuple[dict[str, str], str | None]] = {
        "nobody": ({}, None),
        "bad-token": ({"Authorization": "Bearer eyJhbGciOi.not.atoken"}, None),
        "unknown-key": ({"X-API-Key": "not-a-known-key-0123456789"}, None),
        "reporting-audience": ({"Authorization": f"Bearer {tokens['reporting-audience']}"}, None),
        **{name: ({header: key}, role) for name, (header, key, role) in KEYS.items()},
        **{
            f"token-{login}": ({"Authorization": f"Bearer {tokens[login]}"}, role)
            for login, role in LOGINS.items()
        },
    }
    wrong = []
    with httpx.Client(base_url=served.base, timeout=20) as client:
        for (method, template), roles in sorted(API.items()):
            for name, (headers, role) in callers.items():
                answer = client.request(method, _path(template), headers=headers)
                wanted = 401 if role is None else (403 if role not in roles else None)
                got = answer.status_code
                if (wanted is None and got in (401, 403, 500)) or (wanted and got != wanted):
                    wrong.append(f"{name} {method} {template}: {got}, wanted {wanted or 'ok'}")
                if got == 403:
                    assert answer.json()["title"] == "Geen toegang", answer.text
                    assert "alleen voor de rol" in answer.json()["detail"]
    assert not wrong, "\n".join(wrong)


def test_each_page_sends_to_sign_in_refuses_other_roles_and_opens_for_its_own(
    served: Served, sessions: dict[str, str], csrf: dict[str, str]
) -> None:
    wrong = []
    same_site = {"Origin": served.base}
    with httpx.Client(base_url=served.base, timeout=20) as client:
        for (method, template), roles in sorted(PAGES.items()):
            anonymous = client.request(method, _path(template), headers=same_site)
            if anonymous.status_code != 303 or not anonymous.headers["location"].startswith(
                "/auth/aanmelden"
            ):
                wrong.append(f"nobody {method} {template}: {anonymous.status_code}")
            for login, role in LOGINS.items():
                jar = {"Cookie": f"{SESSION_COOKIE}={sessions[login]}", **same_site,
                       "X-CSRF-Token": csrf[login]}  # fmt: skip
                answer = client.request(method, _path(template), headers=jar)
                refused = answer.status_code == 403
                if refused != (role not in roles) or answer.status_code >= 500:
                    wrong.append(f"{login} {method} {template}: {answer.status_code}")
                if refused:
                    assert "Geen toegang" in answer.text and 'lang="nl"' in answer.text
    assert not wrong, "\n".join(wrong)


def test_a_form_from_another_site_is_refused_for_a_session_not_for_a_token(
    served: Served, sessions: dict[str, str], tokens: dict[str, str], csrf: dict[str, str]
) -> None:
    jar = {"Cookie": f"{SESSION_COOKIE}={sessions['vroegsignalering']}"}
    page = "/vroegsignalering/zaken/VS-onbekend/contactpoging"
    api = "/api/v1/vroegsignaalzaken/VS-onbekend/resultaat"
    form = {"datum": "2026-01-05", "soort": "telefoon", "bereikt": "ja"}
    uitkomst = {"datum": "2026-01-05", "resultaat": "verwijzing-zonder-contact"}
    with httpx.Client(base_url=served.base, timeout=20) as client:
        for elsewhere in (
            {"Origin": "https://elders.example"},
            {"Sec-Fetch-Site": "cross-site"},
            {},  # a session's POST must say where it comes from
        ):
            refused = client.post(page, data=form, headers={**jar, **elsewhere})
            assert refused.status_code == 403 and "CSRF" in refused.text, elsewhere
            answer = client.put(api, json=uitkomst, headers={**jar, **elsewhere})
            assert answer.status_code == 403, elsewhere
            assert answer.json()["type"].endswith("/cross-site-refused")
        # from this site, without the session's token or with another's: a Dutch 403 page
        # naming the reason, and the API's 403 problem
        here = {**jar, "Origin": served.base, "Sec-Fetch-Site": "same-origin"}
        for token, reason in (
            ({}, "geen beveiligingstoken"),
            ({"csrf": csrf["privacy"]}, "hoort niet bij uw sessie"),
        ):
            refused = client.post(page, data={**form, **token}, headers=here)
            assert refused.status_code == 403 and 'lang="nl"' in refused.text
            assert "formulier zonder geldig token" in refused.text and reason in refused.text
            answer = client.put(api, json=uitkomst, headers={**here, "X-CSRF-Token": "x" * 43})
            assert answer.json()["type"].endswith("/csrf-token-refused")
        # with its own token (the hidden field, or the header) the form goes through (to an
        # unknown zaak: 404)
        mine = csrf["vroegsignalering"]
        assert client.post(page, data={**form, "csrf": mine}, headers=here).status_code == 404
        with_header = {**here, "X-CSRF-Token": mine}
        assert client.put(api, json=uitkomst, headers=with_header).status_code == 404
        # a bearer token is no ambient credential: no CSRF check, the zaak is unknown
        bearer = {"Authorization": f"Bearer {tokens['vroegsignalering']}"}
        answer = client.put(api, json=uitkomst, headers={**bearer, "Origin": "https://x.example"})
        assert answer.status_code == 404


def test_the_access_log_names_the_person_and_keeps_its_retention(
    served: Served, tokens: dict[str, str]
) -> None:
    team = {"Authorization": f"Bearer {tokens['vroegsignalering']}"}
    officer = {"Authorization": f"Bearer {tokens['privacy']}"}
    core = served.app.state.edge.core
    with httpx.Client(base_url=served.base, timeout=20) as client:
        assert client.get("/api/v1/werklijst", headers=team).status_code == 200
        # the log is the privacy officer's only
        assert client.get("/api/v1/access-log", headers=team).status_code == 403
        query = {"who": "Vera Vroegsignalering", "action": "read-werklijst"}
        found = client.get("/api/v1/access-log", params=query, headers=officer).json()
        entry = found["entries"][0]
        assert entry["sub"] == "demo-vroegsignalering-0004" and entry["role"] == VS
        assert (entry["naam"], entry["route"]) == ("Vera Vroegsignalering", "/api/v1/werklijst")
        # an entry past the access log's retention goes with the retention job's next run
        record_access(core, "oud-team", VS, "read-case", "VS-oud", 1, pseudoniem="hh-oud")
        with core.engine.begin() as conn:
            old = datetime.now(UTC) - timedelta(days=800)
            conn.execute(update(access_log).where(access_log.c.who == "oud-team").values(at=old))
        status = client.get("/api/v1/privacy/retention", headers=officer).json()
        assert (
            status["toegangslog_te_verwijderen"] == 1 and status["toegangslog_bewaardagen"] == 730
        )
        run = asyncio.run(_retention(served))
        assert run.access_log == 1 and run.zaken == []
        status = client.get("/api/v1/privacy/retention", headers=officer).json()
        assert status["toegangslog_te_verwijderen"] == 0
        assert status["runs"][0]["toegangslog"] == 1
        gone = client.get("/api/v1/access-log", params={"about": "hh-oud"}, headers=officer)
        assert gone.json()["total"] == 0
        rotation = client.get("/api/v1/privacy/key-rotation", headers=officer).json()
        assert rotation["sleutelversie"] == "v1" and rotation["bijgewerkt"] is True


async def _retention(served: Served) -> Any:
    """The retention job's own steps (vault/retention.py _run) on this service's vault."""
    edge = await start_edge(served.settings, client_id="test-signals-retention")
    try:
        today = datetime.now(UTC).date()
        days = served.settings.signals.access_log_retention_days
        return await apply_retention(edge.core, edge.publisher, today, days)
    finally:
        await edge.close()


def test_the_privacy_desk_confirms_before_inzage_and_erasure(
    served: Served, sessions: dict[str, str], tokens: dict[str, str], csrf: dict[str, str]
) -> None:
    day = (datetime.now(UTC).date() - timedelta(days=2)).isoformat()
    delivery = (
        "ID;Signaalpartner;Bedrag;Ontstaansdatum;Signaaldatum;Crisissignaal;"
        "Burgerservicenummer;Achternaam;Geboortedatum;Straatnaam;Postcode;Huisnummer\n"
        f"P-1;Zorg;250;{day};{day};nee;123456782;Kraaijenbergh;1961-03-04;Merelstraat;5703AB;3\n"
    )
    officer = {"Cookie": f"{SESSION_COOKIE}={sessions['privacy']}", "Origin": served.base,
               "X-CSRF-Token": csrf["privacy"]}  # fmt: skip
    team = {"Cookie": f"{SESSION_COOKIE}={sessions['vroegsignalering']}"}
    with httpx.Client(base_url=served.base, timeout=20) as client:
        files = {"file": ("inzage.csv", delivery.encode(), "text/csv")}
        key = {"X-API-Key": KEYS["team-key"][1]}
        assert client.post("/api/v1/deliveries", files=files, headers=key).status_code == 201
        # the DDAS export downloads with the team's page session (a GET: no CSRF question)
        month = day[:7]
        export = client.get(f"/api/v1/ddas-export?maand={month}&client=false", headers=team)
        assert export.status_code == 200 and "attachment" in export.headers["content-disposition"]
        # a BSN failing the 11-proef: the error at the field, nothing looked up
        wrong = client.post("/privacy/inzage", data={"bsn": "123456789"}, headers=officer)
        assert wrong.status_code == 422 and 'id="bsn-fout"' in wrong.text
        assert 'aria-invalid="true"' in wrong.text and "elfproef" in wrong.text
        # first a confirmation step, with the BSN masked on the page
        confirm = client.post("/privacy/inzage", data={"bsn": "123456782"}, headers=officer)
        assert confirm.status_code == 200 and "******782" in confirm.text
        assert "Kraaijenbergh" not in confirm.text
        seen = client.post(
            "/privacy/inzage", data={"bsn": "123456782", "stap": "inzage"}, headers=officer
        )
        assert seen.status_code == 200 and "Kraaijenbergh" in seen.text
        erased = client.post(
            "/privacy/inzage", data={"bsn": "123456782", "stap": "verwijderen"}, headers=officer
        )
        assert erased.status_code == 200 and "Verwijderd: 1 signalen" in erased.text
        again = client.post(
            "/privacy/inzage", data={"bsn": "123456782", "stap": "inzage"}, headers=officer
        )
        assert "bewaart niets" in again.text
        # both logged with the officer's name and the person's pseudonym, never the BSN
        bearer = {"Authorization": f"Bearer {tokens['privacy']}"}
        log = client.get("/api/v1/access-log", params={"who": "Piet Privacy"}, headers=bearer)
        entries = [e for e in log.json()["entries"] if e["action"] in ("inzage", "erasure")]
        assert [e["action"] for e in entries] == ["inzage", "erasure", "inzage"]
        assert all(e["pseudoniem"] and e["route"] == "/privacy/inzage" for e in entries)
        assert "123456782" not in log.text
        exported = client.get("/api/v1/access-log", params={"action": "ddas-export-zonder-client"},
                              headers=bearer).json()["entries"]  # fmt: skip
        assert exported[0]["naam"] == "Vera Vroegsignalering"
