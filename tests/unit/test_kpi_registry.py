"""One KPI, one module (issue 12 item 4): the registry, a fake KPI served through the reporting
app with a fake store, and the norms from the domain configuration beside the figures."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from fastapi import FastAPI

from services.reporting.access import ApiKeys
from services.reporting.app import create_app
from services.reporting.health import view_markers
from services.reporting.settings import Settings
from shared.core.domain import AtwCalendar
from shared.core.domain_config import DomainConfig, DomainConfigError, load_domain_config
from shared.core.kpi import registry
from shared.core.kpi.dated import counts_on
from shared.core.kpi.definition import (
    NO_CONTEXT,
    CellContext,
    CellSource,
    Figure,
    KpiDefinition,
    count,
)
from shared.core.kpi.open_over_termijn import OPEN_OVER_TERMIJN
from shared.platform.settings import DEFAULT_DOMAIN_CONFIG

DOMAIN = load_domain_config(DEFAULT_DOMAIN_CONFIG)
TODAY = date(2026, 4, 15)


# -- the registry -------------------------------------------------------------------------


def test_every_registered_kpi_has_its_definition_counters_and_figures() -> None:
    names = [kpi.name for kpi in registry.DEFINITIONS]
    assert len(names) == len(set(names))
    assert set(registry.SERVED) == set(names)
    assert set(registry.AVAILABLE) == set(names) - {OPEN_OVER_TERMIJN.name}
    for kpi in registry.DEFINITIONS:
        assert kpi.definitie == f"{kpi.name}/{kpi.version}" and kpi.summary, kpi.name
        assert kpi.basis in kpi.counts <= set(kpi.figure_docs), kpi.name
        if kpi.source.has_counters:
            assert kpi.figures is not None, kpi.name
            figures = kpi.figures({"n@20260301": "5"}, TODAY, CellContext())
            assert list(figures) == list(kpi.figure_docs), kpi.name
        assert (kpi.zaak_counters is not None) == (kpi.source is CellSource.ZAKEN), kpi.name
    assert [k.name for k in registry.ZAAK_KPIS] == [
        "doorlooptijd",
        "wachttijd",
        "sth-opgepakt",
        "sth-zonder-verwijzing",
        "bereik-ondersteuning",
    ]


def test_open_over_termijn_is_a_definition_computed_per_request() -> None:
    kpi = registry.SERVED["open-over-termijn"]
    assert kpi.source is CellSource.TERMIJNEN and kpi.figures is None
    assert kpi.definitie == "open-over-termijn/2"
    assert dict(kpi.parameters) == {"clock": "Only this clock."}


def test_a_definition_that_cannot_be_served_is_refused() -> None:
    with pytest.raises(ValueError, match="needs its figures function"):
        KpiDefinition("x", 1, "x", {"n": "n"}, frozenset({"n"}), "n")
    with pytest.raises(ValueError, match="basis"):
        KpiDefinition("x", 1, "x", {"n": "n"}, frozenset({"n"}), "m", figures=fake_figures)
    with pytest.raises(ValueError, match="zaak_counters"):
        KpiDefinition("x", 1, "x", {"n": "n"}, frozenset({"n"}), "n", figures=fake_figures)


# -- a fake KPI, registered and served ------------------------------------------------------


def fake_figures(
    fields: Mapping[str, str], peildatum: date, context: CellContext = NO_CONTEXT
) -> dict[str, Figure]:
    n = count(counts_on(fields, peildatum), "n")
    return {"n": n, "dubbel": 2 * n}


FAKE = KpiDefinition(
    name="fake-kpi",
    version=3,
    summary="A KPI that exists only in this test.",
    figure_docs={"n": "things", "dubbel": "twice the things"},
    counts=frozenset({"n"}),
    basis="n",
    figures=fake_figures,
    source=CellSource.VROEGSIGNAALZAKEN,  # counters, kept by a worker that is not the zaken one
)


class FakeFigureStore:
    def __init__(self, cells: Mapping[str, Mapping[str, str]]) -> None:
        self.cells = cells

    async def cell_names(self) -> set[str]:
        return set(self.cells)

    async def counters(self, cells: Sequence[str]) -> list[dict[str, str]]:
        return [dict(self.cells[c]) for c in cells]

    async def version(self, kpi: str, *, fresh: bool = False) -> str:
        return repr(sorted((n, sorted(f.items())) for n, f in self.cells.items()))

    async def cell_names_at(self, kpi: str) -> tuple[str | None, set[str]]:
        return None, await self.cell_names()  # no content sum: the version is walked

    async def counters_at(
        self, kpi: str, cells: Sequence[str]
    ) -> tuple[str | None, list[dict[str, str]], list[str | None]]:
        return None, await self.counters(cells), [None] * len(cells)


class EmptyTermijnStore:
    async def open_on(self, peildatum: date) -> list[tuple[str, str]]:
        return []

    async def zaken(self, zaak_ids: Sequence[str]) -> dict[str, Any]:
        return {}


class FakeReporting:
    """What the KPI route reads of services.reporting.wiring.Reporting."""

    def __init__(self, store: FakeFigureStore) -> None:
        self.store = store
        self.domain: DomainConfig = DOMAIN
        self.calendar = AtwCalendar(DOMAIN.gelijkgestelde_dagen)
        self.termijnen = EmptyTermijnStore()
        self.api_keys = ApiKeys({})  # no keys: every caller is publiek
        self.redis = None  # sign-in is off (no WIJKPULS_OIDC_ISSUER): no session is looked up
        self.views = view_markers(None, "", 6, 6, required=False)  # type: ignore[arg-type]

    async def current_date(self) -> date:
        return TODAY


CELLS = {
    "fake-kpi|wmo|Warande|2026-03": {"n@20260301": "7", "n@20260501": "9"},
    "fake-kpi|wmo|gemeente|2026-03": {"n@20260301": "2"},
    "doorlooptijd|wmo|Warande|2026-03": {"n@20260302": "6", "tijdig@20260302": "6"},
}


@pytest.fixture
def app() -> Iterator[FastAPI]:
    """create_app configures the root logger; put it back for the tests after this one."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    app = create_app(Settings())
    app.state.reporting = FakeReporting(FakeFigureStore(CELLS))  # no lifespan, no Redis
    yield app
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://reporting") as c:
        yield c


