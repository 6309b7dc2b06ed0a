"""The kept KPI answers' bounds (services/reporting/kpis/kept_answers.py): by count and bytes."""

from __future__ import annotations

from datetime import date

from services.reporting.kpis.kept_answers import Kept, KeptAnswers


def _kept(size: int) -> Kept:
    return Kept("sum:1", date(2026, 4, 15), [], b"x" * size, None)


def test_the_oldest_answers_go_first_past_the_count_or_the_bytes() -> None:
    answers = KeptAnswers(size=3, max_bytes=100)
    for n in range(4):
        answers.put(("publiek", "doorlooptijd", f"wet={n}".encode(), False), _kept(10))
    assert answers.get(("publiek", "doorlooptijd", b"wet=0", False)) is None
    assert answers.get(("publiek", "doorlooptijd", b"wet=3", False)) is not None
    answers.put(("publiek", "wachttijd", b"", False), _kept(90))  # 10 + 10 + 10 + 90 > 100
    assert answers.get(("publiek", "doorlooptijd", b"wet=1", False)) is None
    assert answers.get(("publiek", "doorlooptijd", b"wet=2", False)) is None
    assert answers.get(("publiek", "wachttijd", b"", False)) is not None
    answers.put(("publiek", "wachttijd", b"", False), _kept(95))  # replaced, counted once
    assert answers.get(("publiek", "doorlooptijd", b"wet=3", False)) is None
    assert answers.get(("publiek", "wachttijd", b"", False)) == _kept(95)
