"""Per record and per tick: update the zaak, publish the alerts that became due, refresh Redis.

The alert clock of a partition (schedule.py) decides what "now" is. Before a record is
applied, the clock moves to the record's day (its Kafka timestamp, never past today) and the
zaken waiting for that day are evaluated first, with what was known before the record: the
same order of events as a live worker saw, so replaying the topics gives the same alerts.

Pushed alerts are a log: published once (Kafka, then the feed) and recorded in the zaak's
state. Historisch alerts are a view: every evaluation computes the zaak's whole historisch
view from its current history and, when it changed, replaces the stored one, so after a
historical load in any order and any batches the view is what the complete history supports.
An alert that became due more than ``alert_window_days`` before the worker's today is
historisch (docs/alerts.md), so a late delivery, a long backlog or a replay after a rule
change pushes nothing stale.

Each record also dates the cells it changes (docs/kpis.md#gewijzigd): the zaak's contribution
before and after the record are compared, and every cell that differs gets the record's
acceptance time (its ``wijkpuls_geaccepteerd`` header, else its Kafka timestamp) in the
zaak's state, which the figures view writes on to the cells' ``gewijzigd``. The contribution
after a record is handed to the figures view, so it is computed once per record; the one
before comes from the zaak's previous record when it was in the same batch.

No faust here: the agents hand in records and the table, so tests can drive it directly.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from datetime import date
from typing import Any, Protocol

from services.kpi.zaken.facts import zaak_fact
from services.kpi.zaken.figures_sink import FiguresOfZaak
from services.kpi.zaken.schedule import AlertSchedule
from services.kpi.zaken.state import ZaakState, waiting_entry
from shared.contract.events.accepted import accepted_ms
from shared.contract.events.binding import from_kafka_record
from shared.core.alerts import (
    AlertKind,
    AlertState,
    DueAlert,
    Evaluation,
    alert_id,
    evaluate,
    view_digest,
)
from shared.core.domain import AtwCalendar, ZaakHistory
from shared.core.domain_config import DomainConfig
from shared.core.kpi.contribution import Contribution, zaak_contribution
from shared.core.kpi.gewijzigd import ChangeTimes, changed_cells, record_change

log = logging.getLogger("wijkpuls.kpi.alerts")


class Publisher(Protocol):
    async def publish(self, alerts: Sequence[DueAlert], today: date) -> None:
        """Push alerts that are not historisch: the alerts topic (a log), then the feed."""
        ...

    async def replace_historisch(
        self, zaak_id: str, candidates: Sequence[str], alerts: Sequence[DueAlert], today: date
    ) -> None:
        """Make ``alerts`` the zaak's historisch view in the feed; of ``candidates`` (every
        alert id the zaak can have) drop the other historisch entries, keep pushed ones."""
        ...


class ViewWriter(Protocol):
    """A Redis view of the zaak (figures, termijnen, wachtend), replaced from its history."""

    async def replace(self, zaak_id: str, history: ZaakHistory) -> bool: ...


class FiguresWriter(Protocol):
    """The figures view: written from the history, the cells' change times and (when known)
    the contribution (services/kpi/zaken/figures_sink.py)."""

    async def replace(self, zaak_id: str, zaak: FiguresOfZaak) -> bool: ...


MEMO_SIZE = 1024
"""Zaken whose last computed contribution is kept (with the table value it belongs to)."""


class ZaakProcessor:
    def __init__(
        self,
        *,
        table: MutableMapping[str, Any],
        domain: DomainConfig,
        calendar: AtwCalendar,
        schedule: AlertSchedule,
        publisher: Publisher,
        figures: FiguresWriter,
        termijnen: ViewWriter,
        wachtend: ViewWriter,
        alert_window_days: int,
    ) -> None:
        """``alert_window_days``: ``WIJKPULS_KPI_ALERT_WINDOW_DAYS`` (KpiSettings)."""
        self.table = table
        self.domain = domain
        self.calendar = calendar
        self.schedule = schedule
        self.publisher = publisher
        self.figures = figures
        self.termijnen = termijnen
        self.wachtend = wachtend
        self.alert_window_days = alert_window_days
        self.today: date | None = None
        """The worker's today as last handed in (``catch_up``); the window counts back from it."""
        self._memo: dict[str, tuple[Any, Contribution]] = {}
        """Zaak -> (the table value its contribution was computed for, that contribution): the
        contribution before the zaak's next record, when that comes before the value changes."""

    def ensure_built(self, partitions: Iterable[int]) -> None:
        """Rebuild the heaps of partitions assigned since the last rebalance: one table scan."""
        if self.schedule.take_invalidated():
            self.schedule.reset()
        missing = {p for p in partitions if not self.schedule.built(p)}
        if not missing:
            return
        waiting: dict[int, list[tuple[str, date]]] = {p: [] for p in missing}
        for zaak_id, raw in self.table.items():
            entry = waiting_entry(raw)
            if entry is not None and entry[0] in waiting:
                waiting[entry[0]].append((zaak_id, entry[1]))
        for partition, entries in waiting.items():
            self.schedule.build(partition, entries)
        log.info("alert schedule rebuilt", extra={"partitions": sorted(missing)})

    async def catch_up(self, partition: int, record_day: date, today: date) -> date:
        """Move the partition's clock to the record's day (never past today), fire what waited.

        Returns the day the record counts as seen on.
        """
        self.today = today if self.today is None else max(self.today, today)
        day = min(record_day, today)
        self.schedule.advance(partition, day)
        await self.fire_due(partition)
        return day

    async def apply(
        self,
        partition: int,
        day: date,
        key: bytes | None,
        value: bytes | None,
        headers: Sequence[tuple[str, bytes]],
        timestamp_s: float | None = None,
    ) -> str | None:
        """Apply one events record; UndecodableRecord when it is not a catalog event.

        ``timestamp_s``: the record's Kafka timestamp, its acceptance time when it carries no
        ``wijkpuls_geaccepteerd`` header. Returns the zaak's id (None: no zaak fact).
        """
        cloud_event = from_kafka_record(key, value, headers)
        found = zaak_fact(cloud_event)
        if found is None:
            return None
        zaak_id, fact = found
        raw = self.table.get(zaak_id)
        state = ZaakState.from_table(raw)
        history = state.history.add(fact)
        before = self._contribution_before(zaak_id, raw, state.history)
        after = before if history is state.history else self._contribution(zaak_id, history)
        gewijzigd = state.gewijzigd
        at_ms = accepted_ms(headers, timestamp_s)
        if at_ms is not None and after is not before:
            gewijzigd = record_change(gewijzigd, changed_cells(before, after), at_ms)
        alerting = (state.alerting or AlertState(day)).seen_on(day)
        now = self.schedule.clock(partition) or day
        await self._evaluate(zaak_id, state, history, alerting, partition, now, gewijzigd)
        if history is not state.history:  # a changed zaak is staged: its value is kept as is
            self._remember(zaak_id, after)
        # The replaces are idempotent, so they run even when nothing changed: that heals a
        # crash between the changelog write and the Redis write.
        await self.figures.replace(zaak_id, FiguresOfZaak(history, gewijzigd, after))
        await self.termijnen.replace(zaak_id, history)
        await self.wachtend.replace(zaak_id, history)
        return zaak_id

    async def on_tick(self, partition: int) -> None:
        self.schedule.tick_done(partition)
        await self.fire_due(partition)

    async def fire_due(self, partition: int) -> None:
        """Evaluate the waiting zaken whose date the clock reached, each on its own date.

        On its own date, not on the clock's: a partition replaying a backlog jumps from one
        record's day to the next, and the zaak must be judged as on the day a live worker
        would have judged it (a due date that follows an open opschorting moves daily).
        """
        while (entry := self.schedule.pop_next(partition)) is not None:
            day, zaak_id = entry
            try:
                state = ZaakState.from_table(self.table.get(zaak_id))
                if state.alerting is not None:
                    await self._evaluate(
                        zaak_id, state, state.history, state.alerting, partition, day
                    )
            except Exception:
                self.schedule.wait(partition, zaak_id, day)  # tried again next tick or record
                raise

    async def _evaluate(
        self,
        zaak_id: str,
        state: ZaakState,
        history: ZaakHistory,
        alerting: AlertState,
        partition: int,
        now: date,
        gewijzigd: ChangeTimes | None = None,
    ) -> None:
        """``gewijzigd``: the zaak's cells' change times after this record (None: as stored)."""
        clock = self.schedule.clock(partition) or now
        outcome = self._evaluation(zaak_id, history, alerting, clock, now)
        await self.publisher.publish(outcome.new, clock)
        if view_digest(outcome.historisch) != alerting.view:
            await self.publisher.replace_historisch(
                zaak_id, self._alert_ids(zaak_id), outcome.historisch, clock
            )
        given = alerting.after(
            (a.alert_id for a in outcome.new), outcome.next_check, outcome.historisch
        )
        changes = state.gewijzigd if gewijzigd is None else gewijzigd
        updated = ZaakState(history, given, partition, changes)
        if updated != state:
            self.table[zaak_id] = updated.to_table()
        self.schedule.wait(partition, zaak_id, outcome.next_check)
        for alert in outcome.new:
            log.info(
                "alert %s %s historisch=%s",
                alert.kind.value,
                alert.clock_id,
                alert.historisch,
                extra={"alert_id": alert.alert_id},
            )

    def _evaluation(
        self, zaak_id: str, history: ZaakHistory, alerting: AlertState, clock: date, now: date
    ) -> Evaluation:
        today = max(clock, now) if self.today is None else max(self.today, clock, now)
        return evaluate(
            history,
            self.domain.clocks,
            self.calendar,
            zaak_id=zaak_id,
            first_seen=alerting.first_seen,
            now=now,
            emitted=alerting.emitted,
            today=today,
            window_days=self.alert_window_days,
        )

    async def rewrite(self, zaak_id: str, raw: Mapping[str, Any] | None, today: date) -> None:
        """Write the zaak's whole Redis view again from its stored state, changing nothing in
        the table and pushing nothing: figures, termijnen, wachtend (staged, like a record's)
        and its historisch alerts as its last evaluation left them (a lost figures store,
        services/kpi/view/). Alerts that became due meanwhile wait for the schedule, which
        pushes them as it would have."""
        state = ZaakState.from_table(raw)
        await self.figures.replace(zaak_id, FiguresOfZaak(state.history, state.gewijzigd))
        await self.termijnen.replace(zaak_id, state.history)
        await self.wachtend.replace(zaak_id, state.history)
        alerting = state.alerting
        if alerting is None or (not alerting.historisch and alerting.view is None):
            return  # its last evaluation left no historisch view
        clock = self.schedule.clock(state.partition) if state.partition is not None else None
        now = clock or today
        outcome = self._evaluation(zaak_id, state.history, alerting, now, now)
        await self.publisher.replace_historisch(
            zaak_id, self._alert_ids(zaak_id), outcome.historisch, now
        )

    def _contribution(self, zaak_id: str, history: ZaakHistory) -> Contribution:
        if not history.facts:
            return {}
        return zaak_contribution(history, self.domain, self.calendar, zaak_id=zaak_id)

    def _contribution_before(self, zaak_id: str, raw: Any, history: ZaakHistory) -> Contribution:
        """The zaak's contribution before this record: kept from its previous record while
        the table still holds the value written then (the same object), else computed."""
        kept = self._memo.get(zaak_id)
        if kept is not None and raw is not None and kept[0] is raw:
            return kept[1]
        return self._contribution(zaak_id, history)

    def _remember(self, zaak_id: str, contribution: Contribution) -> None:
        """Keep the contribution for the table value the record left (read back after
        ``_evaluate``: the staged table hands the same object until the batch is written)."""
        raw = self.table.get(zaak_id)
        if raw is None:
            return
        self._memo.pop(zaak_id, None)
        self._memo[zaak_id] = (raw, contribution)
        if len(self._memo) > MEMO_SIZE:
            del self._memo[next(iter(self._memo))]

    def _alert_ids(self, zaak_id: str) -> list[str]:
        """Every alert id the zaak can have: each configured clock and kind."""
        return [alert_id(zaak_id, c.id, kind) for c in self.domain.clocks for kind in AlertKind]
