"""The worker's alert flow without a broker: a replay of the records gives what live gave.

Live, the timer moves the partition's clock to each new day before that day's records arrive.
A replay (a restart with a backlog, a new consumer group, a rebuilt state) reads the records
long after, with "today" far ahead: the clock follows the records' own days instead. Within
the alert window both must push the same alerts, each once, and keep the same historisch
view; a replay later than that pushes nothing stale: what was news then is historisch now.

Historisch alerts are a view of the zaak's current history (docs/domain.md#alerts): a later fact
can withdraw one, whatever the order or batches the facts came in.
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
from reference.termijnen import expected_alerts

from shared.contract.events import from_kafka_record
from shared.core.alerts import AlertKind, DueAlert, alert_id
from shared.core.domain import AtwCalendar, ZaakHistory
from shared.core.domain_config import load_domain_config
from shared.platform.settings import DEFAULT_DOMAIN_CONFIG

DOMAIN = load_domain_config(DEFAULT_DOMAIN_CONFIG)
CAL = AtwCalendar(DOMAIN.gelijkgestelde_dagen)
ONE = timedelta(days=1)


async def live(
    records: list[Record], window_days: int | None = None, published: Published | None = None
) -> list[DueAlert]:
    published = Published() if published is None else published
    p = processor({}, published, window_days)
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


def views(published: Published) -> set[tuple[object, ...]]:
    return facts(published.historisch())


def supported(records: list[Record], day: date) -> set[tuple[str, str, str]]:
    """What the records' complete histories support on ``day`` (the independent reference)."""
    events = [from_kafka_record(r.key, r.value, list(r.headers)).to_dict() for r in records]
    return expected_alerts(events, day)


def keys(alerts: list[DueAlert]) -> set[tuple[str, str, str]]:
    return {(a.zaak_id, a.clock_id, a.kind.value) for a in alerts}


YEAR = 400  # an alert window longer than the stream: a replay pushes what live pushed


async def test_a_replay_within_the_window_gives_exactly_the_alerts_live_gave() -> None:
    records = stream(seed=11)
    live_published, replay_published = Published(), Published()
    given_live = await live(records, YEAR, live_published)
    given_replay = await replay(records, window_days=YEAR, published=replay_published)
    assert len({a.alert_id for a in given_live}) == len(given_live)  # each once
    assert len({a.alert_id for a in given_replay}) == len(given_replay)
    assert facts(given_replay) == facts(given_live)
    assert views(replay_published) == views(live_published)
    kinds = {a.kind.value for a in given_live}
    assert {"waarschuwing", "termijn-overschreden", "opgelost-na-termijn"} <= kinds
    assert ("termijn-overschreden", True) in {
        (a.kind.value, a.historisch) for a in live_published.historisch()
    }
    # The log and the view together are what the complete histories support.
    final = supported(records, END)
    assert keys(live_published.historisch()) | (keys(given_live) & final) == final


async def test_a_replay_after_the_window_pushes_nothing_stale() -> None:
    records = stream(seed=11)
    given_live = await live(records)  # the default window, 7 days
    published = Published()
    given_replay = await replay(records, published=published)  # today: END, long after
    assert len(given_live) > 50
    assert given_replay, "the alerts of the window's last days are news"
    assert all((END - a.datum).days <= 7 for a in given_replay)
    assert facts(given_replay) <= facts(given_live)
    final = supported(records, END)
    assert keys(published.historisch()) | (keys(given_replay) & final) == final
    # What live pushed and the complete histories still support is listed, historisch now.
    assert keys(given_live) & final <= keys(published.historisch()) | keys(given_replay)


async def test_a_restart_midway_neither_loses_nor_repeats_an_alert() -> None:
    records = stream(seed=12)
    whole_published, restarted_published = Published(), Published()
    whole = await replay(records, window_days=YEAR, published=whole_published)
    restarted = await replay(
        records, restart_at=len(records) // 2, window_days=YEAR, published=restarted_published
    )
    assert len({a.alert_id for a in restarted}) == len(restarted)
    assert facts(restarted) == facts(whole)
    assert views(restarted_published) == views(whole_published)


