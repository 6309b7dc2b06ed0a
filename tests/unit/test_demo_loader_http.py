"""The loader's HTTP side against a fake intake: 202, 207, 401, 413, 422, 429, 503, no answer."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from services.intake import loader
from services.intake.load_batches import LoadSummary, batches, read_lines
from services.intake.loader import LoadError, Sender


def event(n: int, **data: Any) -> dict[str, Any]:
    return {"source": "urn:test", "id": f"id-{n}", "data": {"n": n, **data}}


def jsonl(*items: dict[str, Any]) -> list[bytes]:
    return [json.dumps(item).encode() + b"\n" for item in items]


class FakeIntake:
    """Answers like the intake: per item; 'bad' items and reused ids are rejected."""

    def __init__(self, fail_first: int = 0, max_batch: int = 1000, throttle: int = 0) -> None:
        self.fail_first, self.max_batch, self.throttle = fail_first, max_batch, throttle
        self.requests = 0
        self.published: dict[str, str] = {}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        if request.headers.get("authorization") != "Bearer k":
            return httpx.Response(401, json={"title": "Not authenticated", "detail": "key"})
        if self.requests <= self.fail_first:
            return httpx.Response(503, json={"title": "Broker unavailable", "detail": "retry"})
        if self.requests <= self.throttle:
            return httpx.Response(429, headers={"Retry-After": "2"}, json={"title": "Slow"})
        batch = json.loads(request.content)
        if len(batch) > self.max_batch:
            return httpx.Response(413, json={"title": "Batch too large"})
        results = [self._one(i, e) for i, e in enumerate(batch)]
        rejected = sum(r["status"] == "rejected" for r in results)
        status = 202 if not rejected else 422 if rejected == len(batch) else 207
        return httpx.Response(status, json={"results": results})

    def _one(self, index: int, item: dict[str, Any]) -> dict[str, Any]:
        if "bad" in item["data"]:
            errors = [{"field": "data.bad", "reason": "is bad"}]
            return {"index": index, "status": "rejected", "errors": errors}
        content, earlier = json.dumps(item), self.published.get(item["id"])
        if earlier is None:
            self.published[item["id"]] = content
            return {"index": index, "status": "accepted"}
        if earlier == content:
            return {"index": index, "status": "duplicate"}
        errors = [{"field": "id", "reason": "other content"}]
        return {"index": index, "status": "rejected", "errors": errors}


def run(
    fake: FakeIntake, items: list[Any], retries: int = 3, size: int = 500, key: str = "k"
) -> LoadSummary:
    summary = LoadSummary()
    transport = httpx.MockTransport(fake)
    auth = {"authorization": f"Bearer {key}"}
    with httpx.Client(base_url="http://intake", transport=transport, headers=auth) as client:
        sender = Sender(client, summary, retries)
        for batch in batches(read_lines(jsonl(*items), summary), size):
            sender.send(batch)
    return summary


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    slept: list[float] = []
    monkeypatch.setattr(loader.time, "sleep", slept.append)
    return slept


def test_rejected_items_are_counted_per_line_and_the_rest_is_published_once():
    fake = FakeIntake()
    fake.published["id-5"] = json.dumps(event(99))  # sent before with other content
    items = [event(1), event(2, bad=True), event(3), event(4, bad=True), event(5), event(1)]
    summary = run(fake, items)
    assert (summary.accepted, summary.duplicate, summary.rejected) == (2, 1, 3)
    reasons = {(r["field"], r["reason"]): r["lines"] for r in summary.to_dict()["reasons"]}
    assert reasons == {("data.bad", "is bad"): [2, 4], ("id", "other content"): [5]}
    assert set(fake.published) == {"id-1", "id-3", "id-5"}
    assert fake.requests == 2, "nothing is resent: the answer says what became of each line"


def test_a_batch_of_only_rejected_lines_is_counted_too():
    summary = run(FakeIntake(), [event(1, bad=True), event(2, bad=True)])
    assert (summary.accepted, summary.rejected) == (0, 2)


def test_a_rate_limit_is_waited_out_as_retry_after_says(no_sleep: list[float]):
    fake = FakeIntake(throttle=3)
    summary = run(fake, [event(1)], retries=0)
    assert summary.accepted == 1
    assert no_sleep == [2.0, 2.0, 2.0], "a 429 is no failure: it does not use up a retry"


def test_a_refused_key_stops_the_load():
    with pytest.raises(LoadError, match=r"401 Not authenticated.*WIJKPULS_LOADER_API_KEY"):
        run(FakeIntake(), [event(1)], key="wrong")


def test_a_batch_the_intake_finds_too_large_is_split():
    fake = FakeIntake(max_batch=3)
    summary = run(fake, [event(n) for n in range(10)], size=10)
    assert (summary.accepted, summary.rejected) == (10, 0)
    one = run(FakeIntake(max_batch=0), [event(1), event(2)])
    assert one.rejected == 2, "a single line the intake finds too large is rejected"


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
