"""The privacy edge: validate what a case system sent and keep only what may be stored.

``accept_at_edge`` is the one place a postcode, BSN or address may be read. It turns a
postcode into a wijk, a client block into keyed pseudonyms (the same function the signals
service uses), and returns the stored event, which has no field that could hold either.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from pydantic import ValidationError

from shared.contract.events.catalog import BY_TYPE, INTAKE_TYPES
from shared.contract.events.envelope import CloudEvent
from shared.contract.events.errors import EventValidationError, problem, problems_from
from shared.contract.events.intake import ZaakAangemeldAanlevering
from shared.contract.events.models import INTAKE_EVENTS, STORED_EVENTS
from shared.contract.events.parse import as_object
from shared.core.domain_config import ONBEKEND, DomainConfig
from shared.core.pseudonym import Pseudonymiser


def accept_at_edge(
    raw: object,
    domain: DomainConfig,
    pseudonymiser: Pseudonymiser,
    *,
    accepted_types: Collection[str] = INTAKE_TYPES,
) -> CloudEvent:
    """One event as sent (JSON bytes/text or decoded) -> the event as it may be stored.

    Raises EventValidationError listing every problem. ``accepted_types`` defaults to the
    zaak.* and zorg.* types: signals and alerts are made inside Wijkpuls, never posted.
    """
    obj = as_object(raw)
    sent_type = obj.get("type") if isinstance(obj, dict) else None
    if isinstance(sent_type, str) and sent_type in BY_TYPE and sent_type not in accepted_types:
        reason = "is made inside Wijkpuls and not accepted from case systems"
        raise EventValidationError([problem("type", reason, "type_not_accepted")])
    try:
        event = INTAKE_EVENTS.validate_python(obj)
    except ValidationError as exc:
        raise EventValidationError(problems_from(exc, tags=BY_TYPE)) from None
    stored = event.to_dict()
    stored["data"] = _stored_data(event, domain, pseudonymiser)
    try:
        return STORED_EVENTS.validate_python(stored)
    except ValidationError as exc:  # the edge made something the contract refuses: a bug
        raise EventValidationError(problems_from(exc, tags=BY_TYPE)) from None


def _stored_data(
    event: CloudEvent, domain: DomainConfig, pseudonymiser: Pseudonymiser
) -> dict[str, Any]:
    data = event.data.model_dump(mode="json", exclude_none=True)
    if isinstance(event.data, ZaakAangemeldAanlevering):
        return _stored_aangemeld(event.data, data, domain, pseudonymiser)
    if "wijk" in data:
        data["wijk"] = domain.resolve_wijk(data["wijk"])
    return data


def _stored_aangemeld(
    sent: ZaakAangemeldAanlevering,
    data: dict[str, Any],
    domain: DomainConfig,
    pseudonymiser: Pseudonymiser,
) -> dict[str, Any]:
    data.pop("postcode", None)
    data.pop("client", None)
    data["wijk"] = resolve_wijk(sent, domain)
    client = sent.client
    if client is not None and client.postcode is not None and client.huisnummer is not None:
        data["huishouden"] = pseudonymiser.huishouden(
            client.postcode, client.huisnummer, client.toevoeging
        )
    if client is not None and client.bsn is not None:
        data["persoon"] = pseudonymiser.person_from_bsn(client.bsn)
    return data


def resolve_wijk(sent: ZaakAangemeldAanlevering, domain: DomainConfig) -> str:
    """The most specific known answer: the postcode, else the wijk name, else 'onbekend'.

    A postcode the table does not know (or a malformed one) does not reject the event: the
    zaak's deadlines matter more than its wijk, and BRIEF §5 counts it under 'onbekend'.
    """
    postcode = sent.postcode or (sent.client.postcode if sent.client else None)
    wijk = domain.wijk_for_postcode(postcode) if postcode else ONBEKEND
    return wijk if wijk != ONBEKEND else domain.resolve_wijk(sent.wijk)
