"""Open Notificaties callbacks: which ones matter, and each one turned into a zaak sync.

A notification is a trigger, not a fact: it may come early (the resource is not readable
yet: retried with backoff), twice (the same facts, the same ids) or never (reconciliation).
It is answered at once and handled in the background; a failure here is logged and left to
the next reconciliation run.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from aiokafka.errors import KafkaError
from redis.exceptions import RedisError

from services.intake.zgw.client import NotFound, ZgwError
from services.intake.zgw.models import Besluit, Notificatie
from services.intake.zgw.sync import Outcome, ZaakSync, parse
from shared.core.domain_config import ZgwConfig

log = logging.getLogger("wijkpuls.intake.zgw")

# Kanaal zaken: resources whose change can change a catalog fact of their hoofdObject.
ZAAK_RESOURCES = frozenset({"zaak", "status", "resultaat", "zaakbesluit"})


def relevant(notificatie: Notificatie, config: ZgwConfig) -> bool:
    """Worth a look: a change (not a destroy) that can move a fact of a configured zaaktype."""
    if notificatie.actie == "destroy":
        return False
    if notificatie.kanaal == "zaken":
        zaaktype = notificatie.kenmerken.get("zaaktype")
        known = zaaktype is None or config.zaaktype(zaaktype) is not None
        return notificatie.resource in ZAAK_RESOURCES and known
    return notificatie.kanaal == "besluiten" and notificatie.resource == "besluit"


class Notifications:
    def __init__(self, zaken: ZaakSync) -> None:
        self._zaken = zaken
        self._tasks: set[asyncio.Task[Any]] = set()

    def wanted(self, notificatie: Notificatie) -> bool:
        besluiten_read = self._zaken.besluiten_root is not None or notificatie.kanaal != "besluiten"
        return besluiten_read and relevant(notificatie, self._zaken.domain.zgw)

    def trusted(self, notificatie: Notificatie) -> bool:
        """The URL to read is under the configured API of its kanaal (no other host is read)."""
        if notificatie.kanaal == "zaken":
            return notificatie.hoofd_object.startswith(self._zaken.zaken_root + "/")
        root = self._zaken.besluiten_root
        return root is not None and notificatie.resource_url.startswith(root + "/")

    def accept(self, notificatie: Notificatie) -> None:
        self._spawn(self._run(notificatie))

    async def handle(self, notificatie: Notificatie) -> Outcome:
        settings = self._zaken.settings
        for attempt in range(settings.retries + 1):
            if attempt:  # an early notification: the resource is not readable yet
                await asyncio.sleep(min(settings.backoff_s * 2 ** (attempt - 1), 30.0))
            try:
                zaak_url = await self._zaak_url(notificatie)
                if zaak_url is None:
                    return Outcome.IGNORED
                outcome, _ = await self._zaken.sync(zaak_url, notificatie.aanmaakdatum)
            except NotFound:
                outcome = Outcome.NOT_FOUND
            if outcome is not Outcome.NOT_FOUND:
                return outcome
        return Outcome.NOT_FOUND

    async def _zaak_url(self, notificatie: Notificatie) -> str | None:
        if notificatie.kanaal == "zaken":
            return notificatie.hoofd_object
        url = notificatie.resource_url
        besluit = parse(Besluit, await self._zaken.client.get(url), url)
        under = besluit.zaak and besluit.zaak.startswith(self._zaken.zaken_root + "/")
        return besluit.zaak if under else None

    async def _run(self, notificatie: Notificatie) -> None:
        about = {
            "kanaal": notificatie.kanaal,
            "resource": notificatie.resource,
            "actie": notificatie.actie,
            "url": notificatie.resource_url,
        }
        try:
            outcome = await self.handle(notificatie)
        except (ZgwError, KafkaError, RedisError, TimeoutError) as exc:
            why = str(exc) or type(exc).__name__
            log.warning(
                "zgw notification not handled, left to reconciliation", extra=about | {"why": why}
            )
            return
        log.info("zgw notification handled", extra={**about, "outcome": outcome.value})

    def _spawn(self, job: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(job)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("zgw notification failed", exc_info=task.exception())

    async def drain(self, timeout_s: float) -> None:
        """Let running jobs finish (shutdown, tests); what does not finish is cancelled."""
        if self._tasks:
            _, pending = await asyncio.wait(set(self._tasks), timeout=timeout_s)
            for task in pending:
                task.cancel()
