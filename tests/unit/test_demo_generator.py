"""The demo stream: deterministic, valid, Helmond-sized, and ~80% tijdig by the real clocks."""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from datetime import date
from typing import Any

import pytest
from pydantic import SecretStr

from demo import DemoOptions, DemoStream
from demo.population import Population
from shared.contract.events import accept_at_edge
from shared.core.domain import AtwCalendar, Fact, ZaakHistory, compute_clock
from shared.core.domain_config import DomainConfig, load_domain_config
from shared.core.pseudonym import Pseudonymiser
from shared.platform.settings import DEFAULT_DOMAIN_CONFIG

TODAY = date(2026, 11, 18)
OPTIONS = DemoOptions(start=date(2025, 12, 1), months=12, seed=7, today=TODAY)
VULNERABLE = ("Helmond-West", "Binnenstad", "Helmond-Oost", "Helmond-Noord")


@pytest.fixture(scope="module")
def domain() -> DomainConfig:
    return load_domain_config(DEFAULT_DOMAIN_CONFIG)


@pytest.fixture(scope="module")
def year(domain: DomainConfig) -> tuple[list[dict[str, Any]], DemoStream]:
    stream = DemoStream(OPTIONS, domain)
    return list(stream), stream


@pytest.fixture(scope="module")
def stored(domain: DomainConfig, year: tuple[list[dict[str, Any]], DemoStream]) -> list[Any]:
    """Every event of the year through the intake's own edge (raises on any invalid one)."""
    pseudonymiser = Pseudonymiser(SecretStr("unit-test-key"), "v1")
    return [accept_at_edge(event, domain, pseudonymiser) for event in year[0]]


def digest(events: Any) -> str:
    return hashlib.sha256(json.dumps(list(events), sort_keys=True).encode()).hexdigest()


def test_the_same_seed_gives_the_same_stream_and_another_seed_another(domain: DomainConfig):
    short = DemoOptions(start=date(2026, 1, 1), months=2, seed=7, today=TODAY)
    assert digest(DemoStream(short, domain)) == digest(DemoStream(short, domain))
    other = DemoOptions(start=date(2026, 1, 1), months=2, seed=8, today=TODAY)
    assert digest(DemoStream(short, domain)) != digest(DemoStream(other, domain))


def test_every_event_passes_the_intake_edge(year, stored):
    events, _ = year
    assert len(stored) == len(events) > 15_000
    types = Counter(e.type.rsplit(".", 2)[-2] + "." + e.type.rsplit(".", 1)[-1] for e in stored)
    assert {"zaak.aangemeld", "zaak.besloten", "zorg.gestart", "zaak.afgesloten"} <= set(types)
    assert all(e.time.tzinfo is not None for e in stored)


def test_helmond_volumes_per_month(year):
    events, stream = year
    zaken = stream.stats.zaken_per_month
    for month in ("2026-01", "2026-03", "2026-06", "2026-10"):
        assert 300 <= zaken[month] <= 600, (month, zaken[month])
        assert 1_000 <= stream.stats.per_month[month] <= 2_600
    assert set(stream.stats.zaken_per_wet) == {"wmo", "jeugdwet", "participatiewet", "wgs", "sth"}
    assert stream.stats.events == len(events)


def test_the_vulnerable_wijken_get_more_requests_per_household(year, domain: DomainConfig):
    _, stream = year
    per_wijk = stream.stats.zaken_per_wijk
    households = {w.naam: w.huishoudens for w in domain.wijken}
    rate = {w: per_wijk[w] / households[w] for w in households if households[w] > 1000}
    others = [r for w, r in rate.items() if w not in VULNERABLE]
    assert min(rate[w] for w in VULNERABLE) > max(others)
    assert min(per_wijk[w] for w in VULNERABLE) > max(
        per_wijk[w] for w in households if w not in VULNERABLE
    )
    assert 0.015 <= per_wijk["onbekend"] / sum(per_wijk.values()) <= 0.06
    assert abs(sum(Population(domain).weights().values()) - 1) < 1e-9


def test_wijk_postcode_and_client_forms_are_mixed(year, stored):
    aangemeld = [e["data"] for e in year[0] if e["type"].endswith("zaak.aangemeld")]
    forms = Counter(next(k for k in ("client", "postcode", "wijk") if k in d) for d in aangemeld)
    assert all(0.15 <= forms[k] / len(aangemeld) <= 0.5 for k in ("client", "postcode", "wijk"))
    clients = [d["client"] for d in aangemeld if "client" in d]
    assert all(isinstance(c["huisnummer"], int) and len(c["bsn"]) == 9 for c in clients)
    assert any("toevoeging" in c for c in clients)
    pseudonymised = [e.data for e in stored if getattr(e.data, "persoon", None)]
    assert len(pseudonymised) == len(clients)


def histories(stored: list[Any]) -> dict[str, ZaakHistory]:
    facts: dict[str, list[Fact]] = defaultdict(list)
    for event in stored:
        data = event.data.model_dump(mode="json", exclude_none=True)
        facts[data["zaak_id"]].append(
            Fact.from_event(event.type, event.source, event.id, event.time, data)
        )
    return {zaak: ZaakHistory.of(f) for zaak, f in facts.items()}


def test_about_80_percent_of_besluiten_are_on_time_by_the_legal_clocks(stored, domain):
    calendar = AtwCalendar(domain.gelijkgestelde_dagen)
    tijdig: Counter[tuple[str, bool]] = Counter()
    for history in histories(stored).values():
        for clock in domain.clocks:
            result = compute_clock(clock, history, calendar) if clock.wet is history.wet else None
            if result is not None and result.counts_for_kpi:
                tijdig[clock.id, bool(result.tijdig)] += 1
    besluit = [c.id for c in domain.clocks if c.is_besluit_clock and c.headline]
    on_time = sum(tijdig[c, True] for c in besluit)
    share = on_time / (on_time + sum(tijdig[c, False] for c in besluit))
    assert 0.70 <= share <= 0.90, share
    for clock_id in (*besluit, "sth-opgepakt", "wgs-eerste-gesprek", "wmo-onderzoek"):
        n = tijdig[clock_id, True] + tijdig[clock_id, False]
        assert n > 100 and 0.65 <= tijdig[clock_id, True] / n <= 0.95, clock_id
