"""Today in Europe/Amsterdam, or in test and development a date set in Redis.

Live alerts depend on the date, and a test cannot wait weeks for a due date. In the
environments ``test`` and ``development`` the key ``{p}wp:clock:today`` (alert_keys.py), when
set, replaces today for the KPI worker's alert clock and for the reporting API's default
peildatum, so both move together. Production never reads the key.

``python -m shared.platform.today {show,set YYYY-MM-DD,clear}`` sets it for a local run.
The worker's clock only moves forward: setting an earlier date does not take back alerts.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Sequence
from datetime import date

from redis.asyncio import Redis

from shared.contract.alert_keys import AlertKeys
from shared.core.local_time import amsterdam_today
from shared.platform.settings import Environment, ServiceSettings

OVERRIDABLE = frozenset({Environment.DEVELOPMENT, Environment.TEST})


class Today:
    """An async source of today's date for one service: the wall clock in Europe/Amsterdam,
    or in test and development the date set in Redis (every service reads the same key)."""

    def __init__(
        self,
        redis: Redis | None,
        keys: AlertKeys,
        environment: Environment,
        wall: Callable[[], date] = amsterdam_today,
    ) -> None:
        self._redis = redis if environment in OVERRIDABLE else None
        self._key = keys.today_override
        self._wall = wall

    async def __call__(self) -> date:
        if self._redis is not None:
            raw = await self._redis.get(self._key)
            if raw:
                return date.fromisoformat(raw.decode() if isinstance(raw, bytes) else str(raw))
        return self._wall()


async def _run(command: str, day: date | None) -> str:
    settings = ServiceSettings()
    if settings.app.environment not in OVERRIDABLE:
        raise SystemExit("the date can only be set in the test and development environments")
    keys = AlertKeys(settings.kafka.topic_prefix)
    redis = Redis.from_url(settings.redis.url, decode_responses=True)
    try:
        if command == "set" and day is not None:
            await redis.set(keys.today_override, day.isoformat())
        elif command == "clear":
            await redis.delete(keys.today_override)
        current = await Today(redis, keys, settings.app.environment)()
    finally:
        await redis.aclose()
    return f"today is {current.isoformat()}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m shared.platform.today",
        description="Show, set or clear the date that replaces today for the KPI worker's "
        "alerts and the reporting API, in the test and development environments only.",
    )
    parser.add_argument("command", choices=("show", "set", "clear"))
    parser.add_argument("date", nargs="?", type=date.fromisoformat, help="YYYY-MM-DD for set")
    args = parser.parse_args(argv)
    if args.command == "set" and args.date is None:
        parser.error("set needs a date, e.g. 2026-05-01")
    print(asyncio.run(_run(args.command, args.date)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
