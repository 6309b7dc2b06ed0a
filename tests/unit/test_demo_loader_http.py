"""The intake loader's HTTP side against a fake intake: 202, 409, 413, 422, 503, no answer."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from services.intake import loader
from services.intake.loader import LoadError, Sender
from shared.demo.loading import LoadSummary, batches, read_lines


def event(n: int, **data: Any) -> dict[str, Any]:
    return {"source": "urn:test", "id": f"id-{n}", "data": {"n": n, **data}}


def jsonl(*items: dict[str, Any]) -> list[bytes]:
    return [json.dumps(item).encode() + b"\n" for item in items]


class FakeIntake:
    """Answers like the intake: a batch is validated whole; 'bad' items give a 422."""

    def __init__(self, fail_first: int = 0, max_batch: int = 1000) -> None:
        self.fail_first, self.max_batch, self.requests = fail_first, max_batch, 0
        self.published: dict[str, str] = {}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        if self.requests <= self.fail_first:
            return httpx.Response(503, json={"title": "Broker unavailable", "detail": "retry"})
        batch = json.loads(request.content)
        if len(batch) > self.max_batch:
            return httpx.Response(413, json={"title": "Batch too large"})
        errors = [
            {"field": f"[{i}].data.bad", "reason": "is bad"}
            for i, e in enumerate(batch)
            if "bad" in e["data"]
        ]
        if errors:
            return httpx.Response(422, json={"errors": errors})
        conflicts = [
            {"field": f"[{i}].id", "reason": "other content"}
            for i, e in enumerate(batch)
            if self.published.get(e["id"], json.dumps(e)) != json.dumps(e)
        ]
        if conflicts:
            return httpx.Response(409, json={"errors": conflicts})
        new = [e for e in batch if e["id"] not in self.published]
        self.published.update((e["id"], json.dumps(e)) for e in new)
        return httpx.Response(202, json={"accepted": len(new), "duplicate": len(batch) - len(new)})


def run(fake: FakeIntake, items: list[Any], retries: int = 3, size: int = 500) -> LoadSummary:
    summary = LoadSummary()
    with httpx.Client(base_url="http://intake", transport=httpx.MockTransport(fake)) as client:
        sender = Sender(client, summary, retries)
        for batch in batches(read_lines(jsonl(*items), summary), size):
            sender.send(batch)
    return summary


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    slept: list[float] = []
    monkeypatch.setattr(loader.time, "sleep", slept.append)
    return slept


def test_invalid_and_conflicting_items_are_rejected_and_the_rest_resent():
    fake = FakeIntake()
    fake.published["id-5"] = json.dumps(event(99))  # sent before with other content
    items = [event(1), event(2, bad=True), event(3), event(4, bad=True), event(5), event(1)]
    summary = run(fake, items)
    assert (summary.accepted, summary.duplicate, summary.rejected) == (2, 1, 3)
    reasons = {(r["field"], r["reason"]): r["lines"] for r in summary.to_dict()["reasons"]}
    assert reasons == {("data.bad", "is bad"): [2, 4], ("id", "other content"): [5]}
    assert set(fake.published) == {"id-1", "id-3", "id-5"}


def test_a_batch_the_intake_finds_too_large_is_split():
    fake = FakeIntake(max_batch=3)
    summary = run(fake, [event(n) for n in range(10)], size=10)
    assert (summary.accepted, summary.rejected) == (10, 0)


def test_unavailable_intake_is_retried_with_backoff_then_given_up(no_sleep: list[float]):
    summary = run(FakeIntake(fail_first=2), [event(1)])
    assert summary.accepted == 1 and no_sleep == [0.5, 1.0]
    with pytest.raises(LoadError, match=r"lines 1-1: intake unavailable after 4 attempts \(503"):
        run(FakeIntake(fail_first=99), [event(1)])

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(LoadError, match="ConnectError"):
        run(refuse, [event(1)])  # type: ignore[arg-type]


def test_usage_errors_exit_2_and_help_names_the_exit_codes(tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:
        loader.main([str(tmp_path / "missing.jsonl")])
    assert exited.value.code == 2
    with pytest.raises(SystemExit):
        loader.main(["--help"])
    assert "1 some lines rejected" in " ".join(capsys.readouterr().out.split())
