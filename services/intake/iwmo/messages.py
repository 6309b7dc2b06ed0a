"""The four iWmo/iJw 3.2 messages the adapter accepts, as the iStandaarden XSDs name them.

A message is recognised by the namespace of its root ``Bericht`` element; its Header
``BerichtCode`` must then be the code that XSD fixes (418/420 iWmo, 438/440 iJw).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Soort(StrEnum):
    """What a product line reports: care started (305) or stopped (307)."""

    START = "start"
    STOP = "stop"


@dataclass(frozen=True)
class BerichtType:
    name: str  # as the iStandaarden call it: WMO305, JW307, ...
    standaard: str  # iwmo | ijw: the basisschema and the source URN's system name
    berichtcode: str
    soort: Soort

    @property
    def namespace(self) -> str:
        return f"http://www.istandaarden.nl/{self.standaard}/3_2/{self.name.lower()}/schema"

    @property
    def basis_namespace(self) -> str:
        return f"http://www.istandaarden.nl/{self.standaard}/3_2/basisschema/schema"

    @property
    def root_tag(self) -> str:
        return f"{{{self.namespace}}}Bericht"

    @property
    def producten(self) -> str:
        return "StartProducten" if self.soort is Soort.START else "StopProducten"

    @property
    def product(self) -> str:
        return "StartProduct" if self.soort is Soort.START else "StopProduct"


BERICHTEN = (
    BerichtType("WMO305", "iwmo", "418", Soort.START),
    BerichtType("WMO307", "iwmo", "420", Soort.STOP),
    BerichtType("JW305", "ijw", "438", Soort.START),
    BerichtType("JW307", "ijw", "440", Soort.STOP),
)
BY_ROOT_TAG = {b.root_tag: b for b in BERICHTEN}


def normalise_nummer(value: str) -> str:
    """One spelling per ToewijzingNummer, on both sides of the index.

    ToewijzingNummer is an xs:integer in 301, 305 and 307, so ``0300201`` and ``+300201``
    are the number 300201; an id that is not a whole number is kept as it is.
    """
    text = value.strip()
    digits = text.removeprefix("+")
    return str(int(digits)) if digits.isascii() and digits.isdigit() else value
