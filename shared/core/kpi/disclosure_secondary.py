"""Secondary suppression (docs/domain.md#small-numbers, step 3) of one table group: the count
fields of one KPI, wet, clock or signaalpartner and year, each field one table
(shared/core/kpi/disclosure_table.py).

What a reader knows of a cell is a box: a visible count is its value, an absent one 0, "<5"
(``primair``) is 1..threshold-1, "x" (``secundair``) and a numerator hidden for its
complement are at least the threshold. A share ties two tables cell by cell: its complement
``denominator - numerator`` is a count too, and the reader knows a box for it as well
(1..threshold-1 behind ``complement``; otherwise it is not 1..threshold-1, since that would
have hidden the numerator).

Exactness. For one table the tables consistent with everything shown are the integer
circulations of the layout's network within the boxes. The true table is one. Any other differs
from it by an integer circulation of the residual network (arc forward while below its upper
bound, backward while above its lower bound), which splits into cycles. So a hidden cell can
take a second integer value exactly when its arc lies on a residual cycle that does not use
the arc itself in the other direction; that is a reachability question, answered exactly
without an LP. (Equivalently: the tie matrix of two laminar families is totally unimodular,
so LP bounds would equal the integer bounds; the cycle test needs neither.)

Share fields are tied beyond their own tables. A certificate is then a move of several fields
along one cycle: a numerator with its complement against it (the denominator stays), a
numerator with its denominator (its complement stays, the other complements of that
denominator move), the denominator with all its complements, or the denominator with all its
numerators. Every such move keeps everything shown, so a cell certified by one has two values:
the check is sound. It may miss a combined move, which only hides more. Where numerators add
up to their denominator in every cell (``parts``: the signaalpartner counts of vroegsignalen
to ``n``), only the moves that keep that sum are used: the denominator with exactly one of
its parts, and a numerator outside the parts against its complement.

Choice. Every uncertified hidden count (and every complement of 1..threshold-1) is taken in
order: the fields in the order the KPI lists them, then the complements in the order of its
shares; within one, by position (row-major: the configured wijk order, onbekend, gemeente; in
a row months 1-12, H1, H2, year). For it the search finds the cycle that needs the visible
non-zero cells of the smallest total value hidden ("the smallest visible non-zero part
first"); among equal totals the one whose cells have the smallest sum of ranks (rank = position
times the number of fields plus the field's index, so earlier wijken, then earlier months
first); remaining ties go to the first found (Dijkstra, cells expanded in position order).
Those cells become ``secundair``. A hide only widens boxes, so a certified cell stays
certified; passes in that order repeat until one hides nothing (the second, as a rule).
A cell no cycle can protect (the "<5" bounds around it pin it, e.g. four months of 1 under a
year of 4) gets the cheapest cycle of its own table alone (the per-table rule, blind to the
share's ties) where there is one, and is listed in ``unprotectable``.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from shared.core.kpi.disclosure_table import Layout

PRIMAIR: Final = "primair"
COMPLEMENT: Final = "complement"
SECUNDAIR: Final = "secundair"
INF = 1 << 62

Status = str | None
"""None for a visible count, else the reason it is hidden."""
Move = tuple[str, int]
"""(field or complement key, +1 or -1): how a field changes along a cycle."""


def complement_key(numerator: str, denominator: str) -> str:
    return f"{denominator}-{numerator}"


def patterns(
    counts: Sequence[str],
    shares: Sequence[tuple[str, str]],
    parts: Mapping[str, Sequence[str]] | None = None,
) -> list[tuple[Move, ...]]:
    """The moves that certify a cell: a field alone, or share fields together (module doc).

    ``parts``: a denominator -> numerators that add up to it in every cell (vroegsignalen:
    the signaalpartner counts to ``n``). Then every move keeps that sum: the denominator moves
    only with exactly one of its parts (the other numerators fixed), a part never alone, and a
    numerator that is not a part only against its complement."""
    by_den: dict[str, list[str]] = {}
    for num, den in shares:
        by_den.setdefault(den, []).append(num)
    linked = {f for pair in shares for f in pair}
    out: list[tuple[Move, ...]] = [((f, 1),) for f in counts if f not in linked]
    for den, nums in by_den.items():
        comps = [complement_key(n, den) for n in nums]
        exhaustive = set((parts or {}).get(den, ()))
        for i, num in enumerate(nums):
            if num not in exhaustive:
                out.append(((num, 1), (comps[i], -1)))
            if not exhaustive or num in exhaustive:
                others = ((c, 1) for j, c in enumerate(comps) if j != i)
                out.append(((num, 1), (den, 1), *others))
        if exhaustive:
            continue
        out.append(((den, 1), *((c, 1) for c in comps)))
        if len(nums) > 1:
            out.append(((den, 1), *((n, 1) for n in nums)))
    return out


@dataclass(frozen=True)
class _Step:
    value: int
    rank: int
    hides: tuple[tuple[str, int], ...]


class TableGroup:
    """The tables of one group, their statuses (mutated by ``protect``) and what is known."""

    def __init__(
        self,
        layout: Layout,
        counts: Sequence[str],
        shares: Sequence[tuple[str, str]],
        real: Mapping[str, Sequence[int]],
        status: Mapping[str, Sequence[Status]],
        threshold: int,
        parts: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self.layout = layout
        self.threshold = threshold
        self.real = {f: list(real[f]) for f in counts}
        self.status: dict[str, list[Status]] = {f: list(status[f]) for f in counts}
        self.values: dict[str, list[int]] = {f: layout.additive(real[f]) for f in counts}
        self.comp_of: dict[str, tuple[str, str]] = {}
        for num, den in shares:
            key = complement_key(num, den)
            self.comp_of[key] = (num, den)
            self.values[key] = [
                d - n for n, d in zip(self.values[num], self.values[den], strict=True)
            ]
        self.keys = [*counts, *self.comp_of]
        self._index = {k: i for i, k in enumerate(self.keys)}
        self.patterns = patterns(counts, shares, parts)
        self._sound = len(self.patterns)
        """Patterns from here on move a share field alone: the per-table fallback only."""
        linked = {f for pair in shares for f in pair}
        self.patterns += [((f, 1),) for f in counts if f in linked]
        positions = range(layout.positions)
        self._fwd = [bytearray(layout.positions) for _ in self.patterns]
        self._bwd = [bytearray(layout.positions) for _ in self.patterns]
        for q in positions:
            self._refresh(q)
        self.unprotectable: list[tuple[str, int]] = []

    # What is known of one cell.

    def _status(self, field: str, q: int, over: Mapping[str, Status]) -> Status:
        return over[field] if field in over else self.status[field][q]

    def box(self, key: str, q: int, over: Mapping[str, Status] | None = None) -> tuple[int, int]:
        """The interval a reader knows ``key`` at position ``q`` to lie in."""
        over = over or {}
        t, v = self.threshold, self.values[key][q]
        if key in self.status:
            status = self._status(key, q, over)
            lo, hi = (v, v) if status is None else (1, t - 1) if status == PRIMAIR else (t, INF)
        else:
            num, den = self.comp_of[key]
            s_num, s_den = self._status(num, q, over), self._status(den, q, over)
            if s_num is None and s_den is None:
                lo, hi = v, v
            elif s_num == COMPLEMENT:
                lo, hi = 1, t - 1
            elif s_num is None and self.real[num][q] == 0:
                lo, hi = self.box(den, q, over)  # the complement is the denominator
            elif s_num == PRIMAIR:
                lo, hi = 0, INF
            else:  # not 1..t-1, or the numerator would show "complement"
                lo, hi = (0, 0) if v == 0 else (t, INF)
        return min(lo, v), max(hi, v)

    def _fits(self, moves: tuple[Move, ...], q: int, d: int, over: Mapping[str, Status]) -> bool:
        for key, sign in moves:
            lo, hi = self.box(key, q, over)
            if not lo <= self.values[key][q] + d * sign <= hi:
                return False
        return True

    def _refresh(self, q: int) -> None:
        for i, moves in enumerate(self.patterns):
            self._fwd[i][q] = self._fits(moves, q, 1, {})
            self._bwd[i][q] = self._fits(moves, q, -1, {})

    # Certification.

    def _reach(self, i: int, start: int, goal: int, excluded: int) -> bool:
        fwd, bwd, lay = self._fwd[i], self._bwd[i], self.layout
        seen = bytearray(lay.nodes)
        seen[start] = 1
        stack = [start]
        while stack:
            node = stack.pop()
            for q, head in lay.out_arcs[node]:
                if fwd[q] and not seen[head] and q != excluded:
                    if head == goal:
                        return True
                    seen[head] = 1
                    stack.append(head)
            for q, tail in lay.in_arcs[node]:
                if bwd[q] and not seen[tail] and q != excluded:
                    if tail == goal:
                        return True
                    seen[tail] = 1
                    stack.append(tail)
        return False

    def certified(self, key: str, q: int) -> bool:
        """Whether a move of some pattern changes ``key`` at ``q`` keeping all that is shown."""
        tail, head = self.layout.arcs[q]
        for i, moves in enumerate(self.patterns[: self._sound]):
            if all(k != key for k, _ in moves):
                continue
            if self._fwd[i][q] and self._reach(i, head, tail, q):
                return True
            if self._bwd[i][q] and self._reach(i, tail, head, q):
                return True
        return False

    def targets(self) -> list[tuple[str, int]]:
        """Hidden counts and complements of 1..threshold-1, in the order they are protected."""
        out = [(f, q) for f, statuses in self.status.items() for q, s in enumerate(statuses) if s]
        t = self.threshold
        out += [
            (k, q)
            for k in self.comp_of
            for q, v in enumerate(self.values[k])
            if 1 <= v <= t - 1 and self.box(k, q) != (v, v)
        ]
        return out

    def uncertified(self) -> list[tuple[str, int]]:
        return [(k, q) for k, q in self.targets() if not self.certified(k, q)]

    # Protection.

    def _step(self, i: int, q: int, d: int) -> _Step | None:
        """What it costs to move pattern ``i`` by ``d`` at ``q``: the visible cells to hide."""
        if (self._fwd if d > 0 else self._bwd)[i][q]:
            return _Step(0, 0, ())
        moves = self.patterns[i]
        hides = tuple(f for f, _ in moves if f in self.status and self.status[f][q] is None)
        if not hides or any(self.real[f][q] == 0 for f in hides):
            return None
        if not self._fits(moves, q, d, dict.fromkeys(hides, SECUNDAIR)):
            return None
        n = len(self.keys)
        return _Step(
            sum(self.real[f][q] for f in hides),
            sum(q * n + self._index[f] for f in hides),
            tuple((f, q) for f in hides),
        )

    def _path(self, i: int, start: int, goal: int, excluded: int) -> _Step | None:
        """The cheapest residual path of pattern ``i`` from ``start`` to ``goal`` (Dijkstra)."""
        lay = self.layout
        memo: dict[tuple[int, int], _Step | None] = {}

        def step(q: int, d: int) -> _Step | None:
            if (q, d) not in memo:
                memo[(q, d)] = self._step(i, q, d)
            return memo[(q, d)]

        best: dict[int, tuple[int, int]] = {start: (0, 0)}
        back: dict[int, tuple[int, tuple[tuple[str, int], ...]]] = {}
        heap = [(0, 0, start)]
        done = bytearray(lay.nodes)
        while heap:
            value, rank, node = heapq.heappop(heap)
            if done[node]:
                continue
            done[node] = 1
            if node == goal:
                hides: list[tuple[str, int]] = []
                while node != start:
                    node, part = back[node]
                    hides += part
                return _Step(value, rank, tuple(hides))
            edges = [(q, h, 1) for q, h in lay.out_arcs[node]]
            edges += [(q, t, -1) for q, t in lay.in_arcs[node]]
            for q, nxt, d in edges:
                if q == excluded or done[nxt]:
                    continue
                s = step(q, d)
                if s is None:
                    continue
                cost = (value + s.value, rank + s.rank)
                if nxt not in best or cost < best[nxt]:
                    best[nxt] = cost
                    back[nxt] = (node, s.hides)
                    heapq.heappush(heap, (cost[0], cost[1], nxt))
        return None

    def cheapest_cycle(self, key: str, q: int, *, alone: bool = False) -> _Step | None:
        """The cheapest set of visible cells whose hiding lets ``key`` at ``q`` change; with
        ``alone``, in its own table only (the per-table rule, blind to the share's ties)."""
        tail, head = self.layout.arcs[q]
        found: _Step | None = None
        for i, moves in enumerate(self.patterns):
            if (i >= self._sound) != alone or all(k != key for k, _ in moves):
                continue
            for d, start, goal in ((1, head, tail), (-1, tail, head)):
                first = self._step(i, q, d)
                rest = None if first is None else self._path(i, start, goal, q)
                if first is None or rest is None:
                    continue
                total = _Step(first.value + rest.value, first.rank + rest.rank, ())
                if found is None or (total.value, total.rank) < (found.value, found.rank):
                    found = _Step(total.value, total.rank, first.hides + rest.hides)
        return found

    def hide(self, cells: Sequence[tuple[str, int]]) -> None:
        for field, q in cells:
            self.status[field][q] = SECUNDAIR
        for q in {q for _, q in cells}:
            self._refresh(q)

    def protect(self) -> None:
        """Hide cells until every target is certified; list those no hiding certifies."""
        skipped: set[tuple[str, int]] = set()
        while True:
            hid = False
            for key, q in self.targets():
                if (key, q) in skipped or self.certified(key, q):
                    continue
                cycle = self.cheapest_cycle(key, q)
                if cycle is None:
                    # Too few non-zero cells around it: at least meet the per-table rule.
                    skipped.add((key, q))
                    cycle = self.cheapest_cycle(key, q, alone=True)
                if cycle is not None and cycle.hides:
                    self.hide(cycle.hides)
                    hid = True
            if not hid:
                break
        self.unprotectable = [kq for kq in self.targets() if not self.certified(*kq)]