async def test_a_new_kpi_is_one_module_plus_its_registration(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert (await client.get("/api/v1/kpi/fake-kpi")).status_code == 404
    monkeypatch.setitem(registry.SERVED, FAKE.name, FAKE)
    answer = await client.get("/api/v1/kpi/fake-kpi", params={"periode": "2026-03"})
    assert answer.status_code == 200, answer.text
    # Disclosure control needs nothing of its own for a new KPI: the cautious reading of its
    # definition (every figure besides a count is computed from every count).
    assert answer.json() == {
        "kpi": "fake-kpi",
        "definitie": "fake-kpi/3",
        "peildatum": "2026-04-15",
        "cells": [
            {
                "wet": "wmo",
                "wijk": "Warande",
                "cbs_code": "WK079409",
                "periode": "2026-03",
                "n": 7,
                "dubbel": 14,
                "verborgen": {},
            },
            {
                "wet": "wmo",
                "wijk": "gemeente",
                "cbs_code": "GM0794",
                "periode": "2026-03",
                "n": "<5",
                "dubbel": None,
                "verborgen": {"n": "primair", "dubbel": "afgeleid"},
            },
        ],
        "normen": [],
        "weggelaten_perioden": [],
    }
    refused = await client.get("/api/v1/kpi/fake-kpi", params={"clock": "wmo-besluit"})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "clock"


# -- norms ------------------------------------------------------------------------------------


def test_the_default_norms_are_those_of_the_domain_contract() -> None:
    norms = {(n.kpi, n.figure): n for n in DOMAIN.norms}
    assert set(norms) == {
        ("doorlooptijd", "tijdig_pct"),
        ("sth-zonder-verwijzing", "pct"),
        ("sth-opgepakt", "n_binnen_norm"),
    }
    tijdig = norms["doorlooptijd", "tijdig_pct"]
    assert (tijdig.value, tijdig.comparison, tijdig.unit) == (80, ">=", "%")
    assert "Koers sociaal domein 2024-2028" in tijdig.source
    zonder = norms["sth-zonder-verwijzing", "pct"]
    assert (zonder.value, zonder.comparison, zonder.valid_from) == (80, ">=", date(2025, 1, 1))
    opgepakt = norms["sth-opgepakt", "n_binnen_norm"]
    assert (opgepakt.value, opgepakt.unit) == (10, "werkdagen")
    assert "contract norm 2022" in opgepakt.source
    # A norm never changes a figure: the norm day is the clock's; the two must say the same.
    clock = next(c for c in DOMAIN.clocks if c.id == "sth-opgepakt")
    assert (clock.term.amount, clock.term.unit) == (opgepakt.value, opgepakt.unit)
    assert registry.unknown_norms(DOMAIN) == []


def with_norm(tmp_path: Path, **changes: Any) -> Path:
    raw = yaml.safe_load(DEFAULT_DOMAIN_CONFIG.read_text(encoding="utf-8"))
    raw["norms"] = [{**raw["norms"][0], **changes}]
    path = tmp_path / "domain.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"comparison": "about"}, "norms.0.comparison"),
        ({"value": -1}, "norms.0.value"),
        ({"unit": "procent"}, "norms.0.unit"),
        ({"source": ""}, "norms.0.source"),
        ({"valid_from": "soon"}, "norms.0.valid_from"),
        ({"kpi": "Doorlooptijd!"}, "norms.0.kpi"),
        ({"remark": "typo"}, "norms.0.remark"),
    ],
)
def test_an_invalid_norm_is_refused_naming_the_field(
    tmp_path: Path, changes: dict[str, Any], named: str
) -> None:
    with pytest.raises(DomainConfigError, match=named.replace(".", r"\.")):
        load_domain_config(with_norm(tmp_path, **changes))


