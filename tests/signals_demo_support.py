"""The demo vroegsignalering run through the real signals pipeline (vault + broker).

The same loader ``make run`` uses (demo/vroegsignalering_load.py): the demo's DDAS deliveries
as the signaalpartners send them, and the team's outreach calls through the service's own
functions, each event published with the service's acks=all publisher. Used by the export and
retention tests.
"""

from __future__ import annotations

from demo.vroegsignalering_load import load_demo

__all__ = ["load_demo"]
