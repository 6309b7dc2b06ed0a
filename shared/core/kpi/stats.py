"""Exact KPI statistics over whole-day histograms (docs/domain.md#quantiles-and-shares).

Durations are whole days, so a histogram {days: count} holds a bucket's distribution exactly
in bounded memory, and quantiles computed from it are exact, not sketched.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from math import ceil


def nearest_rank(histogram: Mapping[int, int], p: float) -> int | None:
    """The p-quantile by nearest rank: the ceil(p*n)-th smallest value (median of 1..4 = 2)."""
    if not 0 < p <= 1:
        raise ValueError("p must be in (0, 1]")
    n = sum(histogram.values())
    if n == 0:
        return None
    rank = max(1, ceil(Decimal(str(p)) * n))
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value
    raise AssertionError("unreachable: rank <= n")


def percentage(numerator: int, n: int) -> float | None:
    """100 * numerator / n rounded half up to one decimal (Decimal: no binary surprises)."""
    if n == 0:
        return None
    value = (Decimal(100) * numerator / n).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return float(value)


def per_thousand(count: int, base: int | None) -> float | None:
    """1000 * count / base rounded half up to one decimal; None without a (non-zero) base."""
    if not base:
        return None
    value = (Decimal(1000) * count / base).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return float(value)
