"""The Redis layout of the view markers: which partitions' part of the figures store is complete.

Redis holds only a view of the KPI workers' tables (docs/operations.md) and may lose it (a
restart without persistence, a FLUSHALL). A worker that has written the whole view of one of
its partitions sets that partition's marker; a lost store loses the markers with the figures,
so "every marker present" means "every partition's view is complete" (docs/reliability.md):

- ``{p}wp:view:{kind}:{partition}``: the view of this partition of the events topic
  (``kind`` ``events``) or the vroegsignalen topic (``vroegsignalen``) is complete; the value is
  the id of the rebuild that wrote it;
- ``{p}wp:view:rebuilding:{kind}:{partition}``: a worker is rebuilding that partition's view
  (the same id): a store lost during the rebuild loses this key too, so the worker knows
  its rebuild did not finish on the store it began on.

The prefix is the Kafka topic prefix, as in ``figure_keys.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

EVENTS = "events"
VROEGSIGNALEN = "vroegsignalen"
KINDS = (EVENTS, VROEGSIGNALEN)


@dataclass(frozen=True)
class ViewKeys:
    prefix: str = ""

    @property
    def all_pattern(self) -> str:
        """SCAN pattern of every marker key (tests leave them out of view comparisons)."""
        return f"{self.prefix}wp:view:*"

    def marker(self, kind: str, partition: int) -> str:
        return f"{self.prefix}wp:view:{kind}:{partition}"

    def rebuilding(self, kind: str, partition: int) -> str:
        return f"{self.prefix}wp:view:rebuilding:{kind}:{partition}"

    def markers(self, partitions: dict[str, int]) -> list[tuple[str, int, str]]:
        """(kind, partition, key) of every marker a complete view has, for the partition
        count of each kind (the events and vroegsignalen topics)."""
        return [(kind, p, self.marker(kind, p)) for kind in KINDS for p in range(partitions[kind])]


def missing(
    expected: Sequence[tuple[str, int, str]], present: Iterable[bool]
) -> list[tuple[str, int]]:
    """The (kind, partition) pairs of ``expected`` whose marker is not ``present``."""
    return [(kind, p) for (kind, p, _), found in zip(expected, present, strict=True) if not found]
