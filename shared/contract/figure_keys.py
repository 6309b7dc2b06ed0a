"""The Redis layout of the live figures, shared by the KPI sink (writer) and reporting (reader).

- ``{p}wp:cell:{cell}``: hash of counters of one API cell (``kpi|wet|wijk|periode``), each
  dated ``<field>@<YYYYMMDD>`` (the day the change counts from, docs/kpis.md), e.g. ``n``,
  ``tijdig`` and one ``d<days>`` field per whole-day duration (an exact histogram);
- ``{p}wp:cells``: set of the cells that have any counter;
- ``{p}wp:cells:sum:{kpi}``: the KPI's content sum, the sum modulo 2^48 of
  ``int(sha1("{cell}\\0{field}\\0{value}")[:12], 16)`` over every counter of its cells,
  kept by the sink script in the same step as the counters and absent when it is 0 (no
  cells): a function of the cells' content alone, so replay and rebuild write the same, and
  reporting checks a cached answer against it with one GET (services/reporting/kpis/);
- ``{p}wp:contrib:{zaak}``: the contribution last applied for a zaak (canonical JSON);
- ``{p}wp:gewijzigd``: hash of cell -> when its figure last changed, RFC 3339 UTC with
  milliseconds (docs/kpis.md#gewijzigd); a cell no zaak counts in any more keeps its entry.
The prefix is the Kafka topic prefix, so an isolated test run has isolated figures.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FigureKeys:
    prefix: str = ""

    @property
    def cell_prefix(self) -> str:
        return f"{self.prefix}wp:cell:"

    @property
    def cells_index(self) -> str:
        return f"{self.prefix}wp:cells"

    @property
    def gewijzigd(self) -> str:
        return f"{self.prefix}wp:gewijzigd"

    def content_sum(self, kpi: str) -> str:
        """The sink script derives it from ``cells_index``: keep the two together."""
        return f"{self.cells_index}:sum:{kpi}"

    def cell(self, cell: str) -> str:
        return self.cell_prefix + cell

    def contribution(self, zaak_id: str) -> str:
        return f"{self.prefix}wp:contrib:{zaak_id}"