async def test_a_historical_load_gives_historisch_alerts_only_for_terms_already_passed() -> None:
    # Load day Mon 2 Mar 2026. H-2: melding Fri 9 Jan, resident's due Fri 6 Mar, warning day
    # 20 Feb (10 days before the load). H-3: melding Mon 12 Jan, due Mon 9 Mar, warning day
    # 23 Feb: exactly the window (7 days) before the load, so still news.
    def melding(zaak: str, datum: date) -> Record:
        return record(0, LOAD_DAY, "zaak.aangemeld", zaak, datum, wet="wmo", soort="melding",
                      wijk="Stiphout")  # fmt: skip

    records = [
        melding("H-1", date(2025, 9, 1)),
        melding("H-2", date(2026, 1, 9)),
        melding("H-3", date(2026, 1, 12)),
    ]
    published = Published()
    p = processor({}, published)
    for r in records:
        await feed(p, r, LOAD_DAY)
    by_zaak = {(a.zaak_id, a.clock_id, a.kind.value): a.historisch
               for a in [*published.alerts, *published.historisch()]}  # fmt: skip
    assert by_zaak[("H-1", "wmo-besluit", "termijn-overschreden")] is True
    assert by_zaak[("H-1", "wmo-besluit", "waarschuwing")] is True
    assert by_zaak[("H-2", "wmo-onderzoek", "termijn-overschreden")] is True  # due 20 Feb
    assert by_zaak[("H-2", "wmo-besluit", "waarschuwing")] is True  # became due 10 days ago
    assert by_zaak[("H-3", "wmo-besluit", "waarschuwing")] is False  # 7 days ago: pushed
    assert ("H-2", "wmo-besluit", "termijn-overschreden") not in by_zaak
    assert [(a.zaak_id, a.kind.value) for a in published.alerts] == [("H-3", "waarschuwing")]
    # The resident's terms pass after the load: live alerts, pushed on their day.
    await tick(p, date(2026, 3, 7))
    await tick(p, date(2026, 3, 10))
    assert [(a.zaak_id, a.kind.value, a.datum) for a in published.alerts[1:]] == [
        ("H-2", "termijn-overschreden", date(2026, 3, 7)),
        ("H-3", "termijn-overschreden", date(2026, 3, 10)),
    ]
    assert not any(a.historisch for a in published.alerts)


# --- the rules to the day, through the processor -------------------------------------------

WMO_MELDING = date(2025, 9, 1)  # wmo-onderzoek due 13 Oct, wmo-besluit due Mon 27 Oct 2025
WMO_DUE = date(2025, 10, 27)


def wmo_records(day: date, zaak: str = "W") -> list[Record]:
    return [
        record(0, day, "zaak.aangemeld", zaak, WMO_MELDING, wet="wmo", soort="melding",
               wijk="Warande"),
        record(0, day, "zaak.onderzoek-afgerond", zaak, date(2025, 10, 1)),
    ]  # fmt: skip


async def load(batches: list[tuple[date, list[Record]]]) -> Published:
    """Each batch on its day (the worker's clock and its records' Kafka timestamps)."""
    published = Published()
    p = processor({}, published)
    for day, batch in batches:
        for r in batch:
            await feed(p, Record(r.partition, day, r.key, r.value, r.headers), day)
        await tick(p, day)
    return published


async def test_a_wmo_zaak_decided_on_its_due_day_loaded_in_two_batches_is_not_overschreden() -> (
    None
):
    besluit = record(0, LOAD_DAY, "zaak.besloten", "W", WMO_DUE, uitkomst="toegekend")
    for second_day in (LOAD_DAY, LOAD_DAY + ONE, LOAD_DAY + 10 * ONE):
        first = await load([(LOAD_DAY, wmo_records(LOAD_DAY))])
        # After the first batch the besluit is not known: overdue since long before the load.
        assert {(a.clock_id, a.kind.value) for a in first.historisch()} == {
            ("wmo-besluit", "waarschuwing"),
            ("wmo-besluit", "termijn-overschreden"),
        }
        both = await load([(LOAD_DAY, wmo_records(LOAD_DAY)), (second_day, [besluit])])
        assert both.alerts == []
        assert {(a.clock_id, a.kind.value) for a in both.historisch()} == {
            ("wmo-besluit", "waarschuwing")
        }
        (warning,) = both.historisch()
        assert (warning.due, warning.datum) == (WMO_DUE, WMO_DUE - 14 * ONE)
    # Besluit first, then the melding: the same view.
    reverse = await load([(LOAD_DAY, [besluit]), (LOAD_DAY + ONE, wmo_records(LOAD_DAY))])
    assert keys(reverse.historisch()) == {("W", "wmo-besluit", "waarschuwing")}


async def test_no_waarschuwing_for_a_clock_ended_before_its_warning_day() -> None:
    # Wgs, no crisis: the eerste gesprek is due 4 weeks after Wed 1 Oct 2025 (Wed 29 Oct),
    # warning day Wed 22 Oct. The zaak is closed on 21 Oct without an eerste gesprek: the
    # clock ended before the warning day began. Closed on the 22nd, the warning was due.
    for closed, expected in ((date(2025, 10, 21), []), (date(2025, 10, 22), ["waarschuwing"])):
        published = Published()
        p = processor({}, published)
        gemeld = record(0, date(2025, 10, 1), "zaak.aangemeld", "G", date(2025, 10, 1),
                        wet="wgs", soort="hulpvraag", wijk="Warande")  # fmt: skip
        await feed(p, gemeld, date(2025, 10, 1))
        day = date(2025, 10, 2)
        while day <= date(2025, 11, 30):  # live, day by day
            await tick(p, day)
            if day == closed:
                afgesloten = record(0, day, "zaak.afgesloten", "G", closed, verwezen=False)
                await feed(p, afgesloten, day)
            day += ONE
        found = [(a.clock_id, a.kind.value) for a in published.alerts]
        assert found == [("wgs-eerste-gesprek", kind) for kind in expected]
        assert published.historisch() == []


