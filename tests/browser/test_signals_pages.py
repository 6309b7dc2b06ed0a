"""The signals service's pages in chromium through the real identity provider's login page
(docs/signin.md#the-signals-service): the vroegsignalering team loads a small delivery, finds
the household on the werklijst, opens its case (identity from the vault), records a
contactpoging (first with a date in the future: the error shows at the field) and the
resultaat; the privacy officer finds that read of the case in the access log. axe-core
(WCAG 2.1 A/AA) on every page visited, screenshots under var/screenshots/.

The team's flow is a module fixture, so the privacy test finds a read also when pytest-xdist
runs the two tests in different processes (each then makes its own).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from browser_support import axe_violations, screenshot
from fixtures.oidc_provider import PASSWORD, ensure_provider
from fixtures.signals_served import Served, served_signals
from playwright.sync_api import Browser, Page, expect

from shared.core.local_time import amsterdam_today


@dataclass(frozen=True)
class TeamFlow:
    case_id: str
    violations: dict[str, list[object]]
    shots: list[Path]


@pytest.fixture(scope="module")
def served(
    kafka_bootstrap: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    with served_signals(kafka_bootstrap, redis_url, tmp_path_factory.mktemp("pages")) as found:
        yield found


def _delivery(folder: Path) -> Path:
    """Two households (one in crisis, in Binnenstad) and a row with a bad postcode."""
    day = (amsterdam_today() - timedelta(days=3)).isoformat()
    lines = [
        "ID;Signaalpartner;Bedrag;Ontstaansdatum;Signaaldatum;Crisissignaal;"
        "Burgerservicenummer;Achternaam;Geboortedatum;Straatnaam;Postcode;Huisnummer",
        f"B-1;Energie;420;{day};{day};ja;123456782;Kraaijenbergh;1961-03-04;Leeuwerikstraat;"
        "5701AB;7",
        f"B-2;Huur;180;{day};{day};nee;;Mussenbroek;1970-01-02;Vinkenlaan;5702CD;12",
        f"B-3;Water;75;{day};{day};nee;;Zonderpost;1980-05-06;Nergensweg;99999;1",
    ]
    path = folder / "levering-browser.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _sign_in(page: Page, login: str) -> None:
    expect(page.get_by_role("heading", name="Aanmelden bij Wijkpuls")).to_be_visible()
    assert page.url.startswith(ensure_provider())
    page.get_by_label("Gebruikersnaam").fill(login)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()


@pytest.fixture(scope="module")
def team_flow(
    browser: Browser, served: Served, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TeamFlow]:
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="nl-NL", bypass_csp=True
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    violations: dict[str, list[object]] = {}
    shots = []
    try:
        page.goto(served.base + "/")
        violations["start"] = list(axe_violations(page, "signalen-start"))
        page.get_by_role("link", name="Aanmelden", exact=True).click()
        _sign_in(page, "vroegsignalering")
        page.wait_for_url(f"{served.base}/vroegsignalering/werklijst*")
        expect(page.get_by_role("contentinfo")).to_contain_text(
            "Aangemeld als Vera Vroegsignalering (rol vroegsignalering)"
        )
        # the delivery, with its row report
        page.get_by_role("link", name="Levering laden").click()
        page.get_by_label("Leveringsbestand").set_input_files(
            str(_delivery(tmp_path_factory.mktemp("levering")))
        )
        page.get_by_role("button", name="Levering laden").click()
        # the page's script sent the file to the API with a progress bar, then opened the report
        page.wait_for_url(f"{served.base}/vroegsignalering/levering/*")
        expect(page.get_by_role("status").first).to_contain_text("2 geladen, 1 afgewezen")
        expect(page.get_by_role("table")).to_contain_text("Postcode")
        violations["levering"] = list(axe_violations(page, "signalen-levering"))
        # the werklijst: the crisis household first
        page.get_by_role("link", name="Naar de werklijst").click()
        first = page.locator("main table tbody tr").first
        expect(first).to_contain_text("crisis")
        expect(page.locator("main table tbody tr")).to_have_count(2)
        violations["werklijst"] = list(axe_violations(page, "signalen-werklijst"))
        shots.append(screenshot(page, "signalen-werklijst"))
        case_id = first.get_by_role("link").inner_text()
        first.get_by_role("link").click()
        # the case: its signals and, for this role, the identity from the vault
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Zaak {case_id}")
        expect(page.locator("main")).to_contain_text("Kraaijenbergh")
        # a contactpoging dated tomorrow: refused, the error at the date field
        tomorrow = (amsterdam_today() + timedelta(days=1)).isoformat()
        page.get_by_label("Datum", exact=True).first.fill(tomorrow)
        page.get_by_label("Soort contact").select_option("telefoon")
        page.get_by_label("Ja").check()
        page.get_by_role("button", name="Contactpoging vastleggen").click()
        expect(page.locator("#datum-fout")).to_contain_text("niet na vandaag")
        expect(page.locator("#datum")).to_have_attribute("aria-invalid", "true")
        expect(page.locator("#datum")).to_have_attribute("aria-describedby", "datum-fout")
        violations["fout"] = list(axe_violations(page, "signalen-contactpoging-fout"))
        shots.append(screenshot(page, "signalen-contactpoging-fout"))
        today = amsterdam_today().isoformat()
        page.locator("#datum").fill(today)
        page.get_by_role("button", name="Contactpoging vastleggen").click()
        expect(page.get_by_role("status").first).to_contain_text("contactpoging is vastgelegd")
        expect(page.locator("main")).to_contain_text("Telefoon")
        # the resultaat: all 15 DDAS values to choose from
        expect(page.locator("#resultaat option")).to_have_count(16)
        page.locator("#resultaat-datum").fill(today)
        page.get_by_label("Resultaat (DDAS)").select_option("budget-advies-en-of-quick-fix")
        page.get_by_role("button", name="Resultaat vastleggen").click()
        expect(page.get_by_role("status").first).to_contain_text("resultaat is vastgelegd")
        expect(page.locator("main")).to_contain_text("Budget advies en/of quick fix")
        violations["zaak"] = list(axe_violations(page, "signalen-zaak"))
        shots.append(screenshot(page, "signalen-zaak"))
        assert not errors, f"script errors in the page: {errors}"
        yield TeamFlow(case_id, violations, shots)
    finally:
        context.close()


def test_the_team_loads_a_delivery_and_records_outreach_on_the_werklijst(
    team_flow: TeamFlow,
) -> None:
    assert team_flow.case_id.startswith("vsz-")
    assert {name: found for name, found in team_flow.violations.items() if found} == {}
    assert all(shot.stat().st_size > 10_000 for shot in team_flow.shots)


def test_the_privacy_officer_finds_the_teams_read_of_the_case(
    page: Page, served: Served, team_flow: TeamFlow
) -> None:
    page.goto(served.base + "/privacy/toegangslog")
    _sign_in(page, "privacy")
    page.wait_for_url(f"{served.base}/privacy/toegangslog*")
    page.get_by_label("Wie (naam, subject of API-client)").fill("Vera Vroegsignalering")
    page.get_by_label("Handeling").select_option("read-case")
    page.get_by_label("Pseudoniem of zaak").fill(team_flow.case_id)
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("main table tbody tr")
    expect(rows.first).to_contain_text("Vera Vroegsignalering (demo-vroegsignalering-0004)")
    expect(rows.first).to_contain_text("/vroegsignalering/zaken/{case_id}")
    expect(rows.first).to_contain_text("vroegsignalering")
    assert axe_violations(page, "signalen-toegangslog") == []
    screenshot(page, "signalen-toegangslog")
    # the team's pages are not the privacy officer's
    page.goto(served.base + "/vroegsignalering/werklijst")
    expect(page.get_by_role("heading", level=1)).to_have_text("Geen toegang")
    # signing out ends the session: the pages ask to sign in again
    page.get_by_role("button", name="Afmelden").click()
    expect(page.get_by_role("link", name="Aanmelden", exact=True)).to_be_visible()
    assert not [c for c in page.context.cookies() if c["name"] == "wijkpuls_signalen_sessie"]
