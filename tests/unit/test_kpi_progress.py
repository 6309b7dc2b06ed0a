"""The worker's position, lag and stall per partition (services/kpi/stream/progress.py), and
the gauges they become (services/kpi/stream/metrics.py)."""

from __future__ import annotations

from prometheus_client import generate_latest

from services.kpi.stream import metrics
from services.kpi.stream.progress import Positions, StallWatch, StuckCommits

EVENTS_0 = ("wijkpuls.events", 0)


def test_the_position_is_the_acknowledged_or_committed_offset_whichever_is_further() -> None:
    positions = Positions()
    assert positions.position(EVENTS_0, None) is None  # neither: the log start, asked elsewhere
    assert positions.position(EVENTS_0, 40) == 40
    positions.acknowledged(EVENTS_0, 41)
    positions.acknowledged(EVENTS_0, 39)  # an older ack does not move it back
    assert positions.position(EVENTS_0, 40) == 42
    assert positions.position(EVENTS_0, 50) == 50  # applied outside the stream, committed
    positions.forget()  # a rebalance: another worker may have gone on meanwhile
    assert positions.position(EVENTS_0, 45) == 45


def test_a_partition_stalls_only_with_records_waiting_and_its_position_standing_still() -> None:
    watch = StallWatch(stall_after_s=60)
    assert watch.standing(EVENTS_0, end=10, position=10, now=0).lag == 0
    assert not watch.standing(EVENTS_0, end=10, position=10, now=500).stalled  # idle, caught up
    behind = watch.standing(EVENTS_0, end=25, position=10, now=600)  # records arrive
    assert behind.lag == 15 and not behind.stalled
    assert not watch.standing(EVENTS_0, end=30, position=10, now=659).stalled
    assert watch.standing(EVENTS_0, end=30, position=10, now=660).stalled
    moving = watch.standing(EVENTS_0, end=40, position=12, now=700)  # it moves again
    assert not moving.stalled
    assert not watch.standing(EVENTS_0, end=40, position=12, now=759).stalled
    assert watch.standing(EVENTS_0, end=40, position=12, now=760).stalled
    assert not watch.standing(EVENTS_0, end=40, position=40, now=761).stalled


def test_a_partition_moved_away_and_back_starts_a_new_watch() -> None:
    watch = StallWatch(stall_after_s=60)
    watch.standing(EVENTS_0, end=20, position=10, now=0)
    watch.keep([])  # a rebalance took it
    assert not watch.standing(EVENTS_0, end=20, position=10, now=100).stalled


def test_the_gauges_are_the_standings_of_the_partitions_held_now() -> None:
    watch = StallWatch(stall_after_s=60)
    held = [
        watch.standing(EVENTS_0, end=20, position=10, now=0),
        watch.standing(("wijkpuls.vroegsignalen", 2), end=7, position=7, now=0),
    ]
    before = metrics.standings.standings
    metrics.standings.standings = held
    try:
        text = generate_latest(metrics.REGISTRY).decode()
    finally:
        metrics.standings.standings = before
    assert 'wijkpuls_kpi_consumer_lag{partition="0",topic="wijkpuls.events"} 10.0' in text
    assert 'wijkpuls_kpi_consumer_lag{partition="2",topic="wijkpuls.vroegsignalen"} 0.0' in text
    assert 'wijkpuls_kpi_stream_stalled{partition="0",topic="wijkpuls.events"} 0.0' in text
    assert 'wijkpuls_kpi_partition_held{partition="2",topic="wijkpuls.vroegsignalen"} 1.0' in text


def test_dead_letter_reasons_become_two_kinds_whatever_the_sender_wrote() -> None:
    def count(kind: str) -> float:
        value = metrics.REGISTRY.get_sample_value(
            "wijkpuls_kpi_dead_letters_total", {"topic": "t", "reason": kind}
        )
        return value or 0.0

    invalid, failed = count("invalid-record"), count("processing-error")
    metrics.dead_lettered("t", "not a valid event: data.wet: 'x' is not one of ...")
    metrics.dead_lettered("t", "header ce_zelfbedacht appears more than once")
    metrics.dead_lettered("t", "processing error: KeyError")
    assert (count("invalid-record"), count("processing-error")) == (invalid + 2, failed + 1)


def test_a_commit_is_stuck_when_it_and_the_position_stand_still_behind_the_end() -> None:
    stuck = StuckCommits(stuck_after_s=60)
    assert not stuck.stuck(EVENTS_0, end=100, committed=40, position=40, now=0)
    assert not stuck.stuck(EVENTS_0, end=100, committed=40, position=40, now=59)
    assert stuck.stuck(EVENTS_0, end=100, committed=40, position=40, now=60)
    # acted on: as long again before it counts once more
    assert not stuck.stuck(EVENTS_0, end=100, committed=40, position=40, now=119)
    assert stuck.stuck(EVENTS_0, end=100, committed=40, position=40, now=120)


def test_a_moving_position_or_commit_or_a_caught_up_partition_is_not_stuck() -> None:
    stuck = StuckCommits(stuck_after_s=60)
    stuck.stuck(EVENTS_0, end=100, committed=40, position=40, now=0)
    assert not stuck.stuck(EVENTS_0, end=100, committed=40, position=70, now=61)  # acks go on
    assert not stuck.stuck(EVENTS_0, end=100, committed=70, position=70, now=100)  # commits too
    assert not stuck.stuck(EVENTS_0, end=70, committed=70, position=70, now=500)  # caught up
    # committed behind while everything was acked (a head gap): stuck as well
    stuck.stuck(EVENTS_0, end=100, committed=70, position=100, now=600)
    assert stuck.stuck(EVENTS_0, end=100, committed=70, position=100, now=660)
    # nothing committed yet counts from the log start
    assert not stuck.stuck(EVENTS_0, end=5, committed=None, position=None, now=700)
    assert stuck.stuck(EVENTS_0, end=5, committed=None, position=None, now=760)
    stuck.keep([])  # a rebalance: the watch starts again
    assert not stuck.stuck(EVENTS_0, end=5, committed=None, position=None, now=800)
