"""A parsed 305/307 message -> the facts Wijkpuls needs, checking the documented elements.

Pure: no I/O. The elements read and checked are the ones the iWmo/iJw 3.2 XSDs document for
these messages (Header: BerichtCode, Afzender, Ontvanger, BerichtIdentificatie; per
StartProduct/StopProduct: ToewijzingNummer, Begindatum or Einddatum and RedenBeeindiging,
StatusAanlevering). This runs whether or not the full XSD validation is configured.

``Client`` is only stepped through: its Bsn, name and birth date are never read, so they
cannot end up in a fact, an answer or a log.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from xml.etree.ElementTree import Element

from services.intake.iwmo.errors import ElementProblem, MessageRefused, element_problem
from services.intake.iwmo.messages import BY_ROOT_TAG, BerichtType, Soort, normalise_nummer
from services.intake.iwmo.xmlsafe import local_name
from shared.contract.events.fieldtypes import EARLIEST_DATE, LATEST_DATE

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NUMMER = re.compile(r"\+?0*\d{1,9}")  # LDT_Nummer: xs:integer 0..999999999
_AGB = re.compile(r"\d{8}")
_GEMEENTE = re.compile(r"\d{4}")
_REDEN = re.compile(r"\d{2}")
EERSTE_AANLEVERING = "1"
VERWIJDEREN = "3"


@dataclass(frozen=True)
class ProductRegel:
    """One StartProduct/StopProduct, reduced to what the catalog events carry."""

    positie: int  # 1-based, as in the element path StartProduct[2]
    toewijzingnummer: str
    datum: date  # Begindatum (305) or Einddatum (307)
    reden: str | None  # RedenBeeindiging (307)


@dataclass(frozen=True)
class Bericht:
    type: BerichtType
    afzender: str  # AGB code of the provider
    identificatie: str  # BerichtIdentificatie/Identificatie: unique per afzender
    dagtekening: date
    regels: tuple[ProductRegel, ...]


def bericht_type(root: Element) -> BerichtType:
    found = BY_ROOT_TAG.get(root.tag)
    if found is None:
        names = ", ".join(sorted(b.name for b in BY_ROOT_TAG.values()))
        reason = f"is not an iWmo/iJw 3.2 message this adapter accepts ({names})"
        raise MessageRefused(
            422,
            "unsupported-message",
            "Unsupported message",
            [element_problem(local_name(root.tag), reason, "message_unsupported")],
        )
    return found


def parse_bericht(root: Element, gemeentecode: str) -> Bericht:
    """The message's facts, or MessageRefused (422) listing every problem at once."""
    reader = _Reader(bericht_type(root))
    bericht = reader.read(root, gemeentecode)
    if reader.problems or bericht is None:
        raise MessageRefused(422, "invalid-message", "Invalid iWmo/iJw message", reader.problems)
    return bericht


