"""The privacy officer's desk: the access log (filterable, paged, CSV), inzage and erasure
by BSN with a confirmation step, the retention status and the key rotation status.

The BSN travels only in a POST body (never in a URL) and is never shown back whole; inzage
and erasure are written to the access log under the person's pseudonym, as in the API.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from services.signals.api.auth import Caller, log_read
from services.signals.pages.access import page_caller
from services.signals.pages.layout import (
    alert,
    button,
    described,
    e,
    euro,
    field,
    page,
    select,
    table,
    textbox,
    yes_no,
)
from services.signals.settings import SignalsRole
from services.signals.vault import person_rights
from services.signals.vault.access_log import CURSOR_SHAPE, query_access
from services.signals.vault.status import retention_status, rotation_status
from shared.contract.events.bsn import normalise_bsn
from shared.platform.api_rules import decode_cursor, encode_cursor
from shared.platform.problems import ProblemError

router = APIRouter(prefix="/privacy", include_in_schema=False)
Officer = Annotated[Caller, Depends(page_caller(SignalsRole.PRIVACY_OFFICER))]
PAGE_SIZE = 50
ACTIONS = {
    "read-werklijst": "werklijst gelezen",
    "read-case": "zaak (huishouden) gelezen",
    "inzage": "inzage",
    "erasure": "verwijderd",
    "ddas-export": "DDAS-export met inwonergegevens",
    "ddas-export-zonder-client": "DDAS-export zonder inwonergegevens",
    "read-access-log": "toegangslog gelezen",
}


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@router.get("/toegangslog")
async def access_log_page(
    request: Request,
    officer: Officer,
    wie: str | None = None,
    actie: str | None = None,
    over: str | None = None,
    van: str | None = None,
    tot: str | None = None,
    cursor: str | None = None,
) -> HTMLResponse:
    wie, over = (wie or "").strip()[:128] or None, (over or "").strip()[:128] or None
    actie = actie if actie in ACTIONS else None
    start, end = _day(van), _day(tot)
    since = datetime.combine(start, time(0), UTC) if start else None
    until = datetime.combine(end + timedelta(days=1), time(0), UTC) if end else None
    try:
        after = decode_cursor(cursor, CURSOR_SHAPE)
    except ProblemError:
        after = None
    core = request.app.state.edge.core
    found = await asyncio.to_thread(
        query_access, core, wie, since, until, PAGE_SIZE, after, action=actie, about=over
    )
    log_read(request, officer, "read-access-log", "access-log", len(found.items))
    filters = {"wie": wie or "", "actie": actie or "", "over": over or "",
               "van": van or "", "tot": tot or ""}  # fmt: skip
    keuzes = [("", "Alle handelingen"), *ACTIONS.items()]
    form = (
        '<form class="formulier" method="get" action="/privacy/toegangslog" '
        'aria-label="Toegangslog filteren">'
        + field("wie", "Wie (naam, subject of API-client)", textbox("wie", wie, ""))
        + field("actie", "Handeling", select("actie", keuzes, actie or "", ""))
        + field("over", "Pseudoniem of zaak", textbox("over", over, ""))
        + field("van", "Vanaf datum", textbox("van", van, "", "date"))
        + field("tot", "Tot en met datum", textbox("tot", tot, "", "date"))
        + button("Filter", secondary=True)
        + "</form>"
    )
    rows = [
        [
            entry["at"][:19].replace("T", " "),
            (entry.get("naam") or entry["who"])
            + (f" ({entry['sub']})" if entry.get("sub") else " (API-client)"),
            entry["role"],
            ACTIONS.get(entry["action"], entry["action"]),
            entry.get("route") or "",
            entry.get("pseudoniem") or entry["target"],
            entry["rows"],
        ]
        for entry in found.items
    ]
    api_query = {"who": wie, "action": actie, "about": over,
                 "since": since.isoformat() if since else None,
                 "until": until.isoformat() if until else None}  # fmt: skip
    csv = "/api/v1/access-log?" + urlencode(
        {"format": "csv", "limit": 1000, **{k: v for k, v in api_query.items() if v}}
    )
    parts = [
        '<p class="utrecht-paragraph utrecht-paragraph--lead">Wie las welke gegevens van een '
        "huishouden of persoon, wanneer, en met welke rol. De nieuwste eerst.</p>",
        form,
        table(
            f"Toegangslog: {found.total} regels",
            ["Wanneer (UTC)", "Wie", "Rol", "Wat", "Route", "Pseudoniem of zaak", "Rijen"],
            rows,
        )
        if rows
        else alert("Geen regels met deze filters."),
        f'<p class="utrecht-paragraph"><a class="utrecht-link" href="{e(csv)}">Deze selectie '
        "als CSV (tot 1000 regels per bestand)</a></p>",
    ]
    if found.next_key is not None:
        query = urlencode({**filters, "cursor": encode_cursor(found.next_key)})
        parts.append(
            '<nav class="bladeren" aria-label="Bladeren door het toegangslog">'
            f'<a class="utrecht-link" href="/privacy/toegangslog?{e(query)}">Volgende '
            f"{PAGE_SIZE} regels</a></nav>"
        )
    return page("Toegangslog", "".join(parts), officer, current="/privacy/toegangslog")


def _person_form(error: str | None = None) -> str:
    hint = "Negen cijfers; het nummer komt niet in een adres of logregel terecht."
    control = textbox(
        "bsn", None, described("bsn", error, hint=True) + ' inputmode="numeric" autocomplete="off"'
    )
    return (
        '<form class="formulier" method="post" action="/privacy/inzage" novalidate '
        'aria-label="Persoon zoeken op BSN">'
        + field("bsn", "Burgerservicenummer", control, error, hint)
        + '<input type="hidden" name="stap" value="kies">'
        + button("Verder")
        + "</form>"
    )


@router.get("/inzage")
async def person_page(request: Request, officer: Officer) -> HTMLResponse:
    body = (
        '<p class="utrecht-paragraph utrecht-paragraph--lead">Inzage (AVG art. 15) en '
        "verwijderen (art. 17) van wat de kluis over een persoon bewaart. U bevestigt eerst; "
        "beide staan daarna in het toegangslog.</p>" + _person_form()
    )
    return page("Inzage en verwijderen", body, officer, current="/privacy/inzage")


def _masked(bsn: str) -> str:
    return "*" * 6 + bsn[-3:]


def _confirm(bsn: str) -> str:
    def choice(action: str, text: str, secondary: bool) -> str:
        return (
            f'<form class="formulier" method="post" action="/privacy/inzage" '
            f'aria-label="{e(text)}">'
            f'<input type="hidden" name="bsn" value="{e(bsn)}">'
            f'<input type="hidden" name="stap" value="{action}">'
            + button(text, secondary)
            + "</form>"
        )

    return (
        alert(
            f"U staat op het punt de gegevens van BSN {_masked(bsn)} te openen of te "
            "verwijderen. Verwijderen kan niet ongedaan worden gemaakt.",
            "warning",
        )
        + choice("inzage", "Bevestig: toon de inzage", False)
        + choice("verwijderen", "Bevestig: verwijder alle gegevens van deze persoon", True)
        + '<p class="utrecht-paragraph"><a class="utrecht-link" href="/privacy/inzage">'
        "Annuleren</a></p>"
    )


@router.post("/inzage")
async def person_action(request: Request, officer: Officer) -> Response:
    form = await request.form()
    given, step = str(form.get("bsn") or ""), str(form.get("stap") or "kies")
    bsn = normalise_bsn(given) if 8 <= len(given.strip()) <= 16 else None
    current = "/privacy/inzage"
    if bsn is None:
        body = _person_form("Dit is geen geldig burgerservicenummer (de elfproef klopt niet).")
        return page("Inzage en verwijderen", body, officer, current=current, status=422)
    if step == "kies":
        return page("Bevestig: inzage of verwijderen", _confirm(bsn), officer, current=current)
    core = request.app.state.edge.core
    keys = person_rights.person_keys(core, bsn)
    if step == "verwijderen":
        done = await asyncio.to_thread(person_rights.erase, core, keys)
        log_read(request, officer, "erasure", keys[0], done["signalen"], pseudoniem=keys[0])
        text = (
            f"Verwijderd: {done['signalen']} signalen en {done['vroegsignaalzaken']} zaken. "
            f"{done['zaken_behouden']} zaken blijven bestaan omdat ze ook op signalen van "
            "anderen in het huishouden steunen."
        )
        return page("Gegevens verwijderd", alert(text, "ok"), officer, current=current)
    found = await asyncio.to_thread(person_rights.inzage, core, keys)
    log_read(request, officer, "inzage", keys[0], len(found["signalen"]), pseudoniem=keys[0])
    return page("Inzage", _inzage_view(bsn, found), officer, current=current)


def _inzage_view(bsn: str, found: dict[str, Any]) -> str:
    if not found["signalen"]:
        return alert(f"De kluis bewaart niets van BSN {_masked(bsn)}.")
    signalen = [
        [s["signaalpartner"], s["signaaldatum"], euro(s["bedrag"]), yes_no(s["crisis"]),
         s["case_id"], ", ".join(f"{k}: {v}" for k, v in s["client"].items())]
        for s in found["signalen"]
    ]  # fmt: skip
    zaken = [
        [z["id"], z["wijk"], z["start"], z["datum_opgepakt"] or "", z["resultaat"] or "",
         len(z["contactpogingen"])]
        for z in found["vroegsignaalzaken"]
    ]  # fmt: skip
    verstrekt = [[k, v] for k, v in found["verstrekt"].items()]
    return (
        table(
            "Signalen met de gegevens zoals geleverd",
            ["Signaalpartner", "Signaaldatum", "Bedrag", "Crisis", "Zaak", "Gegevens"],
            signalen,
        )
        + table(
            "Vroegsignaalzaken",
            ["Zaak", "Wijk", "Start", "Opgepakt", "Resultaat", "Contactpogingen"],
            zaken,
        )
        + table("Verstrekt aan", ["Aan", "Wat"], verstrekt)
    )


@router.get("/bewaartermijnen")
async def retention_page(request: Request, officer: Officer) -> HTMLResponse:
    today: date = await request.app.state.today()
    days: int = request.app.state.access_log_days
    status = await asyncio.to_thread(retention_status, request.app.state.edge.core, today, days)
    rules = status["regels_maanden"]
    rows = [
        ["Zaken in de kluis", status["zaken_in_kluis"]],
        ["Nu te verwijderen (bij de volgende nachtelijke run)", status["zaken_nu_te_verwijderen"]],
        ["Te verwijderen binnen 30 dagen", status["zaken_binnen_30_dagen"]],
        ["Bewaartermijn toegangslog (dagen)", status["toegangslog_bewaardagen"]],
        ["Oudste regel in het toegangslog", status["toegangslog_oudste"] or "geen"],
        ["Toegangslogregels over de termijn", status["toegangslog_te_verwijderen"]],
    ]
    runs = [
        [r["at"].replace("T", " "), r["peildatum"], r["zaken"], r["signalen"], r["toegangslog"]]
        for r in status["runs"]
    ]
    body = (
        f'<p class="utrecht-paragraph utrecht-paragraph--lead">Peildatum {e(status["peildatum"])}. '
        f"Een zaak gaat {rules['nooit_opgepakt']} maanden na het laatste signaal weg als hij "
        f"nooit is opgepakt, {rules['na_opgepakt']} maanden na het oppakken en "
        f"{rules['na_afgesloten']} maanden na het resultaat (de laatste van die datums telt).</p>"
        + table("Wat nu bewaard wordt en wat vervalt", ["", "Aantal of datum"], rows)
        + (
            table(
                "Wat de bewaartermijn-runs verwijderden",
                ["Wanneer (UTC)", "Peildatum", "Zaken", "Signalen", "Toegangslogregels"],
                runs,
            )
            if runs
            else alert("Er is nog geen bewaartermijn-run geweest.")
        )
    )
    return page("Bewaartermijnen", body, officer, current="/privacy/bewaartermijnen")


@router.get("/sleutels")
async def rotation_page(request: Request, officer: Officer) -> HTMLResponse:
    status = await asyncio.to_thread(rotation_status, request.app.state.edge.core)
    versies = sorted(set(status["signalen_per_versie"]) | set(status["zaken_per_versie"]))
    rows = [
        [v + (" (in gebruik)" if v == status["sleutelversie"] else ""),
         status["signalen_per_versie"].get(v, 0), status["zaken_per_versie"].get(v, 0)]
        for v in versies
    ]  # fmt: skip
    state = (
        alert("Alle pseudoniemen in de kluis staan op de sleutel die in gebruik is.", "ok")
        if status["bijgewerkt"]
        else alert(
            f"{status['signalen_op_oudere_versie']} signalen staan nog op een oudere sleutel: "
            "draai python -m services.signals.vault.rotation.",
            "warning",
        )
    )
    body = (
        f'<p class="utrecht-paragraph utrecht-paragraph--lead">Pseudoniemsleutel in gebruik: '
        f"{e(status['sleutelversie'])}.</p>"
        + state
        + (
            table("Rijen per sleutelversie", ["Sleutelversie", "Signalen", "Zaken"], rows)
            if rows
            else ""
        )
    )
    return page("Sleutelrotatie", body, officer, current="/privacy/sleutels")
