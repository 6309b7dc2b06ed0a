"""The intake loader's pure parts: reading lines, batching, error positions, the summary."""

from __future__ import annotations

import json
from typing import Any

from shared.demo.loading import (
    LoadSummary,
    batch_body,
    batches,
    problems_by_index,
    read_lines,
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


def test_error_positions_are_read_from_the_field_prefix():
    errors = [
        {"field": "[3].data.wet", "reason": "not a wet"},
        {"field": "[3].data.datum", "reason": "missing"},
        {"field": "[12].id", "reason": "conflict"},
        {"field": "[0].", "reason": "whole event"},
    ]
    assert problems_by_index(errors) == {
        3: [("data.wet", "not a wet"), ("data.datum", "missing")],
        12: [("id", "conflict")],
        0: [("", "whole event")],
    }
    assert problems_by_index([{"field": "(body)", "reason": "expected an array"}]) is None


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
