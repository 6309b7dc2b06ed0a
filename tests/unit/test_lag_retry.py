"""The lag tool asks again on a retriable broker answer and gives up on any other."""

from __future__ import annotations

import pytest
from kafka.errors import CoordinatorNotAvailableError, GroupAuthorizationFailedError

from services.kpi.operations import lag
from services.kpi.settings import KpiSettings
from shared.platform.settings import KafkaSettings

ANSWER = lag.GroupLag("g", "t", "Stable", [lag.PartitionLag(0, 10, 10)], {})


def test_a_coordinator_still_loading_is_asked_again(monkeypatch: pytest.MonkeyPatch):
    answers: list[object] = [CoordinatorNotAvailableError(), CoordinatorNotAvailableError(), ANSWER]

    def once(kafka: KafkaSettings, kpi: KpiSettings) -> lag.GroupLag:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        assert isinstance(answer, lag.GroupLag)
        return answer

    monkeypatch.setattr(lag, "_measure_once", once)
    monkeypatch.setattr(lag.time, "sleep", lambda s: None)
    assert lag.measure(KafkaSettings(), KpiSettings()) is ANSWER
    assert answers == []


def test_a_refusal_is_the_answer_at_once(monkeypatch: pytest.MonkeyPatch):
    calls: list[int] = []

    def once(kafka: KafkaSettings, kpi: KpiSettings) -> lag.GroupLag:
        calls.append(1)
        raise GroupAuthorizationFailedError()

    monkeypatch.setattr(lag, "_measure_once", once)
    with pytest.raises(GroupAuthorizationFailedError):
        lag.measure(KafkaSettings(), KpiSettings())
    assert len(calls) == 1


def test_a_retriable_answer_that_lasts_is_raised_after_the_deadline(
    monkeypatch: pytest.MonkeyPatch,
):
    calls: list[int] = []

    def once(kafka: KafkaSettings, kpi: KpiSettings) -> lag.GroupLag:
        calls.append(1)
        raise CoordinatorNotAvailableError()

    monkeypatch.setattr(lag, "_measure_once", once)
    with pytest.raises(CoordinatorNotAvailableError):
        lag.measure(KafkaSettings(), KpiSettings(), retry_s=0.3)
    assert len(calls) >= 1
