"""The adapter's one use case: a provider's 305/307 -> zorg.* events, or parked lines.

``read`` is CPU work on untrusted bytes (parse, XSD, documented elements) and runs in a
worker thread; ``accept`` looks the toewijzingen up and hands the result to Kafka.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.intake.credentials import Client
from services.intake.iwmo.errors import ElementProblem, element_problem
from services.intake.iwmo.mapping import PendingFact, pending_facts, source_urn, type_name
from services.intake.iwmo.parking import ParkingLot
from services.intake.iwmo.parse import Bericht, bericht_type, parse_bericht
from services.intake.iwmo.toewijzingen import ToewijzingIndex
from services.intake.iwmo.xmlsafe import parse_xml
from services.intake.iwmo.xsd import XsdSet
from shared.contract.events import full_type
from shared.platform.publisher import Publisher

GEPUBLICEERD = "gepubliceerd"
GEPARKEERD = "geparkeerd"


@dataclass
class IwmoAdapter:
    gemeentecode: str
    xsd: XsdSet | None
    index: ToewijzingIndex
    publisher: Publisher
    parking: ParkingLot
    max_bytes: int

    @property
    def validatie(self) -> str:
        """What a message was checked against, told to the sender in every answer."""
        return "xsd" if self.xsd is not None else "elementen"

    def read(self, body: bytes) -> Bericht:
        """The message's facts; MessageRefused (4xx) naming every bad element."""
        root = parse_xml(body)
        kind = bericht_type(root)
        if self.xsd is not None:
            self.xsd.check(root, kind)
        return parse_bericht(root, self.gemeentecode)

    def refusals(self, client: Client, bericht: Bericht) -> list[ElementProblem]:
        """Why this client may not deliver this message: its allow-list (source and type)."""
        found = []
        for refusal in client.refusals(source_urn(bericht), full_type(type_name(bericht))):
            if refusal["field"] == "source":
                reason = "is an AGB code this client may not deliver messages for"
                found.append(element_problem("Bericht/Header/Afzender", reason, refusal["type"]))
            else:
                reason = f"this client may not deliver {bericht.type.name} messages"
                found.append(element_problem("Bericht", reason, refusal["type"]))
        return found

    async def accept(self, bericht: Bericht) -> dict[str, Any]:
        """Publish the lines with a known zaak, park the others; returns the answer body."""
        facts = pending_facts(bericht)
        zaken = await self.index.zaken(f.toewijzingnummer for f in facts)
        known = [(f, zaken[f.toewijzingnummer]) for f in facts if f.toewijzingnummer in zaken]
        unknown = [f for f in facts if f.toewijzingnummer not in zaken]
        await self.publisher.publish([fact.to_event(zaak_id) for fact, zaak_id in known])
        await self.parking.park(unknown)
        regels = [
            _regel(regel.positie, fact, fact.toewijzingnummer in zaken)
            for regel, fact in zip(bericht.regels, facts, strict=True)
        ]
        status = "verwerkt" if not unknown else GEPARKEERD if not known else "deels-geparkeerd"
        return {
            "status": status,
            "bericht": bericht.type.name,
            "validatie": self.validatie,
            "gepubliceerd": len(known),
            "geparkeerd": len(unknown),
            "regels": regels,
        }


def _regel(positie: int, fact: PendingFact, published: bool) -> dict[str, Any]:
    return {
        "positie": positie,
        "toewijzingnummer": fact.toewijzingnummer,
        "type": full_type(fact.type_name),
        "source": fact.source,
        "id": fact.event_id,
        "status": GEPUBLICEERD if published else GEPARKEERD,
    }
