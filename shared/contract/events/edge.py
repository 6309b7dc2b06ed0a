"""The privacy edge: validate what a case system sent and keep only what may be stored.

``accept_at_edge`` is the one place a postcode, BSN or address may be read. It turns a
postcode into a wijk, a client block into keyed pseudonyms (the same function the signals
service uses), and returns the stored event, which has no field that could hold either.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from pydantic import ValidationError

from shared.contract.events.catalog import BY_TYPE, EVENT_TYPES, INTAKE_TYPES
from shared.contract.events.envelope import CloudEvent
from shared.contract.events.errors import EventValidationError, problem, problems_from
from shared.contract.events.intake import ZaakAangemeldAanlevering
from shared.contract.events.models import EVENT_CLASSES, INTAKE_EVENTS
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
    return _stored_event(event, domain, pseudonymiser)


# The envelope attributes other than ``data``: the same fields, types and constraints in the
# intake and the stored class of every type (models.py makes both from CloudEvent).
_ENVELOPE = tuple(name for name in CloudEvent.model_fields if name != "data")


def _stored_event(
    event: CloudEvent, domain: DomainConfig, pseudonymiser: Pseudonymiser
) -> CloudEvent:
    """The stored form of a validated intake event, equal to validating it again as stored.

    A type the edge takes as it is was validated into its stored class by the intake union
    (``INTAKE_EVENT_CLASSES``): it is the stored event. Otherwise only ``data`` changes at
    the edge; what the edge made of it (wijk, pseudonyms) is validated by the stored data
    model, and the envelope attributes, validated by the intake union under the same
    constraints, are carried over rather than dumped and validated a second time.
    """
    stored_class = EVENT_CLASSES[event.type]
    data_class = EVENT_TYPES[event.type]
    if type(event) is stored_class and "wijk" not in data_class.model_fields:
        return event
    try:
        data = data_class.model_validate(_stored_data(event, domain, pseudonymiser))
    except ValidationError as exc:  # the edge made something the contract refuses: a bug
        raise EventValidationError(problems_from(exc, prefix=("data",))) from None
    values: dict[str, Any] = {name: getattr(event, name) for name in _ENVELOPE}
    values["data"] = data
    fields_set = {name for name, value in values.items() if value is not None}
    return stored_class.model_construct(fields_set, **values)


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
    zaak's deadlines matter more than its wijk, and docs/domain.md#wijken counts it under
    'onbekend'.
    """
    postcode = sent.postcode or (sent.client.postcode if sent.client else None)
    wijk = domain.wijk_for_postcode(postcode) if postcode else ONBEKEND
    return wijk if wijk != ONBEKEND else domain.resolve_wijk(sent.wijk)
