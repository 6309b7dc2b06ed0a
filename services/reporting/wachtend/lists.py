"""The wachtend list and its counts on a peildatum, from the worker's span documents.

Pure: documents (shared/contract/wachtend_keys.py) in, rows and counts out. The rule itself was
evaluated by the worker (shared/core/kpi/wachtend.py) on every day it can change; here the span
that covers the peildatum is picked and the age is counted up to the peildatum.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from shared.core.domain_config import GEMEENTE
from shared.core.kpi.wachtend import Span, on


@dataclass(frozen=True)
class Wachtend:
    zaak_id: str
    wet: str
    wijk: str
    sinds: date
    grond: str
    dagen: int

    def row(self) -> dict[str, Any]:
        return {
            "zaak_id": self.zaak_id,
            "wet": self.wet,
            "wijk": self.wijk,
            "sinds": self.sinds.isoformat(),
            "grond": self.grond,
            "dagen": self.dagen,
        }


def wachtend_on(
    documents: Iterable[Mapping[str, Any]],
    peildatum: date,
    wet: str | None = None,
    wijk: str | None = None,
) -> list[Wachtend]:
    """The zaken wachtend on the peildatum, longest waiting first; ``wijk`` gemeente: all."""
    found = []
    for document in documents:
        wacht = on([Span.from_dict(s) for s in document["spans"]], peildatum)
        if wacht is None or (wet and wacht.wet != wet):
            continue
        if wijk and wijk != GEMEENTE and wacht.wijk != wijk:
            continue
        found.append(
            Wachtend(
                document["zaak_id"],
                wacht.wet,
                wacht.wijk,
                wacht.sinds,
                wacht.grond,
                wacht.dagen_op(peildatum),
            )
        )
    found.sort(key=lambda w: (-w.dagen, w.zaak_id))
    return found


def counts(rows: Iterable[Wachtend], wijk: str | None = None) -> Counter[tuple[str, str]]:
    """(wet, wijk) -> zaken; each zaak counts in its wijk and in gemeente, as in every cell.

    With a ``wijk`` filter only that wijk's counts are given (gemeente: only gemeente's).
    """
    counted: Counter[tuple[str, str]] = Counter()
    for row in rows:
        for where in (row.wijk, GEMEENTE):
            if wijk is None or where == wijk:
                counted[row.wet, where] += 1
    return counted