class _Reader:
    def __init__(self, kind: BerichtType) -> None:
        self.kind = kind
        self.problems: list[ElementProblem] = []

    def read(self, root: Element, gemeentecode: str) -> Bericht | None:
        header = self._child(root, "Bericht", "Header")
        client = self._child(root, "Bericht", "Client")
        if header is None or client is None:
            return None
        code = self._text(header, "Bericht/Header", "BerichtCode")
        if code is not None and code != self.kind.berichtcode:
            self._bad(
                "Bericht/Header/BerichtCode",
                f"must be {self.kind.berichtcode} in a {self.kind.name} message",
                "berichtcode",
            )
        afzender = self._matching(
            header, "Bericht/Header", "Afzender", _AGB, "an AGB code of 8 digits"
        )
        ontvanger = self._matching(
            header, "Bericht/Header", "Ontvanger", _GEMEENTE, "a gemeentecode of 4 digits"
        )
        if ontvanger is not None and ontvanger != gemeentecode:
            self._bad(
                "Bericht/Header/Ontvanger", f"is not this gemeente ({gemeentecode})", "ontvanger"
            )
        ident = self._child(header, "Bericht/Header", "BerichtIdentificatie")
        identificatie = dagtekening = None
        if ident is not None:
            where = "Bericht/Header/BerichtIdentificatie"
            identificatie = self._text(ident, where, "Identificatie", basis=True)
            if identificatie is not None and len(identificatie) > 12:
                self._bad(f"{where}/Identificatie", "has more than 12 characters", "too_long")
            dagtekening = self._date(ident, where, "Dagtekening", basis=True)
        regels = self._regels(client)
        if afzender is None or identificatie is None or dagtekening is None:
            return None
        return Bericht(self.kind, afzender, identificatie, dagtekening, tuple(regels))

    def _regels(self, client: Element) -> list[ProductRegel]:
        where = f"Bericht/Client/{self.kind.producten}"
        container = self._child(client, "Bericht/Client", self.kind.producten)
        if container is None:
            return []
        lines = container.findall(self._tag(self.kind.product))
        if not lines:
            self._bad(where, f"has no {self.kind.product}", "missing")
        regels = []
        for positie, line in enumerate(lines, start=1):
            regel = self._regel(line, f"{where}/{self.kind.product}[{positie}]", positie)
            if regel is not None:
                regels.append(regel)
        return regels

    def _regel(self, line: Element, where: str, positie: int) -> ProductRegel | None:
        nummer = self._text(
            line,
            where,
            "ToewijzingNummer",
            missing=(
                "is needed to find the zaak (care without a toewijzing is not in the catalog)"
            ),
        )
        if nummer is not None and not _NUMMER.fullmatch(nummer):
            self._bad(f"{where}/ToewijzingNummer", "must be a number of at most 9 digits", "nummer")
            nummer = None
        start = self.kind.soort is Soort.START
        datum = self._date(line, where, "Begindatum" if start else "Einddatum")
        reden = (
            None
            if start
            else self._matching(line, where, "RedenBeeindiging", _REDEN, "a code of 2 digits")
        )
        status = self._text(line, where, "StatusAanlevering")
        if status == VERWIJDEREN:
            self._bad(
                f"{where}/StatusAanlevering",
                "3 (verwijderen aanlevering) cannot be "
                "expressed in the event catalog yet; nothing was published",
                "status_unsupported",
            )
        elif status is not None and status != EERSTE_AANLEVERING:
            self._bad(
                f"{where}/StatusAanlevering",
                "must be 1 (eerste aanlevering); 2 and 9 are not used in 305/307 (CS058)",
                "status",
            )
        if nummer is None or datum is None or (not start and reden is None):
            return None
        return ProductRegel(positie, normalise_nummer(nummer), datum, reden)

    # --- element access: every miss or bad value is a problem naming the element ---

    def _tag(self, name: str, *, basis: bool = False) -> str:
        namespace = self.kind.basis_namespace if basis else self.kind.namespace
        return f"{{{namespace}}}{name}"

    def _child(
        self,
        parent: Element,
        where: str,
        name: str,
        *,
        basis: bool = False,
        missing: str = "is missing",
    ) -> Element | None:
        child = parent.find(self._tag(name, basis=basis))
        if child is None:
            self._bad(f"{where}/{name}", missing, "missing")
        return child

    def _text(
        self,
        parent: Element,
        where: str,
        name: str,
        *,
        basis: bool = False,
        missing: str = "is missing",
    ) -> str | None:
        child = self._child(parent, where, name, basis=basis, missing=missing)
        if child is None:
            return None
        text = (child.text or "").strip()
        if not text:
            self._bad(f"{where}/{name}", "is empty", "empty")
            return None
        return text

    def _matching(
        self, parent: Element, where: str, name: str, pattern: re.Pattern[str], label: str
    ) -> str | None:
        text = self._text(parent, where, name)
        if text is not None and not pattern.fullmatch(text):
            self._bad(f"{where}/{name}", f"must be {label}", "format")
            return None
        return text

    def _date(self, parent: Element, where: str, name: str, *, basis: bool = False) -> date | None:
        text = self._text(parent, where, name, basis=basis)
        if text is None:
            return None
        try:
            value = date.fromisoformat(text) if _DATE.fullmatch(text) else None
        except ValueError:
            value = None
        if value is None:
            self._bad(f"{where}/{name}", "must be a date written as YYYY-MM-DD", "date")
        elif not EARLIEST_DATE <= value <= LATEST_DATE:
            self._bad(f"{where}/{name}", "must lie between 1990-01-01 and 2099-12-31", "date_range")
            value = None
        return value

    def _bad(self, element: str, reason: str, code: str) -> None:
        self.problems.append(element_problem(element, reason, code))
