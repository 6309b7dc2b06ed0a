"""The team lead's pages in chromium (docs/signin.md#roles, docs/monitor.md): a reporting
service process with sign-in on, a few zaken in three wijken written to Redis by the KPI
worker's own sinks (tests/fixtures/role_zaken.py, no worker needed), the real provider's
login page.

Not signed in, /monitor/teamleider says "Meld u aan als teamleider" with the sign-in link; the
demo team lead (wijken Helmond-West and Binnenstad) signs in there and sees only its wijken's
zaken over the term (per clock, longest over first, paged) and near it; a new alert of its
wijken appears without a reload (over the live stream, GET /api/v1/live), one of Stiphout
does not; one zaak's page explains why its due date is what it is. axe-core on both pages;
screenshots in var/screenshots/.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from browser_support import axe_violations, screenshot, start_process, wait_ready
from fixtures.oidc_provider import PASSWORD, ensure_provider
from fixtures.role_zaken import TODAY, WITHOUT_WORKERS, alert, role_zaken
from fixtures.service_procs import free_port
from playwright.sync_api import Page, expect
from redis.asyncio import Redis

from services.kpi.zaken.alert_publisher import AlertPublisher
from shared.contract.alert_keys import AlertKeys
from shared.contract.events import KafkaRecord
from shared.core.alerts import DueAlert


@pytest.fixture(scope="module")
def reporting(
    redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    """The reporting service's address and its Redis prefix."""
    issuer = ensure_provider()
    logs = tmp_path_factory.mktemp("teamleider")
    port = free_port()
    with role_zaken(redis_url, f"tl-{uuid.uuid4().hex[:8]}-") as prefix:
        sync = redis.Redis.from_url(redis_url)
        sync.set(AlertKeys(prefix).today_override, TODAY.isoformat())  # the zaken's today
        sync.close()
        env = {
            **os.environ,
            "WIJKPULS_REDIS_URL": redis_url,
            "WIJKPULS_KAFKA_TOPIC_PREFIX": prefix,
            "WIJKPULS_ENVIRONMENT": "test",
            "WIJKPULS_OIDC_ISSUER": issuer,
            **WITHOUT_WORKERS,
        }
        log = logs / "reporting.log"
        proc = start_process(["-m", "services.reporting", "--port", str(port)], env, log)
        try:
            wait_ready({"reporting": (proc, f"http://127.0.0.1:{port}/ready", log)})
            yield f"http://127.0.0.1:{port}", prefix
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def _publish(redis_url: str, prefix: str, *alerts: DueAlert) -> None:
    """New pushed alerts, as the KPI worker's publisher writes them (the topic send dropped)."""

    async def write() -> None:
        async def send(_: KafkaRecord) -> None:
            return None

        client = Redis.from_url(redis_url)
        publisher = AlertPublisher(send, client, AlertKeys(prefix), "urn:wijkpuls:test", 730)
        await publisher.publish(alerts, TODAY)
        await client.aclose()

    with ThreadPoolExecutor(1) as pool:  # Playwright's loop runs in this thread
        pool.submit(asyncio.run, write()).result()


