"""The intake loader's pure parts: reading lines, batching, error positions, the summary."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from services.intake.load_batches import (
    MAX_WAIT_S,
    LoadSummary,
    batch_body,
    batches,
    read_lines,
    record_results,
    retry_after_s,
)


def event(n: int, **data: Any) -> dict[str, Any]:
    return {"source": "urn:test", "id": f"id-{n}", "data": {"n": n, **data}}


def jsonl(*items: Any) -> list[bytes]:
    return [
        (item if isinstance(item, str) else json.dumps(item)).encode() + b"\n" for item in items
    ]


def test_lines_that_are_not_json_are_rejected_with_their_number():
    summary = LoadSummary()
    raw = [*jsonl(event(1), "{oops", "", event(2)), b"\xff\xfe\n"]
    lines = list(read_lines(raw, summary))
    assert [line.number for line in lines] == [1, 4]
    assert lines[0].key == ("urn:test", "id-1")
    assert summary.rejected == 2
    assert summary.to_dict()["reasons"] == [
        {"field": "(line)", "reason": "is not JSON", "count": 1, "lines": [2]},
        {"field": "(line)", "reason": "is not UTF-8", "count": 1, "lines": [5]},
    ]


def test_batches_keep_order_size_and_never_hold_one_id_twice():
    lines = list(read_lines(jsonl(*(event(n % 3) for n in range(7))), LoadSummary()))
    got = list(batches(lines, 5))
    assert [line for batch in got for line in batch] == lines
    assert all(len(b) <= 5 for b in got)
    assert all(len({line.key for line in b}) == len(b) for b in got)
    assert [len(b) for b in got] == [3, 3, 1]  # line 4 repeats id-0: a new batch
    assert json.loads(batch_body(got[0])) == [event(n) for n in range(3)]
    assert [len(b) for b in batches(lines[:3], 2)] == [2, 1]


def test_per_item_results_are_counted_against_their_lines():
    lines = list(read_lines(jsonl(*(event(n) for n in range(4))), LoadSummary()))
    results = [
        {"index": 2, "status": "rejected", "errors": [{"field": "data.wet", "reason": "bad"}]},
        {"index": 0, "status": "accepted", "id": "id-0"},
        {"index": 1, "status": "duplicate", "id": "id-1"},
        {"index": 3, "status": "rejected", "errors": [{"field": "source", "reason": "no"}]},
    ]
    summary = LoadSummary()
    assert record_results(lines, {"results": results}, summary)
    assert (summary.accepted, summary.duplicate, summary.rejected) == (1, 1, 2)
    reasons = {(r["field"], r["reason"]): r["lines"] for r in summary.to_dict()["reasons"]}
    assert reasons == {("data.wet", "bad"): [3], ("source", "no"): [4]}


def test_an_answer_without_a_result_per_line_counts_nothing():
    lines = list(read_lines(jsonl(event(1), event(2)), LoadSummary()))
    summary = LoadSummary()
    one = [{"index": 0, "status": "accepted"}]
    assert not record_results(lines, {"results": one}, summary)
    assert not record_results(lines, {"results": [*one, *one]}, summary)
    assert not record_results(lines, {"errors": []}, summary)
    assert summary.lines == 0


def test_retry_after_is_read_as_seconds_or_a_date_and_bounded():
    now = datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC)
    assert retry_after_s("7") == 7.0
    assert retry_after_s("Mon, 02 Mar 2026 09:00:30 GMT", now) == 30.0
    assert retry_after_s("Mon, 02 Mar 2026 08:00:00 GMT", now) == 0.0
    assert retry_after_s("86400") == MAX_WAIT_S
    assert retry_after_s(None) == retry_after_s("soon") == 1.0


def test_the_summary_groups_reasons_and_keeps_the_first_line_numbers():
    summary = LoadSummary(accepted=10, duplicate=2)
    for number in range(1, 9):
        summary.reject(number, [("data.wet", "bad"), ("data.wet", "bad")])
    summary.reject(20, [("id", "conflict")])
    assert (summary.lines, summary.rejected, summary.exit_code) == (21, 9, 1)
    first = summary.to_dict()["reasons"][0]
    assert first == {"field": "data.wet", "reason": "bad", "count": 8, "lines": [1, 2, 3, 4, 5]}
    text = summary.render()
    assert "21 lines: 10 accepted, 2 duplicate, 9 rejected" in text
    assert "8 x data.wet: bad (line 1, 2, 3, 4, 5, ...)" in text
    assert LoadSummary(accepted=3).exit_code == 0
