"""Each monitor page opens in headless chromium with the real figures of the demo, is keyboard
operable and passes axe-core (no serious or critical violation); a posted event changes a
figure on the open page without a reload. Screenshots: var/screenshots/."""

from __future__ import annotations

import uuid

import httpx
import pytest
from browser_support import (
    ANALIST_KEY,
    SCREENSHOTS,
    Stack,
    axe_violations,
    post_events,
    screenshot,
)
from playwright.sync_api import Page, expect
from pypdf import PdfReader

pytestmark = pytest.mark.browser

AANDACHTSWIJKEN = {"Helmond-West", "Binnenstad", "Helmond-Oost", "Helmond-Noord"}


def api(stack: Stack, kpi: str, key: str | None = None, **query: str) -> dict:
    headers = {"X-API-Key": key} if key else {}
    answer = httpx.get(f"{stack.reporting}/api/v1/kpi/{kpi}", params=query, headers=headers)
    answer.raise_for_status()
    return answer.json()


def dutch(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def shown_as(cell: dict | None, field: str) -> str:
    """What the page must show for a count of the API: the number in Dutch notation, 0 for
    an absent cell, or a hidden count's reason (never a number)."""
    if cell is None:
        return "0"
    value = cell[field]
    if isinstance(value, int):
        return dutch(value)
    return "verborgen" if cell.get("verborgen", {}).get(field) != "primair" else "minder dan 5"


def test_overzicht_shows_the_figures_with_norm_and_comparisons(stack: Stack, page: Page):
    # the last closed half-year: enough besluiten per wet in the small demo to show counts
    periode = f"{stack.today.year}-H1" if stack.today.month > 6 else f"{stack.today.year - 1}-H2"
    cells = api(stack, "doorlooptijd", periode=periode, wijk="gemeente")["cells"]
    by_wet = {c["wet"]: c for c in cells}
    assert any(isinstance(c["n"], int) for c in cells), cells  # the demo decided something

    page.goto(f"{stack.reporting}/monitor/overzicht?periode={periode}")
    for wet in ("wmo", "jeugdwet", "participatiewet"):
        basis = page.locator(f'[data-sleutel="doorlooptijd|{wet}|basis"]')
        expect(basis).to_contain_text(shown_as(by_wet.get(wet), "n"))  # the API's figure
    tijdig = page.locator("#kaart-tijdig").locator("xpath=..")
    expect(tijdig).to_contain_text("Norm: ten minste 80%")
    expect(tijdig).to_contain_text("Ten opzichte van vorige periode")
    median = page.locator('[data-sleutel="doorlooptijd|wmo"]')
    if isinstance(by_wet["wmo"]["median"], int):
        expect(median).to_have_text(f"{by_wet['wmo']['median']} dagen")
    else:  # hidden by disclosure control: the reason is shown, never a number
        expect(median).to_contain_text("niet getoond")

    # keyboard: the first Tab reaches the skip link, which moves focus to the content
    page.keyboard.press("Tab")
    expect(page.locator(".utrecht-skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main#inhoud")).to_be_focused()
    assert page.locator("html").get_attribute("lang") == "nl"

    screenshot(page, "overzicht")
    assert axe_violations(page, "overzicht") == []


def test_trends_draw_24_months_with_hidden_cells_as_gaps(stack: Stack, page: Page):
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/api/v1/kpi/" in r.url else None)
    page.goto(f"{stack.reporting}/monitor/trends?cijfer=doorlooptijd")
    table = page.locator("#tabel table")
    expect(table.locator("tbody tr")).to_have_count(24)
    assert [url.split("?")[0] for url in asked] == [
        f"{stack.reporting}/api/v1/kpi/doorlooptijd/reeks"
    ], "the 24 months in one call of the series endpoint"
    answer = api(stack, "doorlooptijd", wijk="gemeente")
    cells = answer["cells"]
    if stack.today.strftime("%Y-%m") in answer["weggelaten_perioden"]:  # publiek: running
        expect(table.locator("tbody tr").last).to_contain_text("lopende periode")
    months = page.evaluate(
        "() => Chart.getChart('grafiek').data.labels.length"
    )  # one point per month
    assert months == 24
    datasets = page.evaluate(
        "() => Chart.getChart('grafiek').data.datasets.map(d => [d.label, d.data])"
    )
    assert any(label.startswith("Norm") for label, _ in datasets) is False  # no median norm
    wmo = dict(datasets)["Wmo"]
    served = {c["periode"]: c["median"] for c in cells if c["wet"] == "wmo"}
    shown = [v for v in wmo if v is not None]
    assert len(shown) >= 10, wmo  # real figures for many months
    for value in wmo:
        assert value != 0  # a hidden month is a gap (null), never a zero
    assert all(v in served.values() for v in shown)
    screenshot(page, "trends")
    assert axe_violations(page, "trends") == []

    # the headline share with its norm line; its hidden months are listed with the reason
    page.select_option("#cijfer", "tijdig")
    page.click("#selectie button[type=submit]")
    expect(page.locator("#norm")).to_contain_text("ten minste 80%")
    labels = page.evaluate("() => Chart.getChart('grafiek').data.datasets.map(d => d.label)")
    assert any(label.startswith("Norm") for label in labels), labels
    hidden = [c for c in cells if c["periode"].count("-") == 1 and "-H" not in c["periode"]
              and c.get("verborgen", {}).get("tijdig_pct")]  # fmt: skip
    if hidden:
        expect(page.locator("#gaten")).to_contain_text("niet getoond")
    screenshot(page, "trends-tijdig")


def test_wijken_side_by_side_sorted_with_the_aandachtswijken_marked(stack: Stack, page: Page):
    year = str(stack.today.year - 1)  # a whole year: enough zaken per wijk in the small demo
    page.goto(f"{stack.reporting}/monitor/wijken?cijfer=doorlooptijd&wet=wmo&periode={year}")
    expect(page.locator("#tabel table tbody tr")).to_have_count(13)  # 12 wijken + gemeente
    expect(page.locator("#tabel tr.aandacht")).to_have_count(4)
    bars = page.evaluate(
        "() => { const c = Chart.getChart('grafiek');"
        " return c ? [c.data.labels, c.data.datasets[0].data] : [[], []]; }"
    )
    labels, values = bars
    assert values == sorted(values, reverse=True)  # sorted bars, highest first
    for label in labels:
        assert label.startswith("◆ ") == (label.removeprefix("◆ ") in AANDACHTSWIJKEN)
    served = api(stack, "doorlooptijd", periode=year, wet="wmo")["cells"]
    medians = sorted((c["median"] for c in served if isinstance(c["median"], int)
                      and c["wijk"] not in ("gemeente", "onbekend")), reverse=True)  # fmt: skip
    assert values == medians and len(values) >= 3, (values, medians)
    screenshot(page, "wijken")
    assert axe_violations(page, "wijken") == []

    page.check("#alleen-aandacht")
    expect(page.locator("#tabel tbody tr")).to_have_count(5)  # the four + gemeente
    screenshot(page, "wijken-aandacht")


# Counts the page's timers that repeat: the live page has none (no polling).
COUNT_INTERVALS = """
window.herhaalTimers = 0;
const origineel = window.setInterval;
window.setInterval = (...args) => { window.herhaalTimers += 1; return origineel(...args); };
"""


def test_a_posted_event_changes_the_open_page_without_a_reload(stack: Stack, page: Page):
    """The change comes over the live stream (GET /api/v1/live; with a key the page reads it
    with a streaming fetch), not from a timer: the page has no repeating timer at all."""
    page.add_init_script(f"sessionStorage.setItem('wijkpuls.apiKey', '{ANALIST_KEY}')")
    page.add_init_script(COUNT_INTERVALS)
    periode = stack.today.strftime("%Y-%m")
    page.goto(f"{stack.reporting}/monitor/overzicht?wijk=Stiphout&periode={periode}")
    basis = page.locator('[data-sleutel="doorlooptijd|wmo|basis"]')
    expect(basis).to_be_visible()
    page.wait_for_function("() => window.wijkpulsLive.verbonden", timeout=10_000)
    assert page.evaluate("() => window.wijkpulsLive.kanaal") == "fetch"
    before = int(basis.inner_text().replace(".", ""))
    page.evaluate("() => { window.zelfdePagina = true; }")  # gone if the page reloads

    zaak = f"W-{uuid.uuid4().hex[:10]}"
    day = stack.today.isoformat()
    source = "urn:nld:oin:00000001002220647000:systeem:wmo-zaaksysteem"
    events = [
        {"specversion": "1.0", "id": str(uuid.uuid4()), "source": source,
         "type": f"nl.helmond.sociaaldomein.{kind}", "time": f"{day}T{hour}:00:00+01:00",
         "data": {"zaak_id": zaak, "datum": day, **data}}
        for kind, hour, data in (
            ("zaak.aangemeld", "09", {"wet": "wmo", "soort": "melding", "postcode": "5704AB"}),
            ("zaak.besloten", "10", {"uitkomst": "toegekend"}),
        )
    ]  # fmt: skip
    post_events(stack.intake, events)

    expect(basis).to_have_text(dutch(before + 1), timeout=20_000)
    expect(basis).to_have_class("waarde veranderd")
    expect(page.locator("#live-status")).to_contain_text("veranderd")
    assert page.evaluate("() => window.zelfdePagina") is True
    assert page.evaluate("() => window.wijkpulsLive.cijfers") >= 1, "told by the stream"
    assert page.evaluate("() => window.herhaalTimers") == 0, "no polling timer"
    screenshot(page, "overzicht-live")


def test_sth_half_year_report_prints_every_wijk_against_the_norm(stack: Stack, page: Page):
    year = stack.today.year - 1
    halfjaar = f"{year}-H2"
    page.goto(f"{stack.reporting}/monitor/rapport?halfjaar={halfjaar}")
    sections = page.locator(".rapport-sectie")
    expect(sections).to_have_count(2)  # sth-opgepakt and sth-zonder-verwijzing
    for kpi in ("sth-opgepakt", "sth-zonder-verwijzing"):
        table = page.locator(f'[aria-labelledby="sectie-{kpi}"] table')
        expect(table.locator("tbody tr")).to_have_count(14)  # 12 wijken, onbekend, gemeente
        [cell] = api(stack, kpi, periode=halfjaar, wet="sth", wijk="gemeente")["cells"]
        total = table.locator("tbody tr.totaal td").first
        n, reason = cell["n"], cell.get("verborgen", {}).get("n")
        expected = dutch(n) if isinstance(n, int) else "<5" if reason == "primair" else "x"
        expect(total).to_have_text(expected)  # the API's count, or its short mark
    expect(page.locator('[aria-labelledby="sectie-sth-zonder-verwijzing"]')).to_contain_text(
        "ten minste 80%"
    )
    screenshot(page, "rapport")
    assert axe_violations(page, "rapport") == []

    page.emulate_media(media="print")  # the print stylesheet: no navigation, no controls
    expect(page.locator("nav")).to_be_hidden()
    expect(page.locator("#selectie")).to_be_hidden()
    screenshot(page, "rapport-print")
    page.pdf(path=str(SCREENSHOTS / "rapport.pdf"), format="A4")
    assert (SCREENSHOTS / "rapport.pdf").stat().st_size > 10_000

    # the PDF the server prints (headless chromium on the server), downloaded from the page
    page.emulate_media(media="screen")
    with page.expect_download() as download:
        page.locator('#downloads [data-formaat="pdf"]').click()
    saved = SCREENSHOTS / "rapport-server.pdf"
    download.value.save_as(saved)
    text = "".join(p.extract_text() for p in PdfReader(saved).pages)
    assert f"STH-halfjaarrapportage 2e halfjaar {year}" in text


def test_an_issued_report_is_kept_and_shows_what_a_late_event_changed(stack: Stack, page: Page):
    """The analist issues the closed half-year's report on the page; a hulpvraag of that
    half-year posted to the intake afterwards reaches the figures, and the open page shows,
    without a reload, which figures now differ from the issued report."""
    page.add_init_script(f"sessionStorage.setItem('wijkpuls.apiKey', '{ANALIST_KEY}')")
    year = stack.today.year - 1
    halfjaar = f"{year}-H2"
    page.goto(f"{stack.reporting}/monitor/rapport?halfjaar={halfjaar}")
    expect(page.locator(".rapport-sectie")).to_have_count(2)
    page.locator("#uitgeven").click()
    expect(page.locator("#uitgave-status")).to_contain_text("is uitgegeven op")
    expect(page.locator("#uitgaven-lijst tbody tr")).to_have_count(1)
    expect(page.locator("#uitgave-verschil")).to_contain_text("Geen cijfer is veranderd")
    page.wait_for_function("() => window.wijkpulsLive.verbonden", timeout=10_000)

    zaak = f"STH-{uuid.uuid4().hex[:10]}"
    source = "urn:nld:oin:00000001002220647000:systeem:sth-registratie"
    now = f"{stack.today.isoformat()}T09:00:00+01:00"
    events = [
        {"specversion": "1.0", "id": str(uuid.uuid4()), "source": source,
         "type": f"nl.helmond.sociaaldomein.{kind}", "time": now,
         "data": {"zaak_id": zaak, "datum": datum, **data}}
        for kind, datum, data in (
            ("zaak.aangemeld", f"{year}-09-01",
             {"wet": "sth", "soort": "hulpvraag", "postcode": "5705KK"}),
            ("zaak.eerste-contact", f"{year}-09-02", {"vorm": "huisbezoek"}),
        )
    ]  # fmt: skip
    post_events(stack.intake, events)

    changed = page.locator("#uitgave-verschil tbody tr", has_text="gemeente Helmond")
    expect(changed.filter(has_text="Aantal")).to_have_count(1, timeout=20_000)
    expect(page.locator("#verschil-kop")).to_contain_text("Veranderd sinds de uitgifte")
    listed = httpx.get(f"{stack.reporting}/api/v1/rapport/sth/{halfjaar}/uitgaven").json()
    assert listed["total"] == 1, "kept once, as issued"
    screenshot(page, "rapport-uitgave")
    assert axe_violations(page, "rapport-uitgave") == []


def test_every_page_reflows_to_320_pixels(stack: Stack, page: Page):
    """WCAG 1.4.10: at 320 CSS pixels nothing but a table (which scrolls in its own region)
    is wider than the screen."""
    page.set_viewport_size({"width": 320, "height": 640})
    for name in ("overzicht", "trends", "wijken", "rapport"):
        page.goto(f"{stack.reporting}/monitor/{name}")
        expect(page.locator("#live-status")).to_contain_text("bijgewerkt")
        # publiek (no key): the live stream is an EventSource
        page.wait_for_function("() => window.wijkpulsLive.verbonden", timeout=10_000)
        assert page.evaluate("() => window.wijkpulsLive.kanaal") == "eventsource", name
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 320, name
    screenshot(page, "rapport-320px")
