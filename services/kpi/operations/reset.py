"""``python -m services.kpi.operations.reset``: forget everything the KPI workers derived, for a
replay.

With every worker of the group stopped, this deletes

- the consumer group (its committed offsets), so the next worker reads the events topic from
  the start (``consumer_auto_offset_reset="earliest"``);
- the worker's own topics: each table's changelog, the alert-ticks topic and faust's leader
  topic, so the zaken table is rebuilt from the events, not restored from its changelog;
- the local table state (``<data dir>/v<N>/``) of each ``--data-dir`` given: a RocksDB
  store left behind would outlive its changelog and keep the old state;
- the Redis view of this prefix: first the view markers (shared/contract/view_keys.py), so
  the reporting answers 503 "figures rebuilding" from then on and until the replayed workers
  have written the view again and caught up with the events topic (services/kpi/view/
  healer.py), never a half-deleted or half-replayed view; then the figure cells, their index
  and their ``gewijzigd``, the per-zaak contributions, the termijnen documents and the
  open-until index, the wachtend documents and their until-index, and the alert feed.

It keeps the webhook dispatcher's delivery marks (``wp:webhook:*``): a replay publishes the
same alerts again, with the same ids, and the marks are what keeps a receiver from hearing
them twice. It keeps the test/development date (``wp:clock:today``), the events, alerts and
dead-letter topics, the dispatcher's consumer groups and the intake's dedup keys.

It stops nothing itself: it refuses while the group has members (a worker killed with
SIGKILL stays a member until its session times out; ``--wait`` waits for that). See
docs/operations.md.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from kafka.errors import KafkaError
from redis.asyncio import Redis
from redis.exceptions import RedisError

from services.kpi.settings import KpiSettings
from shared.contract.alert_keys import AlertKeys
from shared.contract.figure_keys import FigureKeys
from shared.contract.wachtend_keys import WachtendKeys
from shared.platform.kafka_admin import admin_client
from shared.platform.settings import KafkaSettings, RedisSettings

TABLES = ("zaken", "applied-offsets", "vroegsignaalzaken")
"""The names of the worker's tables (services/kpi/tables.py); a unit test keeps them equal."""

TICKS_SUFFIX = "alert-ticks"  # services/kpi/topics.py
LEADER_SUFFIX = "__assignor-__leader"  # faust's LeaderAssignor
_VERSION_DIR = re.compile(r"^v[0-9]+$")
_DELETE_BATCH = 500


def group_id(kafka: KafkaSettings, kpi: KpiSettings) -> str:
    """The faust app id, which is the consumer group of the KPI workers."""
    return f"{kafka.topic_prefix}{kpi.app_id}"


def state_topics(group: str) -> list[str]:
    """The topics faust and the worker create for themselves, named after the app id."""
    return [
        *(f"{group}-{table}-changelog" for table in TABLES),
        f"{group}-{TICKS_SUFFIX}",
        f"{group}-{LEADER_SUFFIX}",
    ]


def _glob_escape(text: str) -> str:
    return re.sub(r"([\\*?\[\]])", r"\\\1", text)


@dataclass(frozen=True)
class ViewPart:
    """A part of the Redis view: a name for the operator and its keys (exact or glob)."""

    name: str
    exact: tuple[str, ...] = ()
    globs: tuple[str, ...] = ()


def view_parts(prefix: str) -> list[ViewPart]:
    figures, alerts, wachtend = FigureKeys(prefix), AlertKeys(prefix), WachtendKeys(prefix)
    p = _glob_escape(prefix)
    return [
        ViewPart("view markers", globs=(f"{p}wp:view:*",)),  # first: 503 from here on
        ViewPart("figure cells", (figures.cells_index, figures.gewijzigd), (f"{p}wp:cell:*",)),
        ViewPart("content sums", globs=(f"{p}wp:cells:sum:*",)),  # figure_keys.py
        ViewPart("contributions", globs=(f"{p}wp:contrib:*",)),
        ViewPart("termijnen", (alerts.open_until,), (f"{p}wp:zaak:*",)),
        ViewPart("wachtend", (wachtend.until,), (f"{p}wp:wachtend:zaak:*",)),
        ViewPart("alert feed", (alerts.alerts, alerts.alerts_by_datum)),
    ]


def kept_parts(prefix: str) -> list[ViewPart]:
    p = _glob_escape(prefix)
    return [
        ViewPart("webhook delivery marks", globs=(f"{p}wp:webhook:*",)),
        ViewPart("test/development date", (AlertKeys(prefix).today_override,)),
    ]


