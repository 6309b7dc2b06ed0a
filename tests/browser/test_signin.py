"""Signing in to the monitor through the real identity provider's login page (docs/signin.md):
deploy/local/oidc.sh's oidc-provider, a reporting service process with sign-in on, a few
months of figures written to Redis by the KPI worker's own sink (no worker needed), Debian's
chromium headless.

The demo analist signs in with the authorization code flow and PKCE, lands back on the
Overzicht with a session cookie (HttpOnly, SameSite=Lax) and the page's API calls read as
analist; signing out makes the page read as publiek again. axe-core on the provider's login
page and the signed-in Overzicht.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import uuid
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis
import redis.asyncio as aioredis
from browser_support import SCREENSHOTS, axe_violations, start_process, wait_ready
from fixtures.oidc_provider import PASSWORD, ensure_provider
from fixtures.service_procs import free_port
from playwright.sync_api import Page, expect

from demo import DemoOptions, DemoStream
from demo.timing import add_months
from services.kpi.zaken.facts import zaak_fact
from services.kpi.zaken.figures_sink import FigureSink
from shared.contract.events import accept_at_edge
from shared.contract.figure_keys import FigureKeys
from shared.core.domain import AtwCalendar, ZaakHistory
from shared.core.kpi.contribution import zaak_contribution
from shared.core.local_time import amsterdam_today
from shared.core.pseudonym import Pseudonymiser
from shared.platform.settings import PseudonymSettings, get_domain_config

DOMAIN = get_domain_config()


def _write_figures(redis_url: str, prefix: str) -> None:
    """Eight months up to today, a tenth of Helmond's volume, as the worker's sink writes it."""
    today = amsterdam_today()
    keys = PseudonymSettings()
    pseudonymiser = Pseudonymiser(keys.key, keys.key_version)
    start = add_months(today.replace(day=1), -7)
    options = DemoOptions(start=start, months=8, seed=16, today=today, scale=0.1)
    histories: dict[str, ZaakHistory] = defaultdict(ZaakHistory)
    for raw in DemoStream(options, DOMAIN):
        found = zaak_fact(accept_at_edge(raw, DOMAIN, pseudonymiser))
        if found:
            histories[found[0]] = histories[found[0]].add(found[1])
    calendar = AtwCalendar(DOMAIN.gelijkgestelde_dagen)

    async def write() -> None:
        async with aioredis.Redis.from_url(redis_url, decode_responses=True) as r:
            sink = FigureSink(r, FigureKeys(prefix))
            for zaak_id, history in histories.items():
                await sink.replace(
                    zaak_id, zaak_contribution(history, DOMAIN, calendar, zaak_id=zaak_id)
                )

    # in a thread of its own: Playwright's sync API runs an event loop in this one
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, write()).result()


@pytest.fixture(scope="module")
def reporting(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    issuer = ensure_provider()
    prefix = f"signin-{uuid.uuid4().hex[:8]}-"
    logs = tmp_path_factory.mktemp("signin")
    port = free_port()
    env = {
        **os.environ,
        "WIJKPULS_REDIS_URL": redis_url,
        "WIJKPULS_KAFKA_TOPIC_PREFIX": prefix,
        "WIJKPULS_ENVIRONMENT": "test",
        "WIJKPULS_OIDC_ISSUER": issuer,
    }
    log = logs / "reporting.log"
    proc = start_process(["-m", "services.reporting", "--port", str(port)], env, log)
    try:
        _write_figures(redis_url, prefix)
        wait_ready({"reporting": (proc, f"http://127.0.0.1:{port}/ready", log)})
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        store = redis.Redis.from_url(redis_url)
        found = list(store.scan_iter(f"{prefix}*", count=1000))
        for start in range(0, len(found), 1000):
            store.delete(*found[start : start + 1000])
        store.close()


def test_the_analist_signs_in_at_the_provider_and_reads_the_overzicht_as_analist(
    page: Page, reporting: str
) -> None:
    page.goto(f"{reporting}/monitor/overzicht")
    expect(page.locator("#rol")).to_contain_text("U leest als publiek", timeout=15_000)
    page.get_by_role("link", name="Aanmelden als medewerker").click()
    # the provider's own login page
    expect(page.get_by_role("heading", name="Aanmelden bij Wijkpuls")).to_be_visible()
    assert page.url.startswith(ensure_provider())
    assert axe_violations(page, "aanmelden") == []
    page.get_by_label("Gebruikersnaam").fill("analist")
    page.get_by_label("Wachtwoord").fill("fout-wachtwoord")
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_role("alert")).to_contain_text("onjuist wachtwoord")
    page.get_by_label("Gebruikersnaam").fill("analist")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    # back on the Overzicht, signed in: the page's API calls read as analist
    page.wait_for_url(f"{reporting}/monitor/overzicht*")
    expect(page.locator("#aanmelding")).to_contain_text("Aangemeld als Anna Analist (rol analist)")
    expect(page.locator("#rol")).to_contain_text("U leest met de rol analist", timeout=15_000)
    expect(page.locator("main table").first).to_be_visible(timeout=15_000)
    cookie = next(c for c in page.context.cookies() if c["name"] == "wijkpuls_sessie")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["secure"]
    assert axe_violations(page, "aangemeld-overzicht") == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(Path(SCREENSHOTS) / "aangemeld-overzicht.png"), full_page=True)
    # signing out: publiek again, the cookie gone
    page.get_by_role("button", name="Afmelden").click()
    expect(page.locator("#aanmelden")).to_be_visible(timeout=15_000)
    expect(page.locator("#rol")).to_contain_text("U leest als publiek", timeout=15_000)
    assert not [c for c in page.context.cookies() if c["name"] == "wijkpuls_sessie"]
