"""The live hub (services/reporting/live/hub.py): one watcher per process however many streams
are open, every event to every stream, a bound on streams, a slow stream told to re-read."""

from __future__ import annotations

import asyncio

from services.reporting.access import Caller
from services.reporting.live.hub import QUEUE_SIZE, RESYNC, Hub, LiveEvent
from services.reporting.live.routes import _for, alert_filter, frame
from services.reporting.settings import ReportingRole
from services.reporting.signin import Person


async def test_one_watcher_fans_out_to_every_stream_and_stops_with_the_last() -> None:
    started: list[int] = []
    running = asyncio.Event()

    async def watch(hub: Hub) -> None:
        started.append(1)
        running.set()
        await asyncio.Event().wait()  # until cancelled

    hub = Hub(watch, max_connections=3)
    streams = [hub.subscribe() for _ in range(3)]
    await running.wait()
    assert hub.subscribe() is None, "past the bound"
    hub.publish(LiveEvent("cijfers", {"kpi": "doorlooptijd"}))
    assert started == [1], "one watcher for three streams"
    for s in streams:
        assert s is not None and s.queue.get_nowait().data == {"kpi": "doorlooptijd"}
    for s in streams:
        assert s is not None
        await hub.unsubscribe(s)
    assert hub.connections == 0
    assert hub._task is None, "no watcher without streams"
    again = hub.subscribe()
    await asyncio.sleep(0)
    assert again is not None and started == [1, 1], "a new stream starts it again"
    await hub.stop()


async def test_a_stream_that_falls_behind_gets_one_resync_instead() -> None:
    async def watch(hub: Hub) -> None:
        await asyncio.Event().wait()

    hub = Hub(watch, max_connections=1)
    slow = hub.subscribe()
    assert slow is not None
    for i in range(QUEUE_SIZE + 1):
        hub.publish(LiveEvent("cijfers", {"i": i}))
    assert slow.queue.qsize() == 1 and slow.queue.get_nowait() is RESYNC
    await hub.stop()


def test_each_role_gets_its_own_version_of_a_change_and_alerts_only_when_allowed() -> None:
    plain = LiveEvent("cijfers", {"kpi": "wachttijd"})
    cells = LiveEvent("cijfers", {"kpi": "wachttijd", "cellen": []}, for_small_numbers=True)
    alert = LiveEvent("alert", {"alert_id": "a", "wijk": "Stiphout"})
    shown = [_for(e, small=False, alerts=None) for e in (plain, cells, alert)]
    assert shown == [True, False, False]
    everything = lambda a: True  # noqa: E731
    assert [_for(e, small=True, alerts=everything) for e in (plain, cells, alert)] == [
        False, True, True,
    ]  # fmt: skip
    assert frame("cijfers", {"kpi": "x"}) == 'event: cijfers\ndata: {"kpi":"x"}\n\n'


def test_alerts_go_to_the_callers_that_read_their_zaken() -> None:
    stiphout, west = {"wijk": "Stiphout"}, {"wijk": "Helmond-West"}
    analist = alert_filter(Caller(ReportingRole.ANALIST))
    lead = alert_filter(
        Caller(ReportingRole.TEAMLEIDER, person=Person(ReportingRole.TEAMLEIDER, "t", None,
                                                         ("Helmond-West",)))
    )  # fmt: skip
    assert analist is not None and analist(stiphout) and analist(west)
    assert lead is not None and lead(west) and not lead(stiphout)
    assert alert_filter(Caller(ReportingRole.BELEID)) is None
    assert alert_filter(Caller(ReportingRole.PUBLIEK)) is None
    no_wijken = Person(ReportingRole.TEAMLEIDER, "t", None)
    assert alert_filter(Caller(ReportingRole.TEAMLEIDER, person=no_wijken)) is None
