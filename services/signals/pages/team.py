"""The vroegsignalering team's pages: the werklijst per wijk by priority, a household's case
with its signals and identity (a logged read), the forms for a contactpoging and the
resultaat (errors shown at the field), the delivery upload with its row report, and the
monthly DDAS export.

The pages call the same vault functions as the API and write the same access log entries,
with the signed-in person (services/signals/api/auth.py ``log_read``).
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.signals.api.auth import Caller, log_read
from services.signals.api.deliveries import load_upload
from services.signals.api.team import (
    ContactpogingIn,
    ResultaatIn,
    record_contactpoging,
    record_resultaat,
)
from services.signals.pages.access import PageRefusal, page_caller
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
from services.signals.rules import report as reports
from services.signals.settings import SignalsRole
from services.signals.vault import werklijst
from shared.core.ddas import ContactpogingSoort, Dagdeel, Resultaat
from shared.platform.api_rules import decode_cursor, encode_cursor
from shared.platform.problems import ProblemError

router = APIRouter(prefix="/vroegsignalering", include_in_schema=False)
Team = Annotated[Caller, Depends(page_caller(SignalsRole.VROEGSIGNALERING))]
PAGE_SIZE = 25
IDENTITY_LABELS = (
    ("bsn", "BSN"), ("voorletters", "Voorletters"), ("voorvoegsel", "Voorvoegsel"),
    ("achternaam", "Achternaam"), ("geboortedatum", "Geboortedatum"), ("straat", "Straat"),
    ("huisnummer", "Huisnummer"), ("toevoeging", "Toevoeging"), ("postcode", "Postcode"),
    ("plaats", "Plaats"),
)  # fmt: skip
SOORTEN = {
    "mail": "E-mail", "brief": "Brief", "sms-whatsapp": "Sms of WhatsApp",
    "telefoon": "Telefoon", "huisbezoek": "Huisbezoek", "kaartje": "Kaartje in de bus",
    "overige": "Overige", "administratief": "Administratief",
}  # fmt: skip
DAGDELEN = {"ochtend": "Ochtend", "middag": "Middag", "avond": "Avond"}


def resultaat_label(value: str) -> str:
    """The DDAS slug as Dutch text: 'budget-advies-en-of-quick-fix' -> 'Budget advies en/of
    quick fix'."""
    text = value.replace("-en-of-", " en/of ").replace("-", " ")
    return text[:1].upper() + text[1:]


def _wijken(request: Request) -> list[str]:
    names: list[str] = request.app.state.edge.core.domain.wijk_names
    return names


@router.get("/werklijst")
async def werklijst_page(
    request: Request, team: Team, wijk: str | None = None, cursor: str | None = None
) -> HTMLResponse:
    wijk = wijk or None
    if wijk is not None and wijk not in _wijken(request):
        wijk = None
    try:
        after = decode_cursor(cursor, werklijst.CURSOR_SHAPE)
    except ProblemError:
        after = None
    core = request.app.state.edge.core
    found = await asyncio.to_thread(werklijst.open_cases, core, wijk, PAGE_SIZE, after)
    log_read(request, team, "read-werklijst", f"werklijst wijk={wijk or '*'}", len(found.items))
    options = [("", "Alle wijken")] + [(w, w) for w in _wijken(request)]
    keuze = (
        '<form class="formulier" method="get" action="/vroegsignalering/werklijst">'
        + field("wijk", "Wijk", select("wijk", options, wijk or "", ""))
        + button("Toon werklijst", secondary=True)
        + "</form>"
    )
    rows = []
    for entry in found.items:
        link = f"/vroegsignalering/zaken/{e(entry['vroegsignaalzaak_id'])}"
        kenmerken = [k for k in ("crisis", "meervoudig") if entry[k]]
        rows.append([
            f'<a class="utrecht-link" href="{link}">{e(entry["vroegsignaalzaak_id"])}</a>',
            e(entry["wijk"]),
            f'<span class="kenmerk">{e(", ".join(kenmerken))}</span>' if kenmerken else "",
            e(euro(entry["bedrag"])),
            e(entry["eerste_signaal"]),
            e(len(entry["signalen"])),
            e(entry["datum_opgepakt"] or "nog niet"),
        ])  # fmt: skip
    lijst = (
        table(
            f"Open zaken, {'wijk ' + wijk if wijk else 'alle wijken'}: {found.total} in totaal",
            ["Zaak", "Wijk", "Kenmerken", "Bedrag", "Eerste signaal", "Signalen", "Opgepakt"],
            rows,
            raw=True,
        )
        if rows
        else alert("Er staan geen open zaken op de werklijst.")
    )
    volgende = ""
    if found.next_key is not None:
        query = urlencode({"wijk": wijk or "", "cursor": encode_cursor(found.next_key)})
        volgende = (
            '<nav class="bladeren" aria-label="Bladeren door de werklijst">'
            f'<a class="utrecht-link" href="/vroegsignalering/werklijst?{query}">Volgende '
            f"{PAGE_SIZE} zaken</a></nav>"
        )
    uitleg = (
        '<p class="utrecht-paragraph utrecht-paragraph--lead">De huishoudens om het eerst te '
        "benaderen: crisis eerst, dan meervoudige signalen, dan het hoogste bedrag, dan het "
        "oudste signaal. Open een zaak voor de gegevens van het huishouden.</p>"
    )
    body = uitleg + keuze + lijst + volgende
    return page("Werklijst vroegsignalering", body, team, current="/vroegsignalering/werklijst")


