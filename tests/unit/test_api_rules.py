"""The paging helper and the NL API Design Rules middleware (shared/platform/api_rules.py)."""

from __future__ import annotations

import importlib

import httpx
import pytest
from fastapi import FastAPI
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.platform.api_rules import (
    CsvTable,
    decode_cursor,
    encode_cursor,
    install_api_rules,
    page_of,
    to_csv,
)
from shared.platform.problems import ProblemError, install_problem_handlers

Item = tuple[int, str]
items = st.sets(st.tuples(st.integers(0, 20), st.text("abc", min_size=1, max_size=3)))


def key(item: Item) -> tuple[int, str]:
    return item


@settings(max_examples=300, deadline=None)
@given(
    start=items,
    changes=st.lists(st.tuples(items, items), max_size=8),
    limit=st.integers(1, 5),
    descending=st.booleans(),
)
def test_paging_under_inserts_and_deletes_never_repeats_or_skips(
    start: set[Item],
    changes: list[tuple[set[Item], set[Item]]],
    limit: int,
    descending: bool,
) -> None:
    current, served, cursor = set(start), list[Item](), None
    removed: set[Item] = set()
    steps = iter(changes)
    while True:
        after = decode_cursor(cursor, (int, str))
        page = page_of(current, key, limit, after, descending=descending)
        assert page.total == len(current) and len(page.items) <= limit
        served += page.items
        if page.next_key is None:
            break
        cursor = encode_cursor(page.next_key)
        inserted, deleted = next(steps, (set(), set()))
        current = (current | inserted) - deleted
        removed |= deleted
    throughout = (start & current) - removed
    assert len(served) == len(set(served)), "an item was served twice"
    assert throughout <= set(served), "an item present throughout was skipped"
    assert served == sorted(served, reverse=descending)


def test_the_last_page_has_no_next_and_an_exact_fit_too() -> None:
    page = page_of(range(4), lambda i: (i,), 2)
    assert (page.items, page.next_key) == ([0, 1], (1,))
    last = page_of(range(4), lambda i: (i,), 2, (1,))
    assert (last.items, last.next_key, last.total) == ([2, 3], None, 4)
    assert page_of([], lambda i: (i,), 2).next_key is None


def test_cursors_are_opaque_and_checked() -> None:
    cursor = encode_cursor((-3, 1.5, "2026-03-01", "zaak/é"))
    assert "=" not in cursor and "/" not in cursor and "+" not in cursor
    assert decode_cursor(cursor, (int, float, str, str)) == (-3, 1.5, "2026-03-01", "zaak/é")
    for bad, shape in [
        ("%%%", (int,)),
        (encode_cursor(("x",)), (int,)),
        (encode_cursor((1, 2)), (int,)),
        (encode_cursor((True,)), (int,)),
        ("e30", (int,)),  # {}
    ]:
        try:
            decode_cursor(bad, shape)
        except ProblemError as refused:
            assert refused.status_code == 422 and refused.errors
            assert refused.errors[0]["field"] == "cursor"
        else:
            raise AssertionError(bad)


def test_csv_is_rfc_4180_with_markers_in_their_own_column() -> None:
    rows = [{"wijk": 'Mierlo-Hout, "\'t Hout"', "n": None, "verborgen": "<5", "ok": True}]
    text = to_csv(CsvTable(("wijk", "n", "verborgen", "ok"), rows))
    assert text == 'wijk,n,verborgen,ok\r\n"Mierlo-Hout, ""\'t Hout""",,<5,true\r\n'


async def test_every_answer_carries_the_version_and_problems_their_instance() -> None:
    app = FastAPI(version="1.2.3")

    @app.get("/api/v1/ok")
    async def ok() -> dict[str, str]:
        return {"ok": "yes"}

    @app.get("/api/v1/refused")
    async def refused() -> None:
        raise ProblemError(422, "invalid-request", "Invalid request", "see errors")

    @app.get("/api/v1/fails")
    async def fails() -> None:
        raise RuntimeError("boom")

    install_problem_handlers(app)
    install_api_rules(app)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        await check(client)


async def check(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/v1/ok")).headers["API-Version"] == "1.2.3"
    answer = await client.get("/api/v1/refused?bsn=123456782")
    assert answer.headers["API-Version"] == "1.2.3"
    assert answer.json()["instance"] == "/api/v1/refused"
    assert "123456782" not in answer.text
    missing = await client.get("/nergens")
    assert (missing.status_code, missing.headers["API-Version"]) == (404, "1.2.3")
    assert missing.json()["instance"] == "/nergens"
    failed = await client.get("/api/v1/fails")
    assert (failed.status_code, failed.headers["API-Version"]) == (500, "1.2.3")
    assert failed.headers["content-type"] == "application/problem+json"
    assert failed.json()["instance"] == "/api/v1/fails"
    assert (await client.get("/api/v1/openapi.json")).json() == (
        await client.get("/openapi.json")
    ).json()


@pytest.mark.parametrize("service", ["intake", "reporting", "signals"])
async def test_each_service_installs_the_rules(service: str) -> None:
    app = importlib.import_module(f"services.{service}.app").create_app()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        missing = await client.get("/api/v1/nergens?naam=Jansen")
        assert (missing.status_code, missing.headers["API-Version"]) == (404, "1.0.0")
        assert missing.json()["instance"] == "/api/v1/nergens" and "Jansen" not in missing.text
        document = await client.get("/api/v1/openapi.json")
        assert document.headers["API-Version"] == document.json()["info"]["version"] == "1.0.0"