def table_dirs(data_dir: Path) -> list[Path]:
    """faust's versioned app dirs (``v1``, ...) under a worker's data dir."""
    if not data_dir.is_dir():
        return []
    return sorted(d for d in data_dir.iterdir() if d.is_dir() and _VERSION_DIR.match(d.name))


# --- Kafka -------------------------------------------------------------------------------


@dataclass
class GroupState:
    state: str
    members: list[str] = field(default_factory=list)
    offsets: int = 0  # partitions with a committed offset

    @property
    def exists(self) -> bool:
        return self.state not in ("Dead", "")

    @property
    def busy(self) -> bool:
        return bool(self.members)


def describe_group(admin: Any, group: str) -> GroupState:
    described = admin.describe_groups([group]).get(group, {})
    members = [
        f"{m.get('client_id', '?')}@{m.get('client_host', '?')}"
        for m in described.get("members", [])
    ]
    offsets = admin.list_group_offsets(group).get(group, {})
    return GroupState(str(described.get("group_state", "")), members, len(offsets))


def wait_for_empty_group(admin: Any, group: str, wait_s: float) -> GroupState:
    deadline = time.monotonic() + wait_s
    state = describe_group(admin, group)
    while state.busy and time.monotonic() < deadline:
        time.sleep(2.0)
        state = describe_group(admin, group)
    return state


def existing(admin: Any, names: Sequence[str]) -> list[str]:
    present = set(admin.list_topics())
    return [n for n in names if n in present]


def delete_topics(admin: Any, names: Sequence[str], timeout_s: float = 60.0) -> None:
    """Delete the topics and wait until the broker no longer lists them (a worker started
    right after must create them anew, not find them half deleted)."""
    if not names:
        return
    result = admin.delete_topics(list(names), raise_errors=False)
    failed = [
        f"{t.get('name')}: error {t.get('error_code')}"
        for t in result.get("topics", [])
        if t.get("error_code") not in (0, 3)  # 3: already gone
    ]
    if failed:
        raise KafkaError(f"cannot delete topics: {'; '.join(failed)}")
    deadline = time.monotonic() + timeout_s
    while existing(admin, names):
        if time.monotonic() > deadline:
            raise KafkaError(f"topics still listed {timeout_s:.0f} s after deletion: {names}")
        time.sleep(0.5)


# --- Redis -------------------------------------------------------------------------------


async def _keys(redis: Redis, part: ViewPart) -> list[bytes]:
    found: list[bytes] = []
    if part.exact:
        exists = await asyncio.gather(*(redis.exists(k) for k in part.exact))
        found += [k.encode() for k, n in zip(part.exact, exists, strict=True) if n]
    for pattern in part.globs:
        found += [k async for k in redis.scan_iter(match=pattern, count=2000)]
    return found


async def count_parts(url: str, parts: Sequence[ViewPart]) -> dict[str, int]:
    redis = Redis.from_url(url)
    try:
        return {part.name: len(await _keys(redis, part)) for part in parts}
    finally:
        await redis.aclose()


async def delete_parts(url: str, parts: Sequence[ViewPart]) -> dict[str, int]:
    redis = Redis.from_url(url)
    deleted: dict[str, int] = {}
    try:
        for part in parts:
            keys = await _keys(redis, part)
            for start in range(0, len(keys), _DELETE_BATCH):
                await redis.unlink(*keys[start : start + _DELETE_BATCH])
            deleted[part.name] = len(keys)
    finally:
        await redis.aclose()
    return deleted


# --- the command -------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m services.kpi.operations.reset",
        description="Reset the KPI workers for a full replay of the events topic: delete "
        "their consumer group, their changelog and tick topics, their local table state and "
        "the Redis view of the prefix (figures, contributions, termijnen, wachtend, alert "
        "feed). Keeps the webhook delivery marks, so a replay notifies no receiver again. "
        "Stop every worker of the group first. Settings come from the WIJKPULS_* environment "
        "(docs/settings.md); see docs/operations.md.",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="only show what would be deleted and kept"
    )
    parser.add_argument("--yes", action="store_true", help="do it without asking")
    parser.add_argument(
        "--data-dir",
        action="append",
        type=Path,
        metavar="DIR",
        help="a worker's WIJKPULS_KPI_DATA_DIR whose table state to delete; repeat for each "
        "worker on this host (default: the configured one). Workers on other hosts: run "
        "the command there with --skip-kafka --skip-redis, or delete <dir>/v1 by hand",
    )
    parser.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="wait this long for the group to lose its members (a killed worker stays a "
        "member until its session times out); default 0: refuse at once",
    )
    parser.add_argument("--skip-kafka", action="store_true", help="leave group and topics")
    parser.add_argument("--skip-redis", action="store_true", help="leave the Redis view")
    parser.add_argument("--bootstrap-servers", help="override WIJKPULS_KAFKA_BOOTSTRAP_SERVERS")
    parser.add_argument("--topic-prefix", help="override WIJKPULS_KAFKA_TOPIC_PREFIX")
    parser.add_argument("--app-id", help="override WIJKPULS_KPI_APP_ID")
    parser.add_argument("--redis-url", help="override WIJKPULS_REDIS_URL")
    return parser


