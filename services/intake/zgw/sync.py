"""One zaak at a time: read it, derive its facts, publish the new ones, remember them.

A notification and a reconciliation run end up here alike. Syncs of one zaak are serialised
in this process (a lock per URL), so two notifications about it cannot both claim the same
opschorting; across processes the deterministic ids make a race cost a duplicate only.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from services.intake.settings import ZgwSettings
from services.intake.zgw.client import NotFound, Refused, ZgwClient, ZgwError
from services.intake.zgw.mapping import derive
from services.intake.zgw.models import (
    AuditEntry,
    Besluit,
    Resultaat,
    Status,
    Zaak,
    ZaakSnapshot,
)
from services.intake.zgw.state import StateStore
from shared.core.domain_config import DomainConfig, ZgwZaaktype
from shared.platform.publisher import Publisher

log = logging.getLogger("wijkpuls.intake.zgw")
M = TypeVar("M", bound=BaseModel)


class Outcome(StrEnum):
    PUBLISHED = "published"
    UNCHANGED = "unchanged"
    IGNORED = "ignored"  # not a sociaal-domein zaaktype
    NOT_FOUND = "not-found"


def parse(model: type[M], raw: Any, url: str) -> M:
    try:
        return model.model_validate(raw)
    except ValidationError:  # its message may quote the body: not chained, not logged
        raise ZgwError(f"{url}: not a ZGW {model.__name__}") from None


@dataclass
class ZaakSync:
    client: ZgwClient
    store: StateStore
    publisher: Publisher
    domain: DomainConfig
    settings: ZgwSettings
    _locks: weakref.WeakValueDictionary[str, asyncio.Lock] = field(
        default_factory=weakref.WeakValueDictionary
    )

    @property
    def zaken_root(self) -> str:
        return str(self.settings.zaken_api_url).rstrip("/")

    @property
    def besluiten_root(self) -> str | None:
        url = self.settings.besluiten_api_url
        return None if url is None else str(url).rstrip("/")

    async def sync(
        self, zaak_url: str, observed_at: datetime, listed: dict[str, Any] | None = None
    ) -> tuple[Outcome, int]:
        """Publish what is new about one zaak; ``listed`` spares a read when a list had it."""
        lock = self._locks.setdefault(zaak_url, asyncio.Lock())
        async with lock:
            try:
                zaak = parse(Zaak, listed or await self.client.get(zaak_url), zaak_url)
            except NotFound:
                return Outcome.NOT_FOUND, 0
            zaaktype = self.domain.zgw.zaaktype(zaak.zaaktype)
            if zaaktype is None:
                return Outcome.IGNORED, 0
            snapshot = await self._snapshot(zaak, zaaktype)
            previous = await self.store.load(zaak.url)
            derived = derive(
                snapshot,
                previous,
                self.domain,
                source=self.settings.source,
                observed_at=observed_at,
                moves="audittrail" if self.settings.audittrail else "state",
            )
            assert derived is not None  # the zaaktype is configured
            if derived.refused:
                log.warning(
                    "zgw facts refused", extra={"zaak": zaak.url, "refused": derived.refused}
                )
            emitted = set(previous.emitted if previous else ())
            fresh = [e for e in derived.events if e.id not in emitted]
            await self.publisher.publish(fresh)  # raises: nothing is remembered, a retry resends
            emitted |= {e.id for e in fresh}
            await self.store.save(derived.state.model_copy(update={"emitted": sorted(emitted)}))
        if fresh:
            log.info("zgw events published", extra={"zaak": zaak.url, "published": len(fresh)})
        return (Outcome.PUBLISHED if fresh else Outcome.UNCHANGED), len(fresh)

    async def _snapshot(self, zaak: Zaak, zaaktype: ZgwZaaktype) -> ZaakSnapshot:
        audit = None
        if self.settings.audittrail:
            try:
                lines = await self.client.get(f"{zaak.url}/audittrail")
                audit = [parse(AuditEntry, line, zaak.url) for line in lines]
            except (Refused, NotFound) as exc:  # a later look catches up: it is the history
                log.warning(
                    "zgw audittrail not readable", extra={"zaak": zaak.url, "why": str(exc)}
                )
        statussen = []
        if zaaktype.statustypen:
            pages = self.client.pages(f"{self.zaken_root}/statussen", {"zaak": zaak.url})
            statussen = [parse(Status, s, zaak.url) async for s in pages]
        besluiten = []
        if self.besluiten_root is not None:
            pages = self.client.pages(f"{self.besluiten_root}/besluiten", {"zaak": zaak.url})
            besluiten = [parse(Besluit, b, zaak.url) async for b in pages]
        resultaat = None
        if zaaktype.afsluiten and zaak.einddatum is not None and zaak.resultaat:
            resultaat = parse(Resultaat, await self.client.get(zaak.resultaat), zaak.url)
        return ZaakSnapshot(zaak, audit, statussen, besluiten, resultaat)
