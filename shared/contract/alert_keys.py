"""The Redis layout of deadlines and alerts, shared by the KPI worker (writer), the reporting
API and the webhook dispatcher (readers). The prefix is the Kafka topic prefix, as in
``figure_keys.py``, so an isolated test run has isolated keys.

- ``{p}wp:zaak:{zaak}``: JSON of the zaak's clock facts (no pseudonyms), wet and wijk, from
  which the reporting API computes due dates and their steps for any peildatum;
- ``{p}wp:clocks:open-until``: sorted set of ``{clock}|{zaak}``, scored by the ordinal of the
  clock's end (its stopping event, or the afgesloten/besluit that ended it), or ``OPEN`` while
  it has none: a clock can be open over termijn on peildatum P only if its score is above P's
  ordinal;
- ``{p}wp:alerts``: hash alert id -> the alert (JSON): a pushed alert's first version stays
  (a log); historisch entries are the zaak's current view, replaced as its facts arrive;
- ``{p}wp:alerts:by-datum``: sorted set of alert ids by the ordinal of the alert's ``datum``;
- ``{p}wp:webhook:{hook}:{alert}``: the dispatcher delivered this alert to this webhook;
- ``{p}wp:clock:today``: ISO date that replaces today in test and development only
  (``shared/platform/today.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

OPEN = 9_999_999
"""Score of a running clock: above the ordinal of every date (date.max is 3,652,059)."""


@dataclass(frozen=True)
class AlertKeys:
    prefix: str = ""

    def zaak(self, zaak_id: str) -> str:
        return f"{self.prefix}wp:zaak:{zaak_id}"

    @property
    def open_until(self) -> str:
        return f"{self.prefix}wp:clocks:open-until"

    @property
    def alerts(self) -> str:
        return f"{self.prefix}wp:alerts"

    @property
    def alerts_by_datum(self) -> str:
        return f"{self.prefix}wp:alerts:by-datum"

    def delivered(self, hook: str, alert_id: str) -> str:
        return f"{self.prefix}wp:webhook:{hook}:{alert_id}"

    @property
    def today_override(self) -> str:
        return f"{self.prefix}wp:clock:today"


def clock_member(clock_id: str, zaak_id: str) -> str:
    """Clock ids are slugs without ``|``, so the first ``|`` separates the two."""
    return f"{clock_id}|{zaak_id}"


def split_member(member: str) -> tuple[str, str]:
    clock_id, _, zaak_id = member.partition("|")
    return clock_id, zaak_id