def _safe_url(url: str) -> str:
    """The URL without its password, for printing."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def _confirm(group: str) -> bool:
    if not sys.stdin.isatty():
        print("refusing without --yes (stdin is not a terminal)", file=sys.stderr)
        return False
    answer = input(f"type the group name ({group}) to reset it: ")
    return answer.strip() == group


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    kafka = KafkaSettings(
        **{
            k: v
            for k, v in (
                ("bootstrap_servers", args.bootstrap_servers),
                ("topic_prefix", args.topic_prefix),
            )
            if v is not None
        }
    )
    kpi = KpiSettings(**({"app_id": args.app_id} if args.app_id else {}))
    redis_url = args.redis_url or RedisSettings().url
    group = group_id(kafka, kpi)
    data_dirs: list[Path] = args.data_dir or [kpi.data_dir]
    prefix = kafka.topic_prefix
    dry = args.dry_run
    verb = "would delete" if dry else "will delete"
    print(f"KPI worker group {group!r}, topic prefix {prefix!r}, Redis {_safe_url(redis_url)}")

    state = GroupState("")
    try:
        topics: list[str] = []
        if not args.skip_kafka:
            with admin_client(kafka) as admin:
                state = wait_for_empty_group(admin, group, 0 if dry else args.wait)
                if state.busy:
                    busy = (
                        f"group {group} has {len(state.members)} member(s) "
                        f"({', '.join(state.members)}); stop every worker first (a killed "
                        "worker leaves after its session timeout: use --wait)"
                    )
                    if not dry:
                        print(f"refused: {busy}", file=sys.stderr)
                        return 2
                    print(f"  note: {busy}")
                topics = existing(admin, state_topics(group))
        dirs = [d for data_dir in data_dirs for d in table_dirs(data_dir)]
        view = {} if args.skip_redis else asyncio.run(count_parts(redis_url, view_parts(prefix)))
        kept = {} if args.skip_redis else asyncio.run(count_parts(redis_url, kept_parts(prefix)))

        if not args.skip_kafka:
            if state.exists:
                print(f"  {verb} consumer group {group} ({state.state}, committed offsets "
                      f"on {state.offsets} partitions)")  # fmt: skip
            else:
                print(f"  consumer group {group}: none (nothing committed)")
            for topic in topics:
                print(f"  {verb} topic {topic}")
            if not topics:
                print("  state topics: none")
        for d in dirs:
            print(f"  {verb} local table state {d}")
        if not dirs:
            shown = ", ".join(str(d) for d in data_dirs)
            print(f"  local table state: none under {shown}")
        for name, n in view.items():
            print(f"  {verb} Redis {name}: {n} keys")
        for name, n in kept.items():
            print(f"  keeping Redis {name}: {n} keys")
        if dry:
            print("dry run: nothing deleted")
            return 0
        if not args.yes and not _confirm(group):
            return 1

        if not args.skip_kafka:
            with admin_client(kafka) as admin:
                if describe_group(admin, group).busy:
                    print(f"refused: a worker joined {group} meanwhile", file=sys.stderr)
                    return 2
                if state.exists:
                    outcome = admin.delete_groups([group]).get(group)
                    if outcome not in ("OK", "GroupIdNotFoundError"):
                        raise KafkaError(f"cannot delete group {group}: {outcome}")
                delete_topics(admin, topics)
        for d in dirs:
            shutil.rmtree(d)
        if not args.skip_redis:
            asyncio.run(delete_parts(redis_url, view_parts(prefix)))
    except (KafkaError, RedisError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print("done: deleted; start the workers, they replay the events topic from the start")
    return 0


if __name__ == "__main__":
    sys.exit(main())
