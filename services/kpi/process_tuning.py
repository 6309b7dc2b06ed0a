"""Two one-shot tasks that tune the worker's process once faust has started it.

Not the stream: the root logger's level and the garbage collector's thresholds, both a
cost per record that the output does not need (docs/performance.md).
"""

from __future__ import annotations

import gc
import logging

import faust

GC_THRESHOLDS = (50_000, 50, 100)
"""Generation thresholds of the garbage collector once the worker runs (CPython's: 700, 10,
10). A batch allocates many short-lived containers (facts, histories, clock results); with
the default the collector ran every few records and its full passes walked every object the
worker holds, a cost per event that grew with the stream (docs/performance.md)."""


async def _quiet_root_logger() -> None:
    """Lift the root logger to the level its handlers print from (``-l``).

    faust's worker sets the root logger to DEBUG for its startup spinner and leaves it there,
    so every debug call of aiokafka, faust and mode builds a log record that no handler
    prints: a few % of the worker's CPU. The output stays the same.
    """
    root = logging.getLogger()
    levels = [h.level for h in root.handlers if type(h).__name__ != "SpinnerHandler"]
    if levels and min(levels) > root.level:
        root.setLevel(min(levels))


async def _tune_gc() -> None:
    """Keep the startup objects (modules, settings, clients) out of every collection and
    collect less often: reference cycles are still collected, only in larger steps."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def register(app: faust.App) -> None:
    """Both tasks on the app, in this order (faust runs its tasks in the order given)."""
    app.task(_quiet_root_logger)
    app.task(_tune_gc)
