"""The intake's answer from the per-event results: 202, 207, or a problem when all failed."""

from __future__ import annotations

import uuid

from pydantic import SecretStr

from services.intake.results import (
    CONFLICT_PROBLEM,
    ItemResult,
    Outcome,
    Refusal,
    answer,
)
from shared.contract.events import CloudEvent, Problem, accept_at_edge
from shared.core.pseudonym import Pseudonymiser
from shared.platform.settings import get_domain_config

SOURCE = "urn:nld:oin:00000001002220647000:systeem:wmo-zaaksysteem"
WET = Problem(field="data.wet", reason="is not a wet", type="enum")
SOURCE_REFUSED = Problem(field="source", reason="not yours", type="source_not_allowed")


def event() -> CloudEvent:
    raw = {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": SOURCE,
        "type": "nl.helmond.sociaaldomein.zaak.besloten",
        "time": "2026-03-02T09:15:00+01:00",
        "data": {"zaak_id": "Z-1", "datum": "2026-03-02", "uitkomst": "toegekend"},
    }
    return accept_at_edge(raw, get_domain_config(), Pseudonymiser(SecretStr("k"), "v1"))


def accepted(index: int) -> ItemResult:
    return ItemResult(index, Outcome.ACCEPTED, event())


def test_a_batch_without_rejections_is_202_with_a_result_per_event():
    first, again = accepted(0), ItemResult(1, Outcome.DUPLICATE, event())
    reply = answer([first, again], batch=True)
    assert reply.status == 202 and reply.media_type == "application/json"
    assert (reply.body["accepted"], reply.body["duplicate"], reply.body["rejected"]) == (1, 1, 0)
    assert reply.body["results"][0] == {
        "index": 0,
        "status": "accepted",
        "id": first.event.id,  # type: ignore[union-attr]
        "source": SOURCE,
        "type": "nl.helmond.sociaaldomein.zaak.besloten",
    }
    assert answer([], batch=True).status == 202


def test_a_batch_with_some_rejected_is_207_and_a_rejection_echoes_nothing():
    reply = answer(
        [accepted(0), ItemResult.rejected(1, Refusal.INVALID, [WET]), accepted(2)], batch=True
    )
    assert reply.status == 207
    assert (reply.body["accepted"], reply.body["rejected"]) == (2, 1)
    assert reply.body["results"][1] == {"index": 1, "status": "rejected", "errors": [dict(WET)]}


def test_all_rejected_is_a_problem_whose_status_is_the_common_reason():
    invalid = ItemResult.rejected(0, Refusal.INVALID, [WET])
    refused = ItemResult.rejected(1, Refusal.NOT_ALLOWED, [SOURCE_REFUSED])
    conflict = ItemResult.rejected(2, Refusal.CONFLICT, [CONFLICT_PROBLEM])
    assert answer([refused], batch=True).status == 403
    assert answer([conflict], batch=True).status == 409
    mixed = answer([invalid, refused, conflict], batch=True)
    assert (mixed.status, mixed.media_type) == (422, "application/problem+json")
    assert mixed.body["title"] == "Every event was rejected"
    assert [e["field"] for e in mixed.body["errors"]] == ["[0].data.wet", "[1].source", "[2].id"]
    assert [r["index"] for r in mixed.body["results"]] == [0, 1, 2]
    assert mixed.body["rejected"] == 3


def test_a_single_event_keeps_its_short_answers():
    ok = answer([accepted(0)], batch=False)
    assert ok.status == 202 and set(ok.body) == {"id", "source", "type", "status"}
    bad = answer([ItemResult.rejected(0, Refusal.INVALID, [WET])], batch=False)
    assert bad.status == 422 and bad.body["errors"] == [dict(WET)]
    assert "results" not in bad.body
    refused = answer([ItemResult.rejected(0, Refusal.NOT_ALLOWED, [SOURCE_REFUSED])], batch=False)
    assert refused.status == 403 and refused.body["type"].endswith("/not-allowed")
