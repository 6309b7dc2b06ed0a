"""The Redis layout of the wachtend list, shared by the KPI worker (writer) and the reporting
API (reader). The prefix is the Kafka topic prefix, as in ``figure_keys.py``.

- ``{p}wp:wachtend:zaak:{zaak}``: JSON of the zaak's wachtend spans (shared/core/kpi/wachtend.py):
  wet, wijk, grant date and the days it holds; no pseudonyms. Absent for a zaak that is
  wachtend on no day at all;
- ``{p}wp:wachtend:until``: sorted set of zaak ids, scored by the ordinal of the day the
  zaak's last span ends, or ``OPEN`` (shared/contract/alert_keys.py) while it runs: a zaak can be
  wachtend on peildatum P only if its score is above P's ordinal.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WachtendKeys:
    prefix: str = ""

    def zaak(self, zaak_id: str) -> str:
        return f"{self.prefix}wp:wachtend:zaak:{zaak_id}"

    @property
    def until(self) -> str:
        return f"{self.prefix}wp:wachtend:until"
