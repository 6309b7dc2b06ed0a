"""The signals service's pages in chromium through the real identity provider's login page
(docs/signin.md#the-signals-service): the vroegsignalering team loads a small delivery, finds
the household on the werklijst, opens its case (identity from the vault), records a
contactpoging (first with a date in the future: the error shows at the field) and the
resultaat, while the reporting monitor, signed in as the same person in a second tab, shows
the vroegsignalering figure change without a reload: the signals service's events go through
a real KPI worker (a process on the signals service's topics) into Redis, and the reporting
service (a process) pushes the change over its live stream. The privacy officer finds that
read of the case in the access log. axe-core (WCAG 2.1 A/AA) on every page visited,
screenshots under var/screenshots/.

The team's flow is a module fixture, so the privacy test finds a read also when pytest-xdist
runs the two tests in different processes (each then makes its own, with its own monitor
processes).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from browser_support import axe_violations, screenshot, start_process, wait_ready
from fixtures.oidc_provider import PASSWORD, ensure_provider
from fixtures.service_procs import free_port
from fixtures.signals_served import Served, served_signals
from playwright.sync_api import Browser, Page, expect

from shared.core.local_time import amsterdam_today


@dataclass(frozen=True)
class TeamFlow:
    case_id: str
    violations: dict[str, list[object]]
    shots: list[Path]
    monitor: tuple[str, str]
    """the vroegsignalering figure on the monitor before and after the outreach"""


@dataclass(frozen=True)
class Monitor:
    base: str
    procs: dict[str, tuple[subprocess.Popen[bytes], str, Path]]


@pytest.fixture(scope="module")
def served(
    kafka_bootstrap: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    with served_signals(kafka_bootstrap, redis_url, tmp_path_factory.mktemp("pages")) as found:
        yield found


@pytest.fixture(scope="module")
def monitor(
    served: Served, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Monitor]:
    """A KPI worker and a reporting service with sign-in (processes) on the signals service's
    topics and Redis prefix, started at once and waited for only where the flow needs them
    (they start while the team signs in and loads its delivery)."""
    logs = tmp_path_factory.mktemp("monitor")
    kafka = served.settings.kafka
    env = {
        **os.environ,
        "WIJKPULS_KAFKA_BOOTSTRAP_SERVERS": kafka.bootstrap_servers,
        "WIJKPULS_KAFKA_TOPIC_PREFIX": kafka.topic_prefix,
        "WIJKPULS_REDIS_URL": redis_url,
        "WIJKPULS_ENVIRONMENT": "test",
        "WIJKPULS_KPI_DATA_DIR": str(logs / "kpi-data"),
        "WIJKPULS_KPI_WEB_PORT": str(free_port()),
        "WIJKPULS_OIDC_ISSUER": ensure_provider(),
    }
    port = free_port()
    procs = {
        "kpi": (
            start_process(["-m", "services.kpi", "worker", "-l", "info"], env, logs / "kpi.log"),
            f"http://127.0.0.1:{env['WIJKPULS_KPI_WEB_PORT']}/",
            logs / "kpi.log",
        ),
        "reporting": (
            start_process(
                ["-m", "services.reporting", "--port", str(port)], env, logs / "reporting.log"
            ),
            f"http://127.0.0.1:{port}/ready",
            logs / "reporting.log",
        ),
    }
    try:
        yield Monitor(f"http://127.0.0.1:{port}", procs)
    finally:
        for proc, _, _ in procs.values():
            proc.terminate()
        for proc, _, _ in procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def _signal_day() -> str:
    return (amsterdam_today() - timedelta(days=3)).isoformat()


def _delivery(folder: Path) -> Path:
    """Two households (one in crisis, in Binnenstad) and a row with a bad postcode."""
    day = _signal_day()
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


def _open_monitor(page: Page, monitor: Monitor, month: str) -> None:
    """The monitor's Overzicht of the delivery's month, signed in as vroegsignalering (its
    own domain's figures exact), waiting for the live stream."""
    wait_ready(monitor.procs)
    page.goto(f"{monitor.base}/monitor/overzicht?periode={month}")
    page.get_by_role("link", name="Aanmelden als medewerker").click()
    _sign_in(page, "vroegsignalering")
    page.wait_for_url(f"{monitor.base}/monitor/overzicht*")
    expect(page.locator("#aanmelding")).to_contain_text("rol vroegsignalering")
    page.wait_for_function("() => window.wijkpulsLive.verbonden", timeout=10_000)
    page.evaluate("() => { window.nietHerladen = true; }")


@pytest.fixture(scope="module")
def team_flow(
    browser: Browser, served: Served, monitor: Monitor, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TeamFlow]:
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="nl-NL", bypass_csp=True
    )
    page = context.new_page()
    tab = context.new_page()  # the reporting monitor, beside the signals pages
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    tab.on("pageerror", lambda error: errors.append(str(error)))
    page.bring_to_front()
    violations: dict[str, list[object]] = {}
    shots = []
    signal_day = _signal_day()
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
        # the monitor in a second tab: the two households counted by the KPI worker, none
        # reached yet (the figures of the delivery's month, as the team reads them: exact)
        figure = tab.locator('#cijfers [data-sleutel="vroegsignalering|wgs"]')
        _open_monitor(tab, monitor, signal_day[:7])
        expect(figure).to_have_text("0%", timeout=20_000)
        before = figure.inner_text()
        page.bring_to_front()
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
        # the resultaat: all 15 DDAS values to choose from; help accepted
        expect(page.locator("#resultaat option")).to_have_count(16)
        page.locator("#resultaat-datum").fill(today)
        page.get_by_label("Resultaat (DDAS)").select_option(
            "vervolghulp-en-of-verwijzing-financieel"
        )
        page.get_by_role("button", name="Resultaat vastleggen").click()
        expect(page.get_by_role("status").first).to_contain_text("resultaat is vastgelegd")
        expect(page.locator("main")).to_contain_text("Vervolghulp en/of verwijzing financieel")
        violations["zaak"] = list(axe_violations(page, "signalen-zaak"))
        shots.append(screenshot(page, "signalen-zaak"))
        # back on the monitor tab, never reloaded: the live stream brought the change (one of
        # the two households reached), and the resultaat counts as help accepted
        tab.bring_to_front()
        expect(figure).to_have_text("50%", timeout=20_000)
        assert tab.evaluate("() => window.nietHerladen === true && window.wijkpulsLive.cijfers > 0")
        accepted = tab.evaluate(
            """async (month) => {
              const url = `/api/v1/kpi/bereik-vroegsignalering?periode=${month}&wijk=gemeente`;
              const answer = await (await fetch(url)).json();
              return answer.cells.map((c) => [c.zaken, c.n_bereikt, c.n_geaccepteerd]);
            }""",
            signal_day[:7],
        )
        assert accepted == [[2, 1, 1]], accepted
        shots.append(screenshot(tab, "signalen-monitor"))
        assert not errors, f"script errors in the page: {errors}"
        yield TeamFlow(case_id, violations, shots, (before, figure.inner_text()))
    finally:
        context.close()


def test_the_team_loads_a_delivery_and_records_outreach_on_the_werklijst(
    team_flow: TeamFlow,
) -> None:
    assert team_flow.case_id.startswith("vsz-")
    assert team_flow.monitor == ("0%", "50%")  # the figure changed on the open monitor
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
