"""Realistic iWmo/iJw 3.2 305/307 messages for the tests, shaped like the public examples.

tests/data/istandaarden/voorbeelden/ holds the iStandaarden examples as published (sent to
gemeente 0363); these are the same messages made to order: Helmond (0794) as Ontvanger and
the toewijzingen, dates and ids a test needs. The client block is complete (Bsn, birth
date, gender, name) so the tests can prove none of it gets through.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from services.intake.credentials import hash_key
from shared.platform.settings import IntakeClient

DATA = Path(__file__).parent / "data" / "istandaarden"
XSD_DIR = DATA
VOORBEELDEN = DATA / "voorbeelden"
BSN = "999900006"  # the examples' test BSN; passes the 11-proef
ACHTERNAAM = "Wit"
GEBOORTEDATUM = "1967-08-13"
PERSONAL = (BSN, ACHTERNAAM, GEBOORTEDATUM)
AGB = "65656055"
HELMOND = "0794"

# An intake client for the provider: it may deliver for its own AGB code only.
PROVIDER_KEY = "test-zorgaanbieder-65656055-key"
PROVIDER_AUTH = {"Authorization": f"Bearer {PROVIDER_KEY}"}
PROVIDER = IntakeClient(
    name="zorgaanbieder-65656055",
    key_sha256=hash_key(PROVIDER_KEY),
    sources=(f"urn:nld:agb:{AGB}:systeem:*",),
    types=("zorg.gestart", "zorg.beeindigd"),
)

_STANDAARD = {
    "WMO": ("iwmo", "wmo", {"305": "418", "307": "420"}),
    "JW": ("ijw", "jw", {"305": "438", "307": "440"}),
}


@dataclass(frozen=True)
class Regel:
    toewijzingnummer: str | None
    begindatum: str = "2026-04-03"
    einddatum: str = "2026-07-17"
    reden: str = "31"
    categorie: str = "01"
    code: str = "01A11"
    status: str = "1"


def bericht(
    name: str,
    regels: list[Regel],
    *,
    identificatie: str = "123456789013",
    dagtekening: str = "2026-04-05",
    ontvanger: str = HELMOND,
    afzender: str = AGB,
    bsn: str = BSN,
) -> bytes:
    """A WMO305, WMO307, JW305 or JW307 message."""
    family, nummer = name.rstrip("0123456789"), name[-3:]
    standaard, prefix, codes = _STANDAARD[family]
    m, b = f"{prefix}{nummer}", standaard
    soort = "Start" if nummer == "305" else "Stop"
    products = "".join(_regel(m, b, soort, r) for r in regels)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<{m}:Bericht xmlns:{b}="http://www.istandaarden.nl/{b}/3_2/basisschema/schema" \
xmlns:{m}="http://www.istandaarden.nl/{b}/3_2/{m}/schema">
  <{m}:Header>
    <{m}:BerichtCode>{codes[nummer]}</{m}:BerichtCode>
    <{m}:BerichtVersie>3</{m}:BerichtVersie>
    <{m}:BerichtSubversie>2</{m}:BerichtSubversie>
    <{m}:Afzender>{afzender}</{m}:Afzender>
    <{m}:Ontvanger>{ontvanger}</{m}:Ontvanger>
    <{m}:BerichtIdentificatie>
      <{b}:Identificatie>{identificatie}</{b}:Identificatie>
      <{b}:Dagtekening>{dagtekening}</{b}:Dagtekening>
    </{m}:BerichtIdentificatie>
    <{m}:XsdVersie>
      <{b}:BasisschemaXsdVersie>1.0.0</{b}:BasisschemaXsdVersie>
      <{b}:BerichtXsdVersie>1.0.0</{b}:BerichtXsdVersie>
    </{m}:XsdVersie>
  </{m}:Header>
  <{m}:Client>
    <{m}:Bsn>{bsn}</{m}:Bsn>
    <{m}:Geboortedatum><{b}:Datum>{GEBOORTEDATUM}</{b}:Datum></{m}:Geboortedatum>
    <{m}:Geslacht>1</{m}:Geslacht>
    <{m}:Naam>
      <{b}:Geslachtsnaam>
        <{b}:Achternaam>{ACHTERNAAM}</{b}:Achternaam>
        <{b}:Voorvoegsel>de</{b}:Voorvoegsel>
      </{b}:Geslachtsnaam>
      <{b}:Voornamen>Tim</{b}:Voornamen>
      <{b}:Voorletters>T</{b}:Voorletters>
    </{m}:Naam>
    <{m}:{soort}Producten>{products}
    </{m}:{soort}Producten>
  </{m}:Client>
</{m}:Bericht>
""".encode()


def _regel(m: str, b: str, soort: str, r: Regel) -> str:
    nummer = (
        f"<{m}:ToewijzingNummer>{r.toewijzingnummer}</{m}:ToewijzingNummer>"
        if r.toewijzingnummer is not None
        else ""
    )
    stop = (
        f"<{m}:RedenBeeindiging>{r.reden}</{m}:RedenBeeindiging>"
        f"<{m}:Einddatum>{r.einddatum}</{m}:Einddatum>"
        if soort == "Stop"
        else ""
    )
    return f"""
      <{m}:{soort}Product>
        {nummer}
        <{m}:Product><{b}:Categorie>{r.categorie}</{b}:Categorie><{b}:Code>{r.code}</{b}:Code></{m}:Product>
        <{m}:ToewijzingIngangsdatum>2026-04-01</{m}:ToewijzingIngangsdatum>
        <{m}:Begindatum>{r.begindatum}</{m}:Begindatum>
        {stop}
        <{m}:StatusAanlevering>{r.status}</{m}:StatusAanlevering>
      </{m}:{soort}Product>"""