async def _case(request: Request, team: Team, case_id: str) -> dict[str, Any]:
    core = request.app.state.edge.core
    found = await asyncio.to_thread(werklijst.case_detail, core, case_id)
    rows = len(found["signalen"]) if found else 0
    pseudoniem = found["huishouden"] if found else None
    log_read(request, team, "read-case", case_id[:128], rows, pseudoniem)
    if found is None:
        raise PageRefusal(404, "Zaak niet gevonden", "Er is geen vroegsignaalzaak met dit nummer.")
    return found


@router.get("/zaken/{case_id}")
async def case_page(
    request: Request, team: Team, case_id: str, opgeslagen: str | None = None
) -> HTMLResponse:
    found = await _case(request, team, case_id)
    return _case_view(request, team, found, saved=opgeslagen)


def _case_view(
    request: Request,
    team: Caller,
    found: dict[str, Any],
    *,
    saved: str | None = None,
    poging: dict[str, str] | None = None,
    poging_errors: dict[str, str] | None = None,
    uitkomst: dict[str, str] | None = None,
    uitkomst_errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    case_id = found["vroegsignaalzaak_id"]
    parts = []
    if saved == "contactpoging":
        parts.append(alert("De contactpoging is vastgelegd.", "ok"))
    elif saved == "resultaat":
        parts.append(alert("Het resultaat is vastgelegd.", "ok"))
    if poging_errors or uitkomst_errors:
        parts.append(alert("Het formulier is niet verwerkt: zie de fout bij het veld.", "error"))
    kenmerken = [k for k in ("crisis", "meervoudig") if found[k]]
    parts.append(
        table(
            "De zaak",
            ["Wijk", "Kenmerken", "Bedrag", "Matchingperiode", "Opgepakt", "Resultaat"],
            [
                [
                    found["wijk"],
                    ", ".join(kenmerken) or "geen",
                    euro(found["bedrag"]),
                    f"{found['matchingperiode']['start']} t/m {found['matchingperiode']['einde']}",
                    found["datum_opgepakt"] or "nog niet",
                    resultaat_label(found["resultaat"]) + f" ({found['resultaat_datum']})"
                    if found["resultaat"]
                    else "nog geen",
                ]
            ],
        )
    )
    signal_rows = [
        [s["signaalpartner"], s["signaaldatum"], euro(s["bedrag"]), yes_no(s["crisis"]),
         yes_no(s["warme_overdracht"])]
        for s in found["signalen"]
    ]  # fmt: skip
    parts.append('<h2 class="utrecht-heading-2">Signalen</h2>')
    parts.append(
        table(
            "Signalen van de signaalpartners",
            ["Signaalpartner", "Signaaldatum", "Bedrag", "Crisis", "Warme overdracht"],
            signal_rows,
        )
    )
    parts.append('<h2 class="utrecht-heading-2">Wie te benaderen</h2>')
    parts.append(
        '<p class="utrecht-paragraph uitleg">Deze gegevens komen uit de kluis; dat u ze '
        "bekijkt staat met uw naam in het toegangslog.</p>"
    )
    people: list[list[str]] = []
    for s in found["signalen"]:
        client = s["client"]
        row = [s["signaalpartner"]] + [str(client.get(k) or "") for k, _ in IDENTITY_LABELS]
        if row not in people:
            people.append(row)
    parts.append(
        table("Identiteit per signaal", ["Signaal van"] + [t for _, t in IDENTITY_LABELS], people)
    )
    pogingen = [
        [p["datum"], SOORTEN.get(p["soort"], p["soort"]), DAGDELEN.get(p["dagdeel"] or "", ""),
         yes_no(p["bereikt"])]
        for p in found["contactpogingen"]
    ]  # fmt: skip
    parts.append('<h2 class="utrecht-heading-2" id="contactpogingen">Contactpogingen</h2>')
    parts.append(
        table("Eerdere contactpogingen", ["Datum", "Soort", "Dagdeel", "Bereikt"], pogingen)
        if pogingen
        else '<p class="utrecht-paragraph">Nog geen contactpogingen.</p>'
    )
    parts.append(_poging_form(case_id, poging or {}, poging_errors or {}))
    parts.append('<h2 class="utrecht-heading-2" id="resultaat-kop">Resultaat</h2>')
    parts.append(_resultaat_form(case_id, uitkomst or {}, uitkomst_errors or {}))
    return page(f"Zaak {case_id}", "".join(parts), team, status=status)


def _poging_form(case_id: str, values: dict[str, str], errors: dict[str, str]) -> str:
    soort = [("", "Kies de soort"), *SOORTEN.items()]
    dagdeel = [("", "Onbekend"), *DAGDELEN.items()]
    aria = described("bereikt", errors.get("bereikt"))
    bereikt = values.get("bereikt")
    radios = "".join(
        f'<span class="utrecht-form-field__input"><input class="utrecht-radio-button '
        f'utrecht-radio-button--html-input" type="radio" id="bereikt-{v}" name="bereikt" '
        f'value="{v}"{" checked" if bereikt == v else ""}{aria}>'
        f' <label class="utrecht-form-label utrecht-form-label--radio" for="bereikt-{v}">{t}'
        "</label></span>"
        for v, t in (("ja", "Ja"), ("nee", "Nee"))
    )
    bereikt_error = errors.get("bereikt")
    fieldset = (
        '<fieldset class="utrecht-form-fieldset'
        f'{" utrecht-form-field--invalid" if bereikt_error else ""}">'
        '<legend class="utrecht-form-fieldset__legend">Huishouden bereikt?</legend>'
        + (
            f'<p class="utrecht-form-field-error-message" id="bereikt-fout"><strong>Fout:</strong> '
            f"{e(bereikt_error)}</p>"
            if bereikt_error
            else ""
        )
        + radios
        + "</fieldset>"
    )
    return (
        f'<form class="formulier" method="post" novalidate aria-label="Contactpoging vastleggen" '
        f'action="/vroegsignalering/zaken/{e(case_id)}/contactpoging">'
        + field("datum", "Datum", textbox("datum", values.get("datum"),
                described("datum", errors.get("datum")), "date"), errors.get("datum"))
        + field("soort", "Soort contact", select("soort", soort, values.get("soort"),
                described("soort", errors.get("soort"))), errors.get("soort"))
        + field("dagdeel", "Dagdeel", select("dagdeel", dagdeel, values.get("dagdeel"),
                described("dagdeel", errors.get("dagdeel"))), errors.get("dagdeel"))
        + fieldset
        + button("Contactpoging vastleggen")
        + "</form>"
    )  # fmt: skip


def _resultaat_form(case_id: str, values: dict[str, str], errors: dict[str, str]) -> str:
    labels = [(r.value, resultaat_label(r.value)) for r in Resultaat]
    choices = [("", "Kies het resultaat"), *labels]
    return (
        f'<form class="formulier" method="post" novalidate aria-label="Resultaat vastleggen" '
        f'action="/vroegsignalering/zaken/{e(case_id)}/resultaat">'
        + field("resultaat-datum", "Datum", textbox("resultaat-datum", values.get("datum"),
                described("resultaat-datum", errors.get("datum")), "date"), errors.get("datum"))
        + field("resultaat", "Resultaat (DDAS)", select("resultaat", choices,
                values.get("resultaat"), described("resultaat", errors.get("resultaat"))),
                errors.get("resultaat"))
        + button("Resultaat vastleggen")
        + "</form>"
    )  # fmt: skip


def _date_error(value: str, today: date) -> str | None:
    if not value:
        return "Vul de datum in (dag-maand-jaar)."
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return "Dit is geen geldige datum; gebruik de datumkiezer of jjjj-mm-dd."
    if day > today:
        return "De datum mag niet na vandaag liggen."
    return None


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


@router.post("/zaken/{case_id}/contactpoging")
async def post_contactpoging(request: Request, team: Team, case_id: str) -> Response:
    values = await _form(request)
    today: date = await request.app.state.today()
    errors: dict[str, str] = {}
    if problem := _date_error(values.get("datum", ""), today):
        errors["datum"] = problem
    if values.get("soort") not in SOORTEN:
        errors["soort"] = "Kies hoe u contact zocht."
    if values.get("dagdeel", "") not in ("", *DAGDELEN):
        errors["dagdeel"] = "Kies een dagdeel uit de lijst."
    if values.get("bereikt") not in ("ja", "nee"):
        errors["bereikt"] = "Kies of het huishouden bereikt is."
    if errors:
        found = await _case(request, team, case_id)
        return _case_view(request, team, found, poging=values, poging_errors=errors, status=422)
    body = ContactpogingIn(
        datum=date.fromisoformat(values["datum"]),
        soort=ContactpogingSoort(values["soort"]),
        dagdeel=Dagdeel(values["dagdeel"]) if values.get("dagdeel") else None,
        bereikt=values["bereikt"] == "ja",
    )
    await _recorded(record_contactpoging(request.app.state.edge, case_id, body, team.name))
    return RedirectResponse(
        f"/vroegsignalering/zaken/{case_id}?opgeslagen=contactpoging#contactpogingen", 303
    )


@router.post("/zaken/{case_id}/resultaat")
async def post_resultaat(request: Request, team: Team, case_id: str) -> Response:
    values = await _form(request)
    values["datum"] = values.pop("resultaat-datum", "")
    today: date = await request.app.state.today()
    errors: dict[str, str] = {}
    if problem := _date_error(values["datum"], today):
        errors["datum"] = problem
    if values.get("resultaat") not in {r.value for r in Resultaat}:
        errors["resultaat"] = "Kies een van de vijftien DDAS-resultaten."
    if errors:
        found = await _case(request, team, case_id)
        return _case_view(request, team, found, uitkomst=values, uitkomst_errors=errors, status=422)
    body = ResultaatIn(
        datum=date.fromisoformat(values["datum"]), resultaat=Resultaat(values["resultaat"])
    )
    await _recorded(record_resultaat(request.app.state.edge, case_id, body))
    return RedirectResponse(f"/vroegsignalering/zaken/{case_id}?opgeslagen=resultaat", 303)


async def _recorded(step: Any) -> None:
    try:
        await step
    except ProblemError as refused:
        texts = {
            404: ("Zaak niet gevonden", "Er is geen vroegsignaalzaak met dit nummer."),
            503: ("Niet vastgelegd", "De berichtenbus bevestigde niet; probeer het opnieuw."),
        }
        title, text = texts.get(refused.status_code, ("Niet vastgelegd", str(refused.detail)))
        raise PageRefusal(refused.status_code, title, text) from None


def _upload_form(error: str | None = None) -> str:
    hint = "Een CSV-bestand van een signaalpartner of een DDAS-levering (JSON)."
    control = (
        '<input class="utrecht-textbox utrecht-textbox--html-input" id="bestand" name="file" '
        f'type="file" accept=".csv,.json,text/csv,application/json"'
        f"{described('bestand', error, hint=True)}>"
    )
    # levering.js (when script runs) sends the file to the API with a progress bar and then
    # opens the report; without script the form posts here and the answer is the report.
    return (
        '<form id="levering-form" class="formulier" method="post" enctype="multipart/form-data" '
        'novalidate action="/vroegsignalering/levering" aria-label="Levering laden">'
        + field("bestand", "Leveringsbestand", control, error, hint)
        + button("Levering laden")
        + '<div id="voortgang" class="voortgang" hidden><label class="utrecht-form-label" '
        'for="voortgang-balk">Voortgang</label> <progress id="voortgang-balk" max="100" '
        'value="0"></progress> <span id="voortgang-tekst" class="uitleg" role="status">'
        "</span></div>" + "</form>" + '<script type="module" src="/signalen/levering.js"></script>'
    )


@router.get("/levering")
async def upload_page(request: Request, team: Team) -> HTMLResponse:
    body = (
        '<p class="utrecht-paragraph utrecht-paragraph--lead">Laad een levering van '
        "signalen. Elke goede regel wordt geladen; per afgewezen of dubbele regel ziet u het "
        "regelnummer, het veld en de reden.</p>" + _upload_form()
    )
    return page("Levering laden", body, team, current="/vroegsignalering/levering")


@router.post("/levering")
async def upload(
    request: Request, team: Team, file: Annotated[UploadFile | None, File()] = None
) -> HTMLResponse:
    if file is None or not file.filename:
        body = _upload_form("Kies een bestand om te laden.")
        return page("Levering laden", body, team, current="/vroegsignalering/levering", status=422)
    try:
        loaded = await load_upload(request, team, file)
    except ProblemError as refused:
        body = _upload_form(f"Het bestand is niet geladen: {refused.detail}.")
        return page("Levering laden", body, team, current="/vroegsignalering/levering", status=422)
    return _report_view(team, loaded)


@router.get("/levering/{delivery_id}")
async def report_page(request: Request, team: Team, delivery_id: str) -> HTMLResponse:
    """A delivery's row report (where the upload form's script goes when the file is in)."""
    core = request.app.state.edge.core
    found = await asyncio.to_thread(reports.delivery_report, core, delivery_id)
    if found is None:
        raise PageRefusal(404, "Levering niet gevonden", "Er is geen levering met dit nummer.")
    return _report_view(team, found)


def _report_view(team: Caller, report: dict[str, Any]) -> HTMLResponse:
    loaded = report["status"] == "loaded"
    summary = (
        f"Levering {report['delivery_id']}: {report['rows']} regels, {report['accepted']} "
        f"geladen, {report['rejected']} afgewezen, {report['duplicates']} dubbel."
    )
    parts = [alert(summary, "ok" if loaded else "warning")]
    if report.get("error"):
        parts.append(alert(f"De levering is niet geladen: {report['error']}", "error"))
    redenen = [[p["row"], p["field"], p["reason"], p["kind"]] for p in report["problems"]]
    if redenen:
        parts.append(table("Regelrapport: afgewezen en dubbele regels",
                           ["Regel", "Veld", "Reden", "Soort"], redenen))  # fmt: skip
        parts.append(
            f'<p class="utrecht-paragraph"><a class="utrecht-link" href="{e(report["download"])}">'
            "Alle afgewezen en dubbele regels als CSV</a></p>"
        )
    parts.append(
        '<p class="utrecht-paragraph"><a class="utrecht-link" href="/vroegsignalering/werklijst">'
        "Naar de werklijst</a></p>"
    )
    parts.append('<h2 class="utrecht-heading-2">Nog een levering</h2>' + _upload_form())
    return page("Levering geladen" if loaded else "Levering niet (helemaal) geladen",
                "".join(parts), team, current="/vroegsignalering/levering")  # fmt: skip


@router.get("/export")
async def export_page(request: Request, team: Team) -> HTMLResponse:
    today: date = await request.app.state.today()
    last_month = date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1)
    maand = last_month.isoformat()[:7]
    met = [("true", "Met de gegevens van de inwoner (zoals geleverd)"),
           ("false", "Zonder de gegevens van de inwoner (lege Client-blokken)")]  # fmt: skip
    body = (
        '<p class="utrecht-paragraph utrecht-paragraph--lead">De maandelijkse levering aan CBS '
        "volgens het DDAS-uitwisselmodel (v0.9), als JSON-bestand. Het downloaden staat met uw "
        "naam in het toegangslog.</p>"
        '<form class="formulier" method="get" action="/api/v1/ddas-export" '
        'aria-label="DDAS-export downloaden">'
        + field("maand", "Maand (jjjj-mm)", textbox("maand", maand,
                ' pattern="[0-9]{4}-[0-9]{2}" inputmode="numeric"'))
        + field("client", "Inhoud", select("client", met, "true", ""))
        + button("Download de DDAS-export")
        + "</form>"
    )  # fmt: skip
    return page("DDAS-export", body, team, current="/vroegsignalering/export")
