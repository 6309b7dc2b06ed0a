"""The worker's alert flow without a broker: a replay of the records gives what live gave.

Live, the timer moves the partition's clock to each new day before that day's records arrive.
A replay (a restart with a backlog, a new consumer group, a rebuilt state) reads the records
long after, with "today" far ahead: the clock follows the records' own days instead. Both
must publish the same alerts, each once.
"""

from __future__ import annotations

from datetime import date, timedelta

from fixtures.alert_stream import (
    END,
    LOAD_DAY,
    START,
    Published,
    Record,
    feed,
    processor,
    record,
    replay,
    stream,
    tick,
)

from shared.core.alerts import DueAlert
from shared.core.domain import AtwCalendar, ZaakHistory
from shared.core.domain_config import load_domain_config
from shared.platform.settings import DEFAULT_DOMAIN_CONFIG

DOMAIN = load_domain_config(DEFAULT_DOMAIN_CONFIG)
CAL = AtwCalendar(DOMAIN.gelijkgestelde_dagen)
ONE = timedelta(days=1)


async def live(records: list[Record]) -> list[DueAlert]:
    published = Published()
    p = processor({}, published)
    by_day: dict[date, list[Record]] = {}
    for r in records:
        by_day.setdefault(r.day, []).append(r)
    day = START
    while day <= END:
        await tick(p, day)  # the timer moves the clock at the start of the day
        for r in by_day.get(day, []):
            await feed(p, r, day)
        day += ONE
    return published.alerts


def facts(alerts: list[DueAlert]) -> set[tuple[object, ...]]:
    return {(a.alert_id, a.kind, a.clock_id, a.due, a.datum, a.historisch) for a in alerts}


async def test_a_replay_gives_exactly_the_alerts_live_gave():
    records = stream(seed=11)
    given_live = await live(records)
    given_replay = await replay(records)
    assert len({a.alert_id for a in given_live}) == len(given_live)  # each once
    assert len({a.alert_id for a in given_replay}) == len(given_replay)
    assert facts(given_replay) == facts(given_live)
    kinds = {(a.kind.value, a.historisch) for a in given_live}
    assert {("waarschuwing", False), ("termijn-overschreden", False)} <= kinds
    assert ("opgelost-na-termijn", False) in kinds and ("termijn-overschreden", True) in kinds


async def test_a_restart_midway_neither_loses_nor_repeats_an_alert():
    records = stream(seed=12)
    whole = await replay(records)
    restarted = await replay(records, restart_at=len(records) // 2)
    assert len({a.alert_id for a in restarted}) == len(restarted)
    assert facts(restarted) == facts(whole)


async def test_a_historical_load_gives_historisch_alerts_only_for_terms_already_passed():
    records = [
        record(0, LOAD_DAY, "zaak.aangemeld", "H-1", date(2025, 9, 1), wet="wmo",
               soort="melding", wijk="Stiphout"),
        record(0, LOAD_DAY, "zaak.aangemeld", "H-2", LOAD_DAY - 50 * ONE, wet="wmo",
               soort="melding", wijk="Stiphout"),
    ]  # fmt: skip
    alerts = await replay(records)
    by_zaak = {(a.zaak_id, a.clock_id, a.kind.value): a.historisch for a in alerts}
    assert by_zaak[("H-1", "wmo-besluit", "termijn-overschreden")] is True
    assert by_zaak[("H-1", "wmo-besluit", "waarschuwing")] is True
    # H-2's resident clock (8 weeks) was still running on the load day: live alerts.
    assert by_zaak[("H-2", "wmo-besluit", "waarschuwing")] is False
    assert by_zaak[("H-2", "wmo-besluit", "termijn-overschreden")] is False
    assert by_zaak[("H-2", "wmo-onderzoek", "termijn-overschreden")] is True


def test_the_stored_state_round_trips_through_the_table_format():
    from services.kpi.zaken.state import ZaakState, waiting_entry
    from shared.core.alerts import AlertState

    state = ZaakState(ZaakHistory(), AlertState(START, frozenset({"x"}), END), 2)
    raw = state.to_table()
    assert ZaakState.from_table(raw) == state and waiting_entry(raw) == (2, END)
    assert ZaakHistory.from_dict(raw) == ZaakHistory()  # readers of the history alone still work


def test_the_schedule_pops_in_date_order_and_skips_superseded_waits():
    from services.kpi.zaken.schedule import AlertSchedule

    schedule = AlertSchedule()
    schedule.build(0, [("a", START + 5 * ONE), ("b", START + 2 * ONE)])
    schedule.wait(0, "a", START + ONE)  # moved earlier: the old entry is stale
    schedule.wait(0, "c", START + 9 * ONE)
    schedule.wait(0, "c", None)  # nothing to wait for any more
    assert schedule.pop_next(0) is None  # no clock yet
    schedule.advance(0, START + 5 * ONE)
    schedule.advance(0, START)  # a clock never goes back
    assert schedule.clock(0) == START + 5 * ONE
    assert [schedule.pop_next(0), schedule.pop_next(0), schedule.pop_next(0)] == [
        (START + ONE, "a"),
        (START + 2 * ONE, "b"),
        None,
    ]
    assert schedule.waiting(0) == 0 and not schedule.should_tick(0)
    schedule.invalidate()
    assert schedule.take_invalidated() and not schedule.take_invalidated()
    schedule.reset()
    assert not schedule.built(0) and schedule.should_tick(0)
    schedule.tick_sent(0)
    assert not schedule.should_tick(0)  # one tick in flight is enough
