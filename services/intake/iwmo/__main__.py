"""``python -m services.intake.iwmo rebuild-index``: drop the toewijzing view in Redis.

The running intakes notice that the view is gone at their next write (within a second) and
replay the events topic from the beginning; an intake that starts later builds it anyway.
"""

from __future__ import annotations

import argparse
import asyncio

from redis.asyncio import Redis

from services.intake.iwmo.toewijzingen import ToewijzingIndex
from services.intake.settings import get_settings


async def _rebuild() -> None:
    settings = get_settings()
    redis = Redis.from_url(settings.redis.url)
    try:
        await ToewijzingIndex(redis, settings.kafka.topic_prefix).clear()
    finally:
        await redis.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m services.intake.iwmo",
        description="Maintenance of the iWmo/iJw adapter. Settings come from the WIJKPULS_* "
        "environment (docs/settings.md).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "rebuild-index",
        help="drop the toewijzingnummer -> zaak view; the intakes rebuild it from the events topic",
    )
    parser.parse_args()
    asyncio.run(_rebuild())
    print("toewijzing index dropped; the running intakes rebuild it from the events topic")


if __name__ == "__main__":
    main()
