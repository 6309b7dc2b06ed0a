"""The answer to a request, from what became of each of its events (no HTTP objects here).

Each event is accepted, a duplicate (its source + id was published before, or earlier in the
same request) or rejected with the field and reason. The request's status follows:
202 when none was rejected, 207 when some were and others not, and a problem when all were:
403, 409 or 422 when they were all refused for that one reason, else 422. A rejected item
never repeats anything the sender sent, not even its id: its position says which it was.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Any

from shared.contract.events import CloudEvent, Problem
from shared.platform.problems import PROBLEM_BASE, PROBLEM_JSON

JSON = "application/json"


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"


class Refusal(Enum):
    """Why an item was rejected: the status, problem type and title when all items were."""

    INVALID = (422, "invalid-event", "Invalid CloudEvent")
    NOT_ALLOWED = (403, "not-allowed", "Not allowed for this client")
    CONFLICT = (409, "conflicting-duplicate", "Conflicting duplicate")


MIXED = (422, "rejected", "Every event was rejected")
CONFLICT_PROBLEM = Problem(
    field="id",
    reason="this source sent an event with this id and other content",
    type="conflicting_duplicate",
)


@dataclass(frozen=True)
class ItemResult:
    index: int
    outcome: Outcome
    event: CloudEvent | None = None
    refusal: Refusal | None = None
    errors: tuple[Problem, ...] = ()

    @classmethod
    def rejected(cls, index: int, refusal: Refusal, errors: Sequence[Problem]) -> ItemResult:
        return cls(index, Outcome.REJECTED, refusal=refusal, errors=tuple(errors))

    def to_dict(self) -> dict[str, Any]:
        item: dict[str, Any] = {"index": self.index, "status": self.outcome.value}
        if self.event is not None:
            item |= {"id": self.event.id, "source": self.event.source, "type": self.event.type}
        if self.errors:
            item["errors"] = [dict(e) for e in self.errors]
        return item


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]
    media_type: str = JSON


def answer(results: Sequence[ItemResult], *, batch: bool) -> Answer:
    counts = Counter(r.outcome for r in results)
    rejected = [r for r in results if r.outcome is Outcome.REJECTED]
    if rejected and len(rejected) == len(results):
        return _all_rejected(rejected, batch=batch)
    if not batch:
        item = results[0].to_dict()
        return Answer(202, {k: item[k] for k in ("id", "source", "type", "status")})
    body = {
        "accepted": counts[Outcome.ACCEPTED],
        "duplicate": counts[Outcome.DUPLICATE],
        "rejected": counts[Outcome.REJECTED],
        "results": [r.to_dict() for r in results],
    }
    return Answer(207 if rejected else 202, body)


def _all_rejected(rejected: Sequence[ItemResult], *, batch: bool) -> Answer:
    refusals = {r.refusal for r in rejected}
    only = refusals.pop() if len(refusals) == 1 else None
    status, slug, title = only.value if only is not None else MIXED
    errors = [
        {**e, "field": f"[{r.index}].{e['field']}" if batch else e["field"]}
        for r in rejected
        for e in r.errors
    ]
    nothing = "nothing was published"
    detail = f"{len(rejected)} event(s) rejected; {nothing}" if batch else f"see errors; {nothing}"
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
        "errors": errors,
    }
    if batch:
        body |= {"accepted": 0, "duplicate": 0, "rejected": len(rejected)}
        body["results"] = [r.to_dict() for r in rejected]
    return Answer(status, body, PROBLEM_JSON)
