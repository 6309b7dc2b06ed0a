"""The STH half-year report's rows, from the API's own answers (pure: answers in, rows out).

One row per STH KPI and wijk (the configured wijken, onbekend, gemeente): the count, its
numerator and the share of the half-year, the share of the half-year before, and the norm on
the share. Every figure is the controlled cell of ``GET /api/v1/kpi/{kpi}`` for the caller's
role, unchanged: a hidden figure keeps the API's value (``"<5"``, ``"x"``, null) and its
reason in ``verborgen`` (docs/domain.md#small-numbers). A cell the answer does not have is a
half-year without zaken (counts 0, no share); a half-year the answer left out
(``weggelaten_perioden``: publiek reads closed periodes only) has no figures and says
``lopend``. Beside the figures ``gewijzigd``: when the half-year's cell last changed, as the
API gives it (docs/kpis.md#gewijzigd; empty where the API withholds it or has no cell), so an
issued report keeps when each of its figures last changed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from shared.core.domain_config import GEMEENTE, ONBEKEND
from shared.core.kpi.periods import periode_bounds

WET = "sth"
TITLE = "STH-halfjaarrapportage"


@dataclass(frozen=True)
class Section:
    kpi: str
    titel: str
    uitleg: str
    teller: str  # the numerator field of the share
    n_naam: str
    teller_naam: str


SECTIONS = (
    Section(
        "sth-opgepakt",
        "STH: binnen 10 werkdagen opgepakt",
        "Van de hulpvragen aan de Sociale Teams Helmond in het halfjaar: het deel met een "
        "eerste contact (huisbezoek of gesprek) binnen 10 werkdagen. Een hulpvraag zonder "
        "contact telt als niet op tijd zodra de 10 werkdagen voorbij zijn.",
        "n_binnen_norm",
        "Hulpvragen",
        "Binnen 10 werkdagen opgepakt",
    ),
    Section(
        "sth-zonder-verwijzing",
        "STH: afgesloten zonder verwijzing",
        "Van de trajecten van de Sociale Teams Helmond die in het halfjaar zijn afgesloten: "
        "het deel dat is afgesloten zonder verwijzing naar specialistische zorg.",
        "n_zonder",
        "Afgesloten trajecten",
        "Zonder verwijzing",
    ),
)
COLUMNS = (
    "kpi", "wijk", "cbs_code", "halfjaar", "n", "teller", "pct", "verborgen", "gewijzigd",
    "vorig_halfjaar", "vorig_pct", "vorig_verborgen", "norm", "norm_gehaald",
)  # fmt: skip
LOPEND = "lopend"


def previous_half_year(halfjaar: str) -> str:
    year, half = halfjaar.split("-")
    return f"{int(year) - 1}-H2" if half == "H1" else f"{year}-H1"


def norm_text(norm: Mapping[str, Any]) -> str:
    words = {">=": "ten minste", ">": "meer dan", "<=": "ten hoogste", "<": "minder dan",
             "==": "precies"}  # fmt: skip
    unit = "%" if norm["unit"] == "%" else f" {norm['unit']}"
    value = f"{norm['value']:g}".replace(".", ",")
    return f"{words.get(norm['comparison'], norm['comparison'])} {value}{unit}"


def _met(norm: Mapping[str, Any], value: float) -> bool:
    target = float(norm["value"])
    return {
        ">=": value >= target, ">": value > target, "<=": value <= target,
        "<": value < target, "==": value == target,
    }[norm["comparison"]]  # fmt: skip


def _cell(answer: Mapping[str, Any], wijk: str, periode: str) -> Mapping[str, Any]:
    for cell in answer["cells"]:
        if cell["wet"] == WET and cell["wijk"] == wijk and cell["periode"] == periode:
            return cell  # type: ignore[no-any-return]
    return {}


def _figures(
    answer: Mapping[str, Any], wijk: str, periode: str, teller: str
) -> tuple[Any, Any, Any, dict[str, str]]:
    if periode in answer["weggelaten_perioden"]:
        return None, None, None, {"periode": LOPEND}
    cell = _cell(answer, wijk, periode)
    if cell:
        return cell["n"], cell[teller], cell["pct"], dict(cell.get("verborgen") or {})
    return 0, 0, None, {}


def rows(
    answers: Mapping[str, Mapping[str, Any]],
    halfjaar: str,
    wijken: Sequence[str],
    codes: Mapping[str, str],
) -> list[dict[str, Any]]:
    """The report's rows, in the order of SECTIONS and then ``wijken`` (configured order),
    onbekend and gemeente. ``answers``: per STH KPI the API's JSON answer holding the cells of
    ``halfjaar`` and the half-year before for wet sth."""
    before = previous_half_year(halfjaar)
    ends = periode_bounds(halfjaar)[1]
    out: list[dict[str, Any]] = []
    for section in SECTIONS:
        answer = answers[section.kpi]
        norm = next((n for n in answer["normen"] if n["figure"] == "pct"), None)
        applies = norm is not None and (
            norm["valid_from"] is None or date.fromisoformat(norm["valid_from"]) <= ends
        )
        for wijk in [*wijken, ONBEKEND, GEMEENTE]:
            n, teller, pct, hidden = _figures(answer, wijk, halfjaar, section.teller)
            _, _, before_pct, before_hidden = _figures(answer, wijk, before, section.teller)
            before_why = {k: v for k, v in before_hidden.items() if k in ("pct", "periode")}
            met = ""
            if applies and norm is not None and isinstance(pct, int | float):
                met = "ja" if _met(norm, pct) else "nee"
            out.append({
                "kpi": section.kpi, "wijk": wijk, "cbs_code": codes.get(wijk),
                "halfjaar": halfjaar, "n": n, "teller": teller, "pct": pct,
                "verborgen": hidden,
                "gewijzigd": _cell(answer, wijk, halfjaar).get("gewijzigd"),
                "vorig_halfjaar": before, "vorig_pct": before_pct,
                "vorig_verborgen": before_why,
                "norm": norm_text(norm) if applies and norm is not None else "",
                "norm_gehaald": met,
            })  # fmt: skip
    return out


def reasons(hidden: Mapping[str, str]) -> str:
    """``n=primair;pct=afgeleid``, as the API's CSV names hidden figures."""
    return ";".join(f"{field}={why}" for field, why in hidden.items())
