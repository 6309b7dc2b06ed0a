"""The demo stream's delivery: retries, late and corrected events, today, bounded memory."""

from __future__ import annotations

import itertools
import json
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from demo import DemoOptions, DemoStream
from shared.core.domain_config import DomainConfig, load_domain_config
from shared.platform.settings import DEFAULT_DOMAIN_CONFIG

TODAY = date(2026, 11, 18)
SINGLE_VALUED = ("aangemeld", "besloten", "eerste-contact", "afgesloten")


@pytest.fixture(scope="module")
def domain() -> DomainConfig:
    return load_domain_config(DEFAULT_DOMAIN_CONFIG)


@pytest.fixture(scope="module")
def year(domain: DomainConfig) -> tuple[list[dict[str, Any]], DemoStream]:
    stream = DemoStream(DemoOptions(start=date(2025, 12, 1), months=12, today=TODAY), domain)
    return list(stream), stream


def kind(event: dict[str, Any]) -> str:
    return str(event["type"]).rsplit(".", 1)[-1]


def test_about_2_percent_are_exact_duplicates(year):
    events, stream = year
    sent: dict[tuple[str, str], set[str]] = defaultdict(set)
    copies = Counter((e["source"], e["id"]) for e in events)
    for event in events:
        sent[event["source"], event["id"]].add(json.dumps(event, sort_keys=True))
    duplicates = [key for key, n in copies.items() if n > 1]
    assert 0.01 <= len(duplicates) / len(events) <= 0.035
    assert all(len(sent[key]) == 1 for key in duplicates), "a retry is the identical event"
    assert stream.stats.duplicates == sum(copies.values()) - len(copies)


def test_some_events_arrive_out_of_order_even_before_their_aanmelding(year):
    events, stream = year
    assert 0.03 <= stream.stats.out_of_order / len(events) <= 0.08
    announced: set[str] = set()
    before = Counter()
    for event in events:
        if kind(event) == "aangemeld":
            announced.add(event["data"]["zaak_id"])
        elif event["data"]["zaak_id"] not in announced:
            before[kind(event)] += 1
    assert before["besloten"] > 0 and before["eerste-contact"] > 0


def test_corrections_resend_a_single_valued_fact_later_with_another_datum(year):
    events, stream = year
    versions: dict[tuple[str, str], list[tuple[datetime, str, str]]] = defaultdict(list)
    for event in events:
        if kind(event) in SINGLE_VALUED:
            when = datetime.fromisoformat(event["time"])
            versions[event["data"]["zaak_id"], kind(event)].append(
                (when, event["id"], event["data"]["datum"])
            )
    corrected = [sorted(set(v)) for v in versions.values() if len({i for _, i, _ in v}) > 1]
    assert len(corrected) >= 50 and stream.stats.corrections >= 50
    for (first_time, _, first_datum), (last_time, _, last_datum) in (
        (v[0], v[-1]) for v in corrected
    ):
        assert last_time > first_time and last_datum != first_datum


def test_nothing_is_dated_or_logged_after_today_and_zaken_stay_open(year):
    events, _ = year
    latest = max(e["data"]["datum"] for e in events)
    assert (TODAY - timedelta(days=4)).isoformat() <= latest <= TODAY.isoformat()
    assert max(datetime.fromisoformat(e["time"]).date() for e in events) <= TODAY
    decided = {e["data"]["zaak_id"] for e in events if kind(e) == "besloten"}
    waiting = {
        e["data"]["zaak_id"]
        for e in events
        if kind(e) == "aangemeld"
        and e["data"]["wet"] != "sth"
        and e["data"]["zaak_id"] not in decided
    }
    assert len(waiting) > 100


def test_a_scale_40_year_streams_without_materialising(domain: DomainConfig):
    options = DemoOptions(start=date(2025, 12, 1), months=12, today=TODAY, scale=40)
    stream = DemoStream(options, domain)
    events = iter(stream)
    next(events)
    assert stream.pending < 10_000, "only the first day's zaken are planned before it yields"
    peak = 0
    for _ in itertools.islice(events, 40_000):
        peak = max(peak, stream.pending)
    assert peak < 100_000  # the whole year is ~730k events


def test_what_the_stream_holds_does_not_grow_with_the_number_of_months(domain: DomainConfig):
    stream = DemoStream(DemoOptions(start=date(2024, 1, 1), months=36, today=TODAY), domain)
    peak: Counter[str] = Counter()
    for event in stream:
        year = event["time"][:4]
        peak[year] = max(peak[year], stream.pending)
    assert peak["2026"] < 1.3 * peak["2025"], peak


def test_a_later_today_keeps_every_earlier_event_unchanged(domain: DomainConfig):
    def lines(today: date) -> Counter[str]:
        options = DemoOptions(start=date(2026, 1, 1), months=4, today=today)
        return Counter(json.dumps(e, sort_keys=True) for e in DemoStream(options, domain))

    earlier, later = lines(date(2026, 2, 20)), lines(date(2026, 4, 30))
    assert len(later) > len(earlier) > 1_000
    assert earlier <= later, "a top-up run only adds events"
