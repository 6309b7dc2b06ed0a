"""The pure domain: Atw calendar, per-zaak facts and the legal clocks.

Nothing here imports Kafka, Redis or FastAPI: every service computes deadlines and lead times
with the same code, so a replay, an alert and a dashboard figure can never disagree.
"""

from shared.core.domain.calendar import AtwCalendar
from shared.core.domain.clock import clock_ends, compute_clock, compute_clocks
from shared.core.domain.clock_result import ClockResult, Step, StepKind
from shared.core.domain.fact import SINGLE_VALUED, Fact
from shared.core.domain.history import ZaakHistory

__all__ = [
    "SINGLE_VALUED",
    "AtwCalendar",
    "ClockResult",
    "Fact",
    "Step",
    "StepKind",
    "ZaakHistory",
    "clock_ends",
    "compute_clock",
    "compute_clocks",
]