async def test_opgelost_na_termijn_leaves_the_view_when_a_late_suspension_moves_the_due_date() -> (
    None
):
    # Jeugdwet, aangemeld Mon 1 Sep 2025: due Mon 27 Oct, warning day 13 Oct. Besluit 3 Nov:
    # a week late. An opschorting 15..25 Sep (10 days), reported later, moves the due date to
    # Thu 6 Nov: the besluit was in time after all.
    day = LOAD_DAY
    zaak = [
        record(0, day, "zaak.aangemeld", "J", WMO_MELDING, wet="jeugdwet", soort="aanvraag",
               wijk="Warande"),
        record(0, day, "zaak.besloten", "J", date(2025, 11, 3), uitkomst="toegekend"),
    ]  # fmt: skip
    suspension = [
        record(0, day, "zaak.opgeschort", "J", date(2025, 9, 15)),
        record(0, day, "zaak.hervat", "J", date(2025, 9, 25)),
    ]
    first = await load([(day, zaak)])
    assert {a.kind.value: (a.due, a.datum) for a in first.historisch()} == {
        "waarschuwing": (date(2025, 10, 27), date(2025, 10, 13)),
        "termijn-overschreden": (date(2025, 10, 27), date(2025, 10, 28)),
        "opgelost-na-termijn": (date(2025, 10, 27), date(2025, 11, 3)),
    }
    later = await load([(day, zaak), (day + 3 * ONE, suspension)])
    assert {a.kind.value: (a.due, a.datum) for a in later.historisch()} == {
        "waarschuwing": (date(2025, 11, 6), date(2025, 10, 23))
    }
    assert later.alerts == []
    # Only the opschorting known, without its hervat: it runs to the besluit (15 Sep .. 3 Nov,
    # 49 days), due Mon 15 Dec, warning day 1 Dec: the clock ended before it. No alert at all.
    open_only = await load([(day, zaak), (day + ONE, suspension[:1])])
    assert (open_only.historisch(), open_only.alerts) == ([], [])


async def test_a_pushed_alert_stays_given_when_a_later_fact_no_longer_supports_it() -> None:
    # Live: the wmo-besluit term passes (pushed), then a besluit dated on the due day arrives
    # late. The pushed alert is a log entry: not taken back and not pushed again.
    published = Published()
    p = processor({}, published)
    gemeld = record(0, WMO_MELDING, "zaak.aangemeld", "L", WMO_MELDING, wet="wmo",
                    soort="melding", wijk="Warande")  # fmt: skip
    await feed(p, gemeld, WMO_MELDING)
    await tick(p, WMO_DUE + ONE)
    late = record(0, WMO_DUE + 3 * ONE, "zaak.besloten", "L", WMO_DUE, uitkomst="toegekend")
    await feed(p, late, WMO_DUE + 3 * ONE)
    await tick(p, WMO_DUE + 30 * ONE)
    pushed = [(a.clock_id, a.kind.value) for a in published.alerts]
    assert ("wmo-besluit", "termijn-overschreden") in pushed
    assert ("wmo-besluit", "opgelost-na-termijn") not in pushed  # decided on the due day
    assert len(pushed) == len(set(pushed))
    assert alert_id("L", "wmo-besluit", AlertKind.TERMIJN_OVERSCHREDEN) not in {
        a.alert_id for a in published.historisch()
    }


async def test_a_late_delivery_beyond_the_window_is_historisch() -> None:
    # A besluit dated 20 days before it reached Wijkpuls ends a late clock: its
    # opgelost-na-termijn is listed, not pushed; the termijn-overschreden was pushed live.
    published = Published()
    p = processor({}, published)
    gemeld = record(0, WMO_MELDING, "zaak.aangemeld", "V", WMO_MELDING, wet="wmo",
                    soort="melding", wijk="Warande")  # fmt: skip
    await feed(p, gemeld, WMO_MELDING)
    await tick(p, WMO_DUE + ONE)
    arrives = WMO_DUE + 25 * ONE
    late = record(0, arrives, "zaak.besloten", "V", WMO_DUE + 5 * ONE, uitkomst="afgewezen")
    await tick(p, arrives - ONE)
    await feed(p, late, arrives)
    assert ("wmo-besluit", "opgelost-na-termijn", True) in {
        (a.clock_id, a.kind.value, a.historisch) for a in published.historisch()
    }
    assert ("wmo-besluit", "termijn-overschreden") in {
        (a.clock_id, a.kind.value) for a in published.alerts
    }


def test_the_stored_state_round_trips_through_the_table_format() -> None:
    from services.kpi.zaken.state import ZaakState, waiting_entry
    from shared.core.alerts import AlertState

    state = ZaakState(ZaakHistory(), AlertState(START, frozenset({"x"}), END), 2)
    raw = state.to_table()
    assert ZaakState.from_table(raw) == state and waiting_entry(raw) == (2, END)
    assert ZaakHistory.from_dict(raw) == ZaakHistory()  # readers of the history alone still work


def test_the_schedule_pops_in_date_order_and_skips_superseded_waits() -> None:
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