def test_the_team_lead_signs_in_and_sees_its_wijken_zaken_and_one_zaaks_termijnen(
    page: Page, reporting: tuple[str, str], redis_url: str
) -> None:
    base, prefix = reporting
    page.goto(f"{base}/monitor/teamleider?per=2")
    gate = page.locator("#aanmelden-nodig")
    expect(gate.get_by_role("heading", name="Meld u aan als teamleider")).to_be_visible()
    expect(page.locator("#werk")).to_be_hidden()
    assert axe_violations(page, "teamleider-aanmelden") == []
    gate.get_by_role("link", name="Meld u aan als teamleider").click()
    expect(page.get_by_role("heading", name="Aanmelden bij Wijkpuls")).to_be_visible()
    page.get_by_label("Gebruikersnaam").fill("teamleider")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url(f"{base}/monitor/teamleider?per=2")

    # its wijken only, per clock, longest over first, two zaken a page
    over = page.locator("#over")
    expect(page.locator("#wie")).to_contain_text("Helmond-West en Binnenstad")
    expect(over.locator("caption").first).to_contain_text("Wmo: melding tot einde onderzoek")
    expect(page.locator("#blad")).to_have_text("Zaak 1 tot en met 2 van 3.")
    first = over.locator("tbody tr").all_inner_texts()
    page.get_by_role("button", name="Volgende zaken").click()
    expect(page.locator("#blad")).to_have_text("Zaak 3 tot en met 3 van 3.")
    second = over.locator("tbody tr").all_inner_texts()
    zaken = [row.split("\t")[0] for row in first + second]
    assert zaken == ["HW-1", "HW-1", "BS-1"], first + second
    # near the term: BS-2 (due 28 April), not ST-3 of Stiphout
    bijna = page.locator("#bijna tbody tr")
    expect(bijna).to_have_count(1)
    expect(bijna.first).to_contain_text("BS-2")
    expect(bijna.first).to_contain_text("28 april 2026")
    meldingen = page.locator("#meldingen tbody tr")
    expect(meldingen).to_have_count(2)
    expect(meldingen.first).to_contain_text("Waarschuwing: termijn loopt bijna af")
    assert "ST-" not in page.locator("main").inner_text()  # Stiphout is not its wijk

    # a new alert of its wijken appears without a reload, over the live stream (Server-Sent
    # Events, connected since the page opened), which sends only its wijken's alerts
    page.wait_for_function("window.wijkpulsTeamleider.verbonden >= 1")
    assert page.evaluate("window.wijkpulsTeamleider.kanaal") == "eventsource"
    _publish(
        redis_url,
        prefix,
        alert("ST-1", "Stiphout", clock="wmo-onderzoek", due="2026-02-16", datum="2026-04-15"),
        alert("BS-1", "Binnenstad", clock="jeugdwet-besluit", due="2026-03-09", datum="2026-04-15"),
    )
    expect(meldingen).to_have_count(3, timeout=10_000)
    expect(meldingen.first).to_contain_text("BS-1")
    # it came over the live stream (Server-Sent Events), which sent only its wijken's alert
    page.wait_for_function("window.wijkpulsTeamleider.meldingen >= 1")
    assert page.evaluate("window.wijkpulsTeamleider.meldingen") == 1  # Stiphout's not sent
    expect(page.locator("#live-status")).to_contain_text("Nieuwe meldingen om")
    assert "ST-" not in page.locator("main").inner_text()
    page.get_by_role("button", name="Vorige zaken").click()
    expect(page.locator("#blad")).to_have_text("Zaak 1 tot en met 2 van 3.")
    assert axe_violations(page, "teamleider") == []
    screenshot(page, "teamleider")

    # one zaak's termijnen: why the due date is what it is
    over.get_by_role("link", name="HW-1").first.click()
    page.wait_for_url(f"{base}/monitor/termijnen?zaak=HW-1")
    expect(page.get_by_role("heading", name="Termijnen van zaak HW-1")).to_be_visible()
    besluit = page.locator("section.kaart", has_text="Wmo: melding tot besluit")
    expect(besluit).to_contain_text("over de termijn")
    expect(besluit).to_contain_text("2 maart 2026")  # due: 5 January + 8 weeks
    expect(besluit.locator("ol li").first).to_have_text(
        "termijn 8 weken vanaf 2026-01-05 (zaak.aangemeld): 2026-03-02"
    )
    assert axe_violations(page, "teamleider-zaak") == []
    screenshot(page, "teamleider-zaak")
    # a zaak of another wijk is refused in Dutch
    page.goto(f"{base}/monitor/termijnen?zaak=ST-1")
    expect(page.get_by_role("alert")).to_contain_text("hoort niet bij uw wijken")
    # WCAG 1.4.10: at 320 CSS pixels nothing but a table (scrolling in its region) is wider
    page.set_viewport_size({"width": 320, "height": 640})
    for path in ("/monitor/teamleider", "/monitor/termijnen?zaak=HW-1"):
        page.goto(f"{base}{path}")
        expect(page.locator("main table, main section.kaart").first).to_be_visible()
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 320, path
