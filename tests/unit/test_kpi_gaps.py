"""The applied-offset mark of the KPI worker (services/kpi/stream/gaps.py), on a dict as its
table."""

from __future__ import annotations

from services.kpi.stream.gaps import AppliedOffsets


def test_nothing_applied_reads_as_none_and_the_first_mark_is_persisted_at_once():
    table: dict[str, int] = {}
    marks = AppliedOffsets(table, persist_every=50)
    assert marks.next_offset(3) is None
    marks.mark(3, 1)
    assert table == {"3": 1}
    assert marks.next_offset(3) == 1


def test_marks_are_persisted_every_n_records_and_kept_in_memory_between():
    table: dict[str, int] = {}
    marks = AppliedOffsets(table, persist_every=10)
    for offset in range(25):
        marks.mark(0, offset + 1)
    assert marks.next_offset(0) == 25
    assert table == {"0": 21}  # 1, 11, 21: never ahead of what was applied
    marks.mark(0, 26, persist=True)
    assert table == {"0": 26}


def test_after_a_rebalance_the_marks_come_from_the_table_again():
    table: dict[str, int] = {"1": 40}
    marks = AppliedOffsets(table, persist_every=10)
    assert marks.next_offset(1) == 40
    marks.mark(1, 45)
    assert marks.cached(1) == 45
    marks.forget()
    assert marks.cached(1) is None and not marks.loaded(1)
    assert marks.next_offset(1) == 40  # the lag only means a few records applied again
    table["1"] = 90  # another worker moved the partition on
    marks.forget()
    assert marks.next_offset(1) == 90


def test_partitions_are_marked_independently():
    table: dict[str, int] = {}
    marks = AppliedOffsets(table, persist_every=100)
    marks.mark(0, 5)
    marks.mark(2, 7)
    assert (marks.next_offset(0), marks.next_offset(1), marks.next_offset(2)) == (5, None, 7)
