"""Statistical disclosure control (docs/domain.md#small-numbers): which counts and figures of a
KPI the controlled roles (``publiek``, ``beleid``) do not see, and why. Pure.

1. Primary: a count of 1..threshold-1 is hidden (``primair``, shown as "<5").
2. Derived: for a share the complement ``denominator - numerator`` is a count too; when it is
   1..threshold-1 the numerator (then at least the threshold) is hidden (``complement``).
   A figure computed from a hidden count (pct, median, p90, per_1000, ...) is withheld
   (``afgeleid``).
3. Secondary: over whole tables (shared/core/kpi/disclosure_secondary.py), further counts are
   hidden (``secundair``, shown as "x") until every hidden count has two integer values
   consistent with everything shown.

``disclose`` is the one entry point: every cell of one KPI at one peildatum in, per cell the
visible figures and a ``Verborgen`` marker out. It is deterministic and depends only on the
cells given, so the same counts always hide the same cells; give it every cell of the KPI for
the year(s) asked, never a filtered part, and filter its answer.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from shared.core.domain_config import GEMEENTE, ONBEKEND, DomainConfig
from shared.core.kpi.disclosure_secondary import COMPLEMENT, PRIMAIR, SECUNDAIR, TableGroup
from shared.core.kpi.disclosure_table import COLUMNS, Layout, column_of, periode_of

Reason = Literal["primair", "complement", "secundair", "afgeleid"]
AFGELEID: Reason = "afgeleid"
Figure = int | float | str | None
CellKey = tuple[str, str, str, str | None]
"""(wet, wijk, periode, clock or signaalpartner; None for a KPI without one)."""

__all__ = [
    "AFGELEID", "COMPLEMENT", "PRIMAIR", "SECUNDAIR", "CellKey", "Disclosed", "KpiDisclosure",
    "Protection", "Reason", "Share", "Verborgen", "cell_reasons", "disclose", "hidden_counts",
    "protect", "withheld_figures",
]  # fmt: skip


@dataclass(frozen=True)
class Share:
    """``numerator`` counts part of what ``denominator`` counts (``n_tijdig`` of ``n``)."""

    numerator: str
    denominator: str


@dataclass(frozen=True)
class KpiDisclosure:
    """What disclosure control needs to know of a KPI; the reporting layer registers one per
    KPI. Example (doorlooptijd)::

        KpiDisclosure(
            counts=("n", "n_tijdig"),
            shares=(Share("n_tijdig", "n"),),
            derived={"tijdig_pct": {"n", "n_tijdig"}, "median": {"n"}, "p90": {"n"}},
        )
    """

    counts: tuple[str, ...]
    """The count fields; each is a table of its own."""
    shares: tuple[Share, ...] = ()
    """Counts that are part of another count (with or without a published percentage)."""
    derived: Mapping[str, frozenset[str] | set[str]] = field(default_factory=dict)
    """Figure -> the counts it is computed from. A figure not listed here and not a count is
    taken to depend on every count."""
    parts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Count -> the numerators of its shares that add up to it in every cell (vroegsignalen:
    ``n`` = the signaalpartner counts): secondary suppression then only moves them together."""

    def __post_init__(self) -> None:
        counts = set(self.counts)
        if len(counts) != len(self.counts):
            raise ValueError("counts must be unique")
        numerators = [s.numerator for s in self.shares]
        if len(set(numerators)) != len(numerators):
            raise ValueError("a numerator may have one denominator")
        for share in self.shares:
            if {share.numerator, share.denominator} - counts:
                raise ValueError(f"share {share} must name two counts")
            if share.denominator in numerators or share.numerator == share.denominator:
                raise ValueError(f"share {share}: a denominator cannot be a numerator")
        for name, deps in self.derived.items():
            if name in counts or not set(deps) <= counts:
                raise ValueError(f"derived figure {name!r} must be computed from counts")
        for total, members in self.parts.items():
            if any((m, total) not in {(s.numerator, s.denominator) for s in self.shares}
                   for m in members):  # fmt: skip
                raise ValueError(f"the parts of {total!r} must be shares of it")


@dataclass(frozen=True)
class Verborgen:
    """The hidden counts and withheld figures of one cell, with the reason for each; the API
    emits it as ``{"verborgen": {"n_tijdig": "complement", "tijdig_pct": "afgeleid"}}``."""

    fields: Mapping[str, Reason]

    def as_json(self) -> dict[str, str]:
        return dict(self.fields)

    def __bool__(self) -> bool:
        return bool(self.fields)


@dataclass(frozen=True)
class Disclosed:
    figures: dict[str, Figure]
    """The figures a controlled role sees; hidden ones are left out."""
    verborgen: Verborgen


def cell_reasons(
    counts: Mapping[str, int], kpi: KpiDisclosure, threshold: int
) -> dict[str, Reason]:
    """Steps 1 and 2 for the counts of one cell: ``primair`` and ``complement``."""
    out: dict[str, Reason] = {f: PRIMAIR for f in kpi.counts if 1 <= counts.get(f, 0) < threshold}
    for share in kpi.shares:
        num, den = counts.get(share.numerator, 0), counts.get(share.denominator, 0)
        if share.numerator not in out and num >= threshold and 1 <= den - num < threshold:
            out[share.numerator] = COMPLEMENT
    return out


