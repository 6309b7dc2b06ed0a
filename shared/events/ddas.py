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
    BRIEF = "brief"
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

    TO BE COMPLETED against DDAS v0.9 (docs/definities/ of VNG-Realisatie/
    ddas-vroegsignalering): DDAS has 15 values; these are the 7 the brief names. Adding the
    other 8 is a minor catalog version (new allowed values, nothing removed).
    """

    GEEN_HULP_NODIG = "inwoner-hoeft-geen-hulp-vanuit-vroegsignalering"
    AL_BEKEND = "inwoner-al-bekend-bij-schuldhulpverlening"
    BUDGETADVIES_QUICK_FIX = "budget-advies-en-of-quick-fix"
    VERVOLGHULP_FINANCIEEL = "vervolghulp-en-of-verwijzing-financieel"
    VERVOLGHULP_NIET_FINANCIEEL = "vervolghulp-en-of-verwijzing-niet-financieel"
    GEEN_CONTACT = "definitief-geen-contact-kunnen-krijgen"
    ONTERECHT_SIGNAAL = "niet-opgepakt-onterecht-signaal"


HULP_GEACCEPTEERD = frozenset(
    {Resultaat.VERVOLGHULP_FINANCIEEL, Resultaat.VERVOLGHULP_NIET_FINANCIEEL}
)
"""The results that count as "accepted help" in bereik vroegsignalering (BRIEF §4)."""

# The DDAS text of each value, for exports (BRIEF §3). One mapping per enum: members of
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
    ContactpogingSoort.BRIEF: "Brief",
    ContactpogingSoort.SMS_WHATSAPP: "SMS/Whatsapp",
    ContactpogingSoort.TELEFOON: "Telefoon",
    ContactpogingSoort.HUISBEZOEK: "Huisbezoek",
    ContactpogingSoort.KAARTJE: "Kaartje",
    ContactpogingSoort.OVERIGE: "Overige",
    ContactpogingSoort.ADMINISTRATIEF: "Administratief",
}
DAGDEEL_TEXT = {Dagdeel.OCHTEND: "Ochtend", Dagdeel.MIDDAG: "Middag", Dagdeel.AVOND: "Avond"}
RESULTAAT_TEXT = {
    Resultaat.GEEN_HULP_NODIG: "Inwoner hoeft geen hulp vanuit vroegsignalering",
    Resultaat.AL_BEKEND: "Inwoner al bekend bij schuldhulpverlening",
    Resultaat.BUDGETADVIES_QUICK_FIX: "(Budget)advies en/of quick fix",
    Resultaat.VERVOLGHULP_FINANCIEEL: "Vervolghulp en/of verwijzing financieel",
    Resultaat.VERVOLGHULP_NIET_FINANCIEEL: "Vervolghulp en/of verwijzing niet financieel",
    Resultaat.GEEN_CONTACT: "Definitief geen contact kunnen krijgen",
    Resultaat.ONTERECHT_SIGNAAL: "Niet opgepakt: onterecht signaal",
}
