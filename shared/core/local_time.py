"""Dates as the gemeente lives them: Europe/Amsterdam, the one time zone of every rule.

Business dates in events are local dates; a Kafka timestamp or "now" becomes one here. The
test and development override of today lives in shared/platform/today.py, on top of this.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def amsterdam_today() -> date:
    return datetime.now(AMSTERDAM).date()


def amsterdam_date(timestamp_s: float) -> date:
    """The local date of a Unix timestamp (a Kafka record's, in seconds)."""
    return datetime.fromtimestamp(timestamp_s, UTC).astimezone(AMSTERDAM).date()
