"""The STH half-year report (``GET /api/v1/rapport/sth/{halfjaar}``) on a real Redis holding
two generated years: its JSON, CSV and XLSX cells equal the API's own answers for the role
(disclosure control included), and its PDF, printed by headless chromium on the server, is a
valid PDF holding the report's title."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import date
from typing import Any

import httpx
import pytest
from fixtures.demo_figures import demo_figures
from fixtures.root_logging import kept_root_logging
from openpyxl import load_workbook
from pypdf import PdfReader

from demo import DemoOptions
from services.reporting.app import create_app
from services.reporting.settings import ReportingSettings, Settings
from shared.platform.settings import KafkaSettings, RedisSettings

pytestmark = pytest.mark.integration

TODAY = date(2027, 1, 10)
HALFJAAR, BEFORE = "2026-H2", "2026-H1"
BELEID = {"X-API-Key": "rapport-beleid-key-0123456789"}
TELLER = {"sth-opgepakt": "n_binnen_norm", "sth-zonder-verwijzing": "n_zonder"}
URL = f"/api/v1/rapport/sth/{HALFJAAR}"


@pytest.fixture(scope="module")
def prefix(redis_url: str) -> Iterator[str]:
    options = DemoOptions(start=date(2025, 1, 1), months=24, seed=11, today=TODAY, scale=0.1)
    with demo_figures(redis_url, options, f"r{uuid.uuid4().hex[:8]}.") as name:
        yield name


@pytest.fixture
async def client(redis_url: str, prefix: str) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(
        kafka=KafkaSettings(topic_prefix=prefix),
        redis=RedisSettings(url=redis_url),
        reporting=ReportingSettings(api_keys={BELEID["X-API-Key"]: "beleid"}),
    )
    with kept_root_logging():
        app = create_app(settings, today=lambda: TODAY)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://r") as c:
                yield c


async def api_cells(client: httpx.AsyncClient, kpi: str, periode: str, **kw: Any) -> dict:
    got = await client.get(f"/api/v1/kpi/{kpi}", params={"periode": periode, "wet": "sth"}, **kw)
    assert got.status_code == 200
    return {c["wijk"]: c for c in got.json()["cells"]}


async def api_csv(client: httpx.AsyncClient, kpi: str, periode: str) -> dict:
    got = await client.get(
        f"/api/v1/kpi/{kpi}", params={"periode": periode, "wet": "sth", "format": "csv"},
        headers=BELEID,
    )  # fmt: skip
    return {r["wijk"]: r for r in csv.DictReader(io.StringIO(got.text))}


async def test_the_report_cells_equal_the_api_answer_in_json_csv_and_xlsx(
    client: httpx.AsyncClient,
) -> None:
    report = (await client.get(URL, headers=BELEID)).json()
    assert report["rol"] == "beleid" and report["halfjaar"] == HALFJAAR
    rows = report["rijen"]
    assert len(rows) == 2 * 14  # two KPIs x (12 wijken, onbekend, gemeente)
    hidden = dated = 0
    for kpi, teller in TELLER.items():
        now, before = (
            await api_cells(client, kpi, HALFJAAR, headers=BELEID),
            await api_cells(client, kpi, BEFORE, headers=BELEID),
        )
        for row in (r for r in rows if r["kpi"] == kpi):
            cell = now.get(row["wijk"])
            if cell is None:  # no zaken: 0, no share
                assert (row["n"], row["teller"], row["pct"]) == (0, 0, None)
                continue
            assert (row["n"], row["teller"], row["pct"]) == (cell["n"], cell[teller], cell["pct"])
            assert row["verborgen"] == cell["verborgen"]
            assert row["gewijzigd"] == cell.get("gewijzigd")  # withheld where hidden
            dated += row["gewijzigd"] is not None
            hidden += bool(cell["verborgen"])
            was = before.get(row["wijk"])
            assert row["vorig_pct"] == (was["pct"] if was else None)
    assert hidden > 0, "the report holds hidden figures to compare"
    assert dated > 0, "the report holds when shown figures last changed"
    norm = next(r for r in rows if r["kpi"] == "sth-zonder-verwijzing")["norm"]
    assert norm == "ten minste 80%"

    as_csv = await client.get(URL, params={"format": "csv"}, headers=BELEID)
    assert as_csv.headers["content-type"].startswith("text/csv")
    csv_rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    for kpi, teller in TELLER.items():
        api = await api_csv(client, kpi, HALFJAAR)
        for row in (r for r in csv_rows if r["kpi"] == kpi and r["wijk"] in api):
            theirs = api[row["wijk"]]
            assert (row["n"], row["teller"], row["pct"], row["verborgen"]) == (
                theirs["n"], theirs[teller], theirs["pct"], theirs["verborgen"]
            )  # fmt: skip

    as_xlsx = await client.get(URL, headers={**BELEID, "Accept": "application/vnd."
                               "openxmlformats-officedocument.spreadsheetml.sheet"})  # fmt: skip
    sheet = load_workbook(io.BytesIO(as_xlsx.content))["STH-halfjaar"]
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == report["kolommen"]
    for got, row in zip(values[1:], rows, strict=True):
        mine = dict(zip(report["kolommen"], got, strict=True))
        assert (mine["wijk"], mine["n"], mine["teller"], mine["pct"]) == (
            row["wijk"], row["n"], row["teller"], row["pct"]
        )  # fmt: skip
        reasons = ";".join(f"{k}={v}" for k, v in row["verborgen"].items())
        assert (mine["verborgen"] or "") == reasons


async def test_the_pdf_is_printed_by_the_server_and_publiek_gets_no_running_half_year(
    client: httpx.AsyncClient,
) -> None:
    pdf = await client.get(URL, params={"format": "pdf"})
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "STH-halfjaarrapportage 2e halfjaar 2026" in text
    assert "Hele gemeente" in text and "Stiphout" in text

    running = (await client.get("/api/v1/rapport/sth/2027-H1")).json()
    assert running["rol"] == "publiek"
    assert {tuple(sorted(r["verborgen"].items())) for r in running["rijen"]} == {
        (("periode", "lopend"),)
    }
    assert all(r["n"] is None for r in running["rijen"])
    refused = await client.get("/api/v1/rapport/sth/2026-03")
    assert refused.status_code == 422
