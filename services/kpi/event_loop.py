"""The worker's event loop, chosen before faust is imported.

faust picks its loop implementation while ``import faust`` runs (from ``-L`` or the
``FAUST_LOOP`` environment variable) and installs the loop policy then, so the choice must be
made before any module that imports faust. uvloop takes a large share off the worker's CPU
per event: faust hands each record through several tasks and futures (docs/performance.md).
"""

from __future__ import annotations

import os

from services.kpi.settings import get_settings


def choose_event_loop() -> str:
    """Tell faust the configured loop (``WIJKPULS_KPI_EVENT_LOOP``); returns it. A loop named
    on the command line (``-L``) or in ``FAUST_LOOP`` already wins, as faust documents."""
    return os.environ.setdefault("FAUST_LOOP", get_settings().kpi.event_loop)