def withheld_figures(
    kpi: KpiDisclosure, figures: Iterable[str], hidden: Mapping[str, Reason]
) -> dict[str, Reason]:
    """Step 2: the figures (not counts) computed from a hidden count, each ``afgeleid``."""
    out: dict[str, Reason] = {}
    for name in figures:
        if name in kpi.counts or name in hidden:
            continue
        if any(dep in hidden for dep in kpi.derived.get(name, kpi.counts)):
            out[name] = AFGELEID
    return out


def disclose(
    cells: Mapping[CellKey, Mapping[str, Figure]], kpi: KpiDisclosure, domain: DomainConfig
) -> dict[CellKey, Disclosed]:
    """Every cell of one KPI at one peildatum -> what a controlled role sees of each."""
    counts = {
        key: {f: _count(figures.get(f)) for f in kpi.counts} for key, figures in cells.items()
    }
    hidden = hidden_counts(
        counts, kpi, wijken=domain.wijk_names, threshold=domain.small_numbers.threshold
    )
    out: dict[CellKey, Disclosed] = {}
    for key, figures in cells.items():
        reasons: dict[str, Reason] = dict(hidden[key])
        reasons.update(withheld_figures(kpi, figures, reasons))
        visible = {name: value for name, value in figures.items() if name not in reasons}
        out[key] = Disclosed(visible, Verborgen(reasons))
    return out


@dataclass(frozen=True)
class Protection:
    hidden: dict[CellKey, dict[str, Reason]]
    """Per cell given: its hidden counts and why."""
    unprotected: list[tuple[CellKey, str]]
    """Hidden counts (or ``denominator-numerator`` complements of 1..threshold-1) that no
    hiding gives two values once the shares' ties are taken into account: only in tables so
    sparse that the "<5" bounds themselves pin them. Their own tables still meet the per-table
    rule where hiding can. For the FG's residual-risk record."""


def hidden_counts(
    cells: Mapping[CellKey, Mapping[str, int]],
    kpi: KpiDisclosure,
    *,
    wijken: Sequence[str],
    threshold: int,
) -> dict[CellKey, dict[str, Reason]]:
    """Steps 1-3 for the counts of every cell given (``protect``'s ``hidden``)."""
    return protect(cells, kpi, wijken=wijken, threshold=threshold).hidden


def protect(
    cells: Mapping[CellKey, Mapping[str, int]],
    kpi: KpiDisclosure,
    *,
    wijken: Sequence[str],
    threshold: int,
    start: Mapping[CellKey, Mapping[str, Reason]] | None = None,
) -> Protection:
    """Steps 1-3 for the counts of every cell given; a cell not given counts 0.

    A table group is one wet, clock or signaalpartner and year; its rows are ``wijken`` in
    that order, any other wijk name met (sorted), ``onbekend`` and ``gemeente``. ``start``:
    counts to keep hidden (as ``secundair``) besides steps 1 and 2, e.g. an earlier answer's.
    """
    groups: dict[tuple[str, str | None, int], dict[tuple[str, int], CellKey]] = {}
    for key in cells:
        wet, wijk, periode, split = key
        year, column = column_of(periode)
        groups.setdefault((wet, split, year), {})[(wijk, column)] = key
    out: dict[CellKey, dict[str, Reason]] = {}
    unprotected: list[tuple[CellKey, str]] = []
    for (wet, split, year), members in groups.items():
        met = {wijk for wijk, _ in members} - {*wijken, ONBEKEND, GEMEENTE}
        layout = _layout((*wijken, *sorted(met), ONBEKEND))
        row = {name: i for i, name in enumerate(layout.rows)}
        real = {f: [0] * layout.positions for f in kpi.counts}
        status: dict[str, list[str | None]] = {f: [None] * layout.positions for f in kpi.counts}
        for (wijk, column), key in members.items():
            q = row[wijk] * COLUMNS + column
            for f in (start or {}).get(key, {}):
                status[f][q] = SECUNDAIR if cells[key].get(f, 0) else None
            for f, reason in cell_reasons(cells[key], kpi, threshold).items():
                status[f][q] = reason
            for f in kpi.counts:
                real[f][q] = cells[key].get(f, 0)
        shares = [(s.numerator, s.denominator) for s in kpi.shares]
        group = TableGroup(layout, kpi.counts, shares, real, status, threshold, kpi.parts)
        group.protect()
        for (wijk, column), key in members.items():
            q = row[wijk] * COLUMNS + column
            out[key] = {f: _reason(group.status[f][q]) for f in kpi.counts if group.status[f][q]}
        for name, q in group.unprotectable:
            wijk, periode = layout.rows[q // COLUMNS], periode_of(year, q % COLUMNS)
            unprotected.append(
                (members.get((wijk, q % COLUMNS), (wet, wijk, periode, split)), name)
            )
    return Protection(out, unprotected)


@functools.lru_cache(maxsize=32)
def _layout(parts: tuple[str, ...]) -> Layout:
    return Layout.of(parts)


def _reason(status: str | None) -> Reason:
    if status == PRIMAIR:
        return PRIMAIR
    if status == COMPLEMENT:
        return COMPLEMENT
    return SECUNDAIR


def _count(value: Figure) -> int:
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"a count must be an integer, not {value!r}")
    return int(value)
