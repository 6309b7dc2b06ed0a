"""The record layout of the vroegsignalen topic: keys, partitions, frozen contributions (pure).

The topic is compacted (shared/contract/topics.py) so that retention can remove single records:

- every event record has its own key, ``<huishouden>:<vroegsignaalzaak_id>:<event id>``, so
  compaction keeps all of them until a tombstone for exactly that key arrives. (With the
  household as the key, compaction would keep only a household's last record.)
- the *partition* is still chosen from the household alone, with the producer's default
  murmur2 rule, so a household's records stay in one partition, in order, and the KPI table
  keyed by household stays co-partitioned with the topic;
- when a vroegsignaalzaak passes retention, its final contribution to the figures is written
  as a frozen record, key ``bevroren:<vroegsignaalzaak_id>``, in the household's partition
  *before* the tombstones of its events: a consumer reading the partition in order sees the
  events (until compaction removes them), then the frozen figures, then the tombstones.
  The frozen value holds cells, dated field names and counts: no pseudonym.

docs/operations.md (Vroegsignalering retention) has the reasoning.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from aiokafka.partitioner import murmur2

from shared.core.kpi.contribution import Contribution

FROZEN_PREFIX = "bevroren:"
_SEP = ":"


def record_key(huishouden: str, vroegsignaalzaak_id: str, event_id: str) -> str:
    """The record key of one vroegsignaal event; the household and event id hold no ``:``."""
    if _SEP in huishouden or _SEP in event_id:
        raise ValueError("a household pseudonym or event id with ':' cannot be keyed")
    return _SEP.join((huishouden, vroegsignaalzaak_id, event_id))


@dataclass(frozen=True)
class RecordOwner:
    huishouden: str
    vroegsignaalzaak_id: str


def record_owner(key: bytes | None) -> RecordOwner | None:
    """Whose record a key names (for a tombstone, which has no value to read it from)."""
    if key is None:
        return None
    text = key.decode("utf-8", errors="replace")
    huishouden, _, rest = text.partition(_SEP)
    zaak, _, event_id = rest.rpartition(_SEP)
    if not (huishouden and zaak and event_id) or text.startswith(FROZEN_PREFIX):
        return None
    return RecordOwner(huishouden, zaak)


def frozen_key(vroegsignaalzaak_id: str) -> str:
    return FROZEN_PREFIX + vroegsignaalzaak_id


def is_frozen_key(key: bytes | None) -> bool:
    return key is not None and key.startswith(FROZEN_PREFIX.encode())


def household_partition(huishouden: str, partitions: Sequence[int]) -> int:
    """The partition the producer's default partitioner gives a record keyed by the household."""
    ordered = sorted(partitions)
    hashed = int(murmur2(huishouden.encode("utf-8")))
    return ordered[(hashed & 0x7FFFFFFF) % len(ordered)]


@dataclass(frozen=True)
class FrozenContribution:
    vroegsignaalzaak_id: str
    contribution: Contribution


class NotAFrozenContribution(ValueError):
    pass


def frozen_value(frozen: FrozenContribution) -> bytes:
    """Canonical JSON, so writing the same zaak twice writes the same bytes."""
    entries = sorted([c, f, n] for (c, f), n in frozen.contribution.items() if n)
    body = {"vroegsignaalzaak_id": frozen.vroegsignaalzaak_id, "bijdrage": entries}
    return json.dumps(body, separators=(",", ":"), sort_keys=True).encode("utf-8")


def parse_frozen(key: bytes, value: bytes) -> FrozenContribution:
    try:
        body = json.loads(value)
        zaak = body["vroegsignaalzaak_id"]
        entries = {(str(c), str(f)): int(n) for c, f, n in body["bijdrage"]}
    except (ValueError, KeyError, TypeError) as exc:
        raise NotAFrozenContribution(f"not a frozen contribution: {type(exc).__name__}") from None
    if not isinstance(zaak, str) or key != frozen_key(zaak).encode("utf-8"):
        raise NotAFrozenContribution("frozen record key does not name its vroegsignaalzaak")
    return FrozenContribution(zaak, entries)
