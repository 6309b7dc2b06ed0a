"""The STH half-year report's rows as CSV, XLSX and the HTML that the PDF is printed from.

The same rows (sth.py) in every format: CSV leaves a hidden figure empty and names it in
``verborgen`` (as the API's CSV does); XLSX keeps the API's JSON values (a number, ``"<5"``,
``"x"``, or an empty cell for a withheld share) with the same ``verborgen`` column; the HTML
is a printable A4 page in Dutch with the marks the monitor's report page uses.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from services.reporting.rapport.sth import COLUMNS, SECTIONS, TITLE, reasons
from shared.core.domain_config import GEMEENTE, ONBEKEND
from shared.platform.api_rules import CsvTable, to_csv

AANDACHTSWIJKEN = ("Helmond-West", "Binnenstad", "Helmond-Oost", "Helmond-Noord")
MARKS = {"primair": "<5", "complement": "x", "secundair": "x", "afgeleid": "·", "lopend": "…"}


def _field(column: str, kpi: str) -> str:
    if column == "teller":
        return next(s.teller for s in SECTIONS if s.kpi == kpi)
    return column


def _hidden(row: Mapping[str, Any], column: str) -> str | None:
    why: Mapping[str, str] = row["verborgen"]
    return why.get(_field(column, row["kpi"])) or why.get("periode")


def csv_body(rows: Sequence[Mapping[str, Any]]) -> str:
    flat = []
    for row in rows:
        out = dict(row)
        for column in ("n", "teller", "pct"):
            if _hidden(row, column):
                out[column] = None
        if row["vorig_verborgen"]:
            out["vorig_pct"] = None
        out["verborgen"] = reasons(row["verborgen"])
        out["vorig_verborgen"] = reasons(row["vorig_verborgen"])
        flat.append(out)
    return to_csv(CsvTable(COLUMNS, flat))


def xlsx_body(rows: Sequence[Mapping[str, Any]], info: Mapping[str, str]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = "STH-halfjaar"
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        values = []
        for column in COLUMNS:
            value = row[column]
            if column in ("verborgen", "vorig_verborgen"):
                value = reasons(value)
            values.append(value)
        sheet.append(values)
    sheet.freeze_panes = "A2"
    about = book.create_sheet("Verantwoording")
    for name, value in info.items():
        about.append([name, value])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _shown(row: Mapping[str, Any], column: str, percent: bool = False) -> str:
    why = _hidden(row, column)
    if why:
        return f'<span class="verborgen" title="{escape(why)}">{MARKS.get(why, "—")}</span>'
    value = row[column]
    if value is None:
        return "—"
    text = f"{value:,.1f}" if percent else f"{value:,}"
    text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"{text}%" if percent else text


def _before(row: Mapping[str, Any]) -> str:
    why = row["vorig_verborgen"].get("pct") or row["vorig_verborgen"].get("periode")
    if why:
        return f'<span class="verborgen">{MARKS.get(why, "—")}</span>'
    return _shown({**row, "verborgen": {}, "pct": row["vorig_pct"]}, "pct", percent=True)


def _wijk(wijk: str) -> str:
    if wijk == GEMEENTE:
        return "Hele gemeente"
    if wijk == ONBEKEND:
        return "Onbekende wijk"
    return f"◆ {escape(wijk)}" if wijk in AANDACHTSWIJKEN else escape(wijk)


CSS = """
@page { size: A4; margin: 14mm 12mm; }
body { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 9.5pt; color: #1a1a1a; }
h1 { font-size: 16pt; margin: 0 0 4pt; } h2 { font-size: 12pt; margin: 14pt 0 4pt; }
p { margin: 3pt 0; } table { border-collapse: collapse; width: 100%; margin-top: 4pt; }
th, td { border-bottom: 0.5pt solid #999; padding: 2pt 4pt; text-align: right; }
th:first-child, td:first-child { text-align: left; } thead th { border-bottom: 1pt solid #000; }
tr.totaal td, tr.totaal th { font-weight: bold; border-top: 1pt solid #000; }
section { break-inside: avoid; } .uitleg { font-size: 8.5pt; color: #333; }
"""


def html_page(
    rows: Sequence[Mapping[str, Any]], info: Mapping[str, str], halfjaar_tekst: str
) -> str:
    sections = []
    for section in SECTIONS:
        mine = [r for r in rows if r["kpi"] == section.kpi]
        norm = mine[0]["norm"] if mine else ""
        body = "".join(
            f'<tr class="{"totaal" if r["wijk"] == GEMEENTE else ""}">'
            f'<th scope="row">{_wijk(r["wijk"])}</th><td>{_shown(r, "n")}</td>'
            f"<td>{_shown(r, 'teller')}</td><td>{_shown(r, 'pct', percent=True)}</td>"
            f"<td>{_before(r)}</td><td>{escape(r['norm_gehaald'] or '—')}</td></tr>"
            for r in mine
        )
        sections.append(
            f"<section><h2>{escape(section.titel)}</h2><p>{escape(section.uitleg)}</p>"
            f"<p>Norm op het percentage: {escape(norm) if norm else 'geen'}.</p>"
            f"<table><thead><tr><th scope='col'>Wijk</th><th scope='col'>"
            f"{escape(section.n_naam)}</th><th scope='col'>{escape(section.teller_naam)}</th>"
            f"<th scope='col'>Percentage</th><th scope='col'>Vorig halfjaar</th>"
            f"<th scope='col'>Norm gehaald</th></tr></thead><tbody>{body}</tbody></table>"
            "</section>"
        )
    about = "".join(f"<p>{escape(k)}: {escape(v)}</p>" for k, v in info.items())
    return (
        '<!doctype html><html lang="nl"><head><meta charset="utf-8">'
        f"<title>{TITLE} {escape(halfjaar_tekst)}</title><style>{CSS}</style></head><body>"
        f"<h1>{TITLE} {escape(halfjaar_tekst)}</h1>{about}{''.join(sections)}"
        '<p class="uitleg">◆ = aandachtswijk (Koers sociaal domein 2024-2028). &lt;5: minder '
        "dan 5, niet getoond. x: verborgen omdat anders een klein aantal terug te rekenen is. "
        "·: niet getoond, berekend uit een verborgen aantal. …: lopende periode, zichtbaar na "
        "afloop. —: geen zaken of niet te berekenen.</p></body></html>"
    )
