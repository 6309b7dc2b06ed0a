"""The shape of Helmond's sociaal domein as the demo stream reproduces it.

Volumes are plausible for a gemeente of ~92k inhabitants and ~41k households (a few hundred
requests a month); they are estimates for a demo, not Helmond's figures. Rates are per zaak
unless noted. Everything the generator draws from is here, so tuning the demo is one file.
"""

from __future__ import annotations

from typing import Final

from shared.core.domain_config import Wet

# New zaken per month at scale 1 (zaak.aangemeld).
MONTHLY: Final = {
    Wet.WMO: 150,
    Wet.JEUGDWET: 55,
    Wet.PARTICIPATIEWET: 75,
    Wet.WGS: 35,
    Wet.STH: 110,
}
SEASON: Final = {1: 1.1, 7: 0.8, 8: 0.75, 12: 0.85}  # month -> factor, others 1.0
SOORT: Final = {
    Wet.WMO: "melding",
    Wet.JEUGDWET: "aanvraag",
    Wet.PARTICIPATIEWET: "aanvraag",
    Wet.WGS: "hulpvraag",
    Wet.STH: "hulpvraag",
}
ZAAK_PREFIX: Final = {
    Wet.WMO: "WMO",
    Wet.JEUGDWET: "JGD",
    Wet.PARTICIPATIEWET: "PW",
    Wet.WGS: "SHV",
    Wet.STH: "STH",
}

# Koers sociaal domein 2024-2028: the most vulnerable wijken; weight = households x factor.
VULNERABILITY: Final = {
    "Helmond-West": 1.9,
    "Binnenstad": 1.8,
    "Helmond-Oost": 1.7,
    "Helmond-Noord": 1.7,
    "Brandevoort": 0.6,
    "Dierdonk": 0.7,
}
ONBEKEND_RATE: Final = 0.03  # postcode outside Helmond (a resident who just moved, a typo)
OUTSIDE_PC4: Final = ("5751", "5731", "5741", "5641", "5612", "5421", "5761")
WIJK_NAME_RATE: Final = 0.40  # the rest is split between a bare postcode and a client block
CLIENT_RATE: Final = 0.25

# Besluiten: the policy reference is ~80% within the legal term.
ON_TIME: Final = 0.78
OPSCHORTING: Final = {
    Wet.WMO: 0.12,
    Wet.JEUGDWET: 0.15,
    Wet.PARTICIPATIEWET: 0.25,
    Wet.WGS: 0.10,
}
OPEN_OPSCHORTING: Final = 0.10  # never supplemented: ends in buiten-behandeling (Awb 4:5)
VERDAGING: Final = {
    Wet.WMO: 0.03,
    Wet.JEUGDWET: 0.06,
    Wet.PARTICIPATIEWET: 0.02,
    Wet.WGS: 0.03,
}
# toegekend, afgewezen, ingetrokken (buiten-behandeling comes from open opschortingen)
UITKOMST: Final = {
    Wet.WMO: (0.82, 0.12, 0.06),
    Wet.JEUGDWET: (0.86, 0.08, 0.06),
    Wet.PARTICIPATIEWET: (0.72, 0.22, 0.06),
    Wet.WGS: (0.78, 0.12, 0.10),
}
WGS_CRISIS: Final = 0.10
FIRST_CONTACT_ON_TIME: Final = 0.86  # STH 10 werkdagen, Wgs 4 weeks / 3 werkdagen
STH_VERWEZEN: Final = 0.20

# Care after a toekenning (Wmo, Jeugdwet): median wait in days, share started before the
# besluit (spoed), share never started within the demo, share stopped again.
WAIT_MEDIAN: Final = {Wet.WMO: 18.0, Wet.JEUGDWET: 35.0}
SPOED: Final = 0.04
NEVER_STARTED: Final = 0.04
BEEINDIGD: Final = 0.5
# Illustrative iWmo/iJw product categories and codes, and AGB-like provider codes.
PRODUCTS: Final = {
    Wet.WMO: (("01", "01A01"), ("02", "02A03"), ("04", "04A05"), ("08", "08A01")),
    Wet.JEUGDWET: (("40", "45A48"), ("43", "43A32"), ("44", "44A05")),
}
AANBIEDERS: Final = ("75750001", "75750024", "73730109", "75759003", "73734402")

# Delivery quirks, per event: a retry of the same event, a late delivery, a correction.
DUPLICATE_RATE: Final = 0.02
OUT_OF_ORDER_RATE: Final = 0.05
CORRECTION_RATE: Final = 0.015

OIN: Final = "00000001002220647000"
SYSTEMS: Final = {
    Wet.WMO: "wmo-zaaksysteem",
    Wet.JEUGDWET: "jeugd-zaaksysteem",
    Wet.PARTICIPATIEWET: "inkomen-zaaksysteem",
    Wet.WGS: "schuldhulp-zaaksysteem",
    Wet.STH: "sth-registratie",
}
CARE_SYSTEMS: Final = {Wet.WMO: "iwmo-adapter", Wet.JEUGDWET: "ijw-adapter"}


def source_urn(system: str) -> str:
    return f"urn:nld:oin:{OIN}:systeem:{system}"