def test_a_norm_without_a_source_is_refused(tmp_path: Path) -> None:
    raw = yaml.safe_load(DEFAULT_DOMAIN_CONFIG.read_text(encoding="utf-8"))
    del raw["norms"][0]["source"]
    path = tmp_path / "domain.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(DomainConfigError, match=r"norms\.0\.source: Field required"):
        load_domain_config(path)


def test_a_norm_of_no_published_figure_is_named(tmp_path: Path) -> None:
    domain = load_domain_config(with_norm(tmp_path, figure="n_tijdig_typo"))
    assert registry.unknown_norms(domain) == [
        "norms.0.figure: 'n_tijdig_typo' is not a figure of doorlooptijd"
    ]
    domain = load_domain_config(with_norm(tmp_path, kpi="wachtlijst"))
    assert registry.unknown_norms(domain) == ["norms.0.kpi: 'wachtlijst' is not a KPI"]


async def test_the_answers_carry_the_norms_of_their_kpi(client: httpx.AsyncClient) -> None:
    doorlooptijd = (await client.get("/api/v1/kpi/doorlooptijd")).json()
    assert doorlooptijd["normen"] == [
        {
            "figure": "tijdig_pct",
            "value": 80,
            "comparison": ">=",
            "unit": "%",
            "source": next(n.source for n in DOMAIN.norms if n.kpi == "doorlooptijd"),
            "valid_from": None,
        }
    ]
    assert doorlooptijd["cells"][0]["tijdig_pct"] == 100.0  # beside, never instead of
    sth = (await client.get("/api/v1/kpi/sth-zonder-verwijzing")).json()
    assert [(n["figure"], n["valid_from"]) for n in sth["normen"]] == [("pct", "2025-01-01")]
    assert (await client.get("/api/v1/kpi/wachttijd")).json()["normen"] == []
    over = await client.get("/api/v1/kpi/open-over-termijn", params={"clock": "wmo-besluit"})
    assert over.status_code == 200, over.text
    assert over.json()["definitie"] == "open-over-termijn/2" and over.json()["normen"] == []


def test_the_api_document_describes_the_norms(app: FastAPI) -> None:
    document = app.openapi()
    answer = document["components"]["schemas"]["KpiAnswer"]["properties"]
    assert "normen" in answer
    norm = document["components"]["schemas"]["NormAnswer"]["properties"]
    assert set(norm) == {"figure", "value", "comparison", "unit", "source", "valid_from"}
    assert "Norms and targets" in document["paths"]["/api/v1/kpi/{kpi}"]["get"]["description"]
