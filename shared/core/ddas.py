"""VNG DDAS vroegsignalering v0.9 enumerations: slugs in events, the DDAS text in exports.

The slug is the DDAS text lower-cased with every run of other characters turned into one
hyphen (``slugify``), so either can be derived from the other without a lookup table going
stale. A unit test holds every slug to that rule.
"""

from __future__ import annotations

import re
from enum import StrEnum


def slugify(ddas_text: str) -> str:
    """``'SMS/Whatsapp'`` -> ``'sms-whatsapp'``; ``'(Budget)advies'`` -> ``'budget-advies'``."""
    return re.sub(r"[^a-z0-9]+", "-", ddas_text.casefold()).strip("-")


class Signaalpartner(StrEnum):
    """DDAS signaalpartner type: the kind of creditor that sent the signal."""

    ENERGIE = "energie"
    HUUR = "huur"
    HYPOTHEEK = "hypotheek"
    CAK_ZORGVERZEKERINGEN = "cak-zorgverzekeringen"
    ZORG = "zorg"
    WATER = "water"
    DUO = "duo"
    BELASTINGDIENST = "belastingdienst"
    CAK_EIGEN_BIJDRAGE = "cak-eigen-bijdrage"
    OVERIGE = "overige"
    DIENST_TOESLAGEN = "dienst-toeslagen"


class ContactpogingSoort(StrEnum):
    """DDAS contactpoging soort: how the municipality tried to reach the household."""

    MAIL = "mail"
    PER_POST = "brief"  # DDAS "Brief": a letter by post
    SMS_WHATSAPP = "sms-whatsapp"
    TELEFOON = "telefoon"
    HUISBEZOEK = "huisbezoek"
    KAARTJE = "kaartje"
    OVERIGE = "overige"
    ADMINISTRATIEF = "administratief"


class Dagdeel(StrEnum):
    """DDAS dagdeel of a contactpoging."""

    OCHTEND = "ochtend"
    MIDDAG = "middag"
    AVOND = "avond"


class Resultaat(StrEnum):
    """DDAS EnumEindresultaat: the outcome of a vroegsignaalzaak.

    All 15 values of DDAS v0.9 (VNG-Realisatie/ddas-vroegsignalering,
    v0.9/json_schema_Uitwisselmodel.json ``$defs.EnumEindresultaat``), in its order.
    """

    HERHAALDE_MELDING = "niet-opgepakt-herhaalde-melding"
    ONTERECHT_SIGNAAL = "niet-opgepakt-onterecht-signaal"
    OVERLEDEN = "inwoner-is-overleden"
    GEEN_INWONER = "persoon-is-geen-inwoner-meer-in-de-gemeente"
    NIET_OPGEPAKT_ANDERE_REDEN = "niet-opgepakt-andere-reden"
    AL_BEKEND = "inwoner-al-bekend-bij-schuldhulpverlening"
    ANDER_LOPEND_TRAJECT = "inwoner-heeft-al-een-ander-lopend-traject"
    GEEN_CONTACT = "definitief-geen-contact-kunnen-krijgen"
    GEEN_REACTIE_NA_CONTACT = "geen-reactie-na-eerder-contact"
    GEEN_HULP_NODIG = "inwoner-hoeft-geen-hulp-vanuit-vroegsignalering"
    ZELF_BETAALD = "inwoner-heeft-zelf-al-betaald-betalingsregeling-getroffen"
    BUDGETADVIES_QUICK_FIX = "budget-advies-en-of-quick-fix"
    VERVOLGHULP_FINANCIEEL = "vervolghulp-en-of-verwijzing-financieel"
    VERWIJZING_ZONDER_CONTACT = "verwijzing-zonder-contact"
    VERVOLGHULP_NIET_FINANCIEEL = "vervolghulp-en-of-verwijzing-niet-financieel"


HULP_GEACCEPTEERD = frozenset(
    {Resultaat.VERVOLGHULP_FINANCIEEL, Resultaat.VERVOLGHULP_NIET_FINANCIEEL}
)
"""The results that count as "accepted help" in bereik vroegsignalering (docs/domain.md#kpis)."""

# The DDAS text of each value, for exports (docs/domain.md#vroegsignalering). One mapping per enum:
# members of
# different enums with the same slug ("overige") are equal strings and would collide.
SIGNAALPARTNER_TEXT = {
    Signaalpartner.ENERGIE: "Energie",
    Signaalpartner.HUUR: "Huur",
    Signaalpartner.HYPOTHEEK: "Hypotheek",
    Signaalpartner.CAK_ZORGVERZEKERINGEN: "CAK Zorgverzekeringen",
    Signaalpartner.ZORG: "Zorg",
    Signaalpartner.WATER: "Water",
    Signaalpartner.DUO: "DUO",
    Signaalpartner.BELASTINGDIENST: "Belastingdienst",
    Signaalpartner.CAK_EIGEN_BIJDRAGE: "CAK Eigen bijdrage",
    Signaalpartner.OVERIGE: "Overige",
    Signaalpartner.DIENST_TOESLAGEN: "Dienst Toeslagen",
}
CONTACTPOGING_SOORT_TEXT = {
    ContactpogingSoort.MAIL: "Mail",
    ContactpogingSoort.PER_POST: "Brief",
    ContactpogingSoort.SMS_WHATSAPP: "SMS/Whatsapp",
    ContactpogingSoort.TELEFOON: "Telefoon",
    ContactpogingSoort.HUISBEZOEK: "Huisbezoek",
    ContactpogingSoort.KAARTJE: "Kaartje",
    ContactpogingSoort.OVERIGE: "Overige",
    ContactpogingSoort.ADMINISTRATIEF: "Administratief",
}
DAGDEEL_TEXT = {Dagdeel.OCHTEND: "Ochtend", Dagdeel.MIDDAG: "Middag", Dagdeel.AVOND: "Avond"}
RESULTAAT_TEXT = {
    Resultaat.HERHAALDE_MELDING: "Niet opgepakt: herhaalde melding",
    Resultaat.ONTERECHT_SIGNAAL: "Niet opgepakt: onterecht signaal",
    Resultaat.OVERLEDEN: "Inwoner is overleden",
    Resultaat.GEEN_INWONER: "Persoon is geen inwoner (meer) in de gemeente",
    Resultaat.NIET_OPGEPAKT_ANDERE_REDEN: "Niet opgepakt: andere reden",
    Resultaat.AL_BEKEND: "Inwoner al bekend bij schuldhulpverlening",
    Resultaat.ANDER_LOPEND_TRAJECT: "Inwoner heeft al een ander lopend traject",
    Resultaat.GEEN_CONTACT: "Definitief geen contact kunnen krijgen",
    Resultaat.GEEN_REACTIE_NA_CONTACT: "Geen reactie na eerder contact",
    Resultaat.GEEN_HULP_NODIG: "Inwoner hoeft geen hulp vanuit vroegsignalering",
    Resultaat.ZELF_BETAALD: "Inwoner heeft zelf al betaald/betalingsregeling getroffen",
    Resultaat.BUDGETADVIES_QUICK_FIX: "(Budget)advies en/of quick fix",
    Resultaat.VERVOLGHULP_FINANCIEEL: "Vervolghulp en/of verwijzing financieel",
    Resultaat.VERWIJZING_ZONDER_CONTACT: "Verwijzing zonder contact",
    Resultaat.VERVOLGHULP_NIET_FINANCIEEL: "Vervolghulp en/of verwijzing niet financieel",
}
