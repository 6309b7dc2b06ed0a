"""The domain configuration file: legal terms, wijken, retention, validated on load.

A municipality edits one YAML file; a mistake in it must stop a service at start-up with a
message that names the path of the bad value, never half-apply.
"""

from __future__ import annotations

import itertools
import re
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

ONBEKEND = "onbekend"
GEMEENTE = "gemeente"
_POSTCODE = re.compile(r"^\s*([1-9][0-9]{3})\s*([A-Za-z]{2})?\s*$")


class Wet(StrEnum):
    WMO = "wmo"
    JEUGDWET = "jeugdwet"
    PARTICIPATIEWET = "participatiewet"
    WGS = "wgs"
    STH = "sth"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Term(_Strict):
    amount: int = Field(gt=0)
    unit: Literal["weeks", "days", "werkdagen"]


class ClockConfig(_Strict):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    wet: Wet
    start: str
    start_fallback: str | None = None
    stop: str
    term: Term
    warning_days: int | None = Field(None, ge=0)
    crisis_term: Term | None = None
    crisis_warning_days: int | None = Field(None, ge=0)
    headline: bool = False
    source: str

    @property
    def is_besluit_clock(self) -> bool:
        """Only the Awb beslistermijnen know opschorting and verdaging
        (docs/domain.md#laws-and-clocks)."""
        return self.stop == "zaak.besloten"


class PostcodeRange(_Strict):
    van: str
    tot: str

    @model_validator(mode="after")
    def _ordered(self) -> PostcodeRange:
        van, tot = normalise_postcode(self.van), normalise_postcode(self.tot)
        if van is None or tot is None:
            raise ValueError("postcode range bounds must look like 5701AA")
        if van > tot:
            raise ValueError(f"range starts after it ends ({self.van} > {self.tot})")
        return self


class WijkConfig(_Strict):
    naam: str = Field(min_length=1)
    cbs_code: str | None = None
    huishoudens: int | None = Field(None, ge=0)
    postcodes: list[PostcodeRange] = Field(default_factory=list)


class TopicRetention(_Strict):
    events_days: int = Field(gt=0)
    vroegsignalen_days: int = Field(gt=0)
    alerts_days: int = Field(gt=0)
    dlq_days: int = Field(gt=0)
    iwmo_parked_days: int = Field(gt=0)


class VroegsignaleringRetention(_Strict):
    never_picked_up_months: int = Field(gt=0)
    after_opgepakt_months: int = Field(gt=0)
    after_closed_months: int = Field(gt=0)
    matching_window_months: int = Field(gt=0)


class Retention(_Strict):
    topics: TopicRetention
    vroegsignalering: VroegsignaleringRetention


class SmallNumbers(_Strict):
    threshold: int = Field(5, ge=1)


class Gemeente(_Strict):
    naam: str
    gemeentecode: str = Field(pattern=r"^[0-9]{4}$")


ZgwStatusEvent = Literal[
    "zaak.onderzoek-afgerond", "zaak.aanvraag-ontvangen", "zaak.eerste-contact"
]
Uitkomst = Literal["toegekend", "afgewezen", "buiten-behandeling", "ingetrokken"]
_URL = r"^https?://\S+$"


class ZgwZaaktype(_Strict):
    """A zaaktype (its Catalogi API URL) whose zaken are sociaal-domein zaken."""

    url: str = Field(pattern=_URL)
    omschrijving: str = ""  # for the reader of this file only
    wet: Wet
    soort: Literal["melding", "aanvraag", "hulpvraag"]
    crisis: bool = False
    statustypen: dict[str, ZgwStatusEvent] = Field(default_factory=dict)
    afsluiten: bool = False  # einddatum -> zaak.afgesloten (trajectories, e.g. STH)
    verwezen_resultaattypen: list[str] = Field(default_factory=list)


class ZgwBesluittype(_Strict):
    url: str = Field(pattern=_URL)
    omschrijving: str = ""
    uitkomst: Uitkomst


class ZgwConfig(_Strict):
    """How zaken of a ZGW Zaken API map onto the catalog (docs/adapters.md, ZGW)."""

    wijk_kenmerk_bron: str | None = None
    besluit_uitkomst: Uitkomst = "toegekend"
    zaaktypen: list[ZgwZaaktype] = Field(default_factory=list)
    besluittypen: list[ZgwBesluittype] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique(self) -> ZgwConfig:
        for kind, urls in (
            ("zaaktype", [z.url for z in self.zaaktypen]),
            ("besluittype", [b.url for b in self.besluittypen]),
        ):
            if len(urls) != len(set(urls)):
                raise ValueError(f"each {kind} URL may be listed once")
        return self

    def zaaktype(self, url: str) -> ZgwZaaktype | None:
        return next((z for z in self.zaaktypen if z.url == url), None)

    def uitkomst(self, besluittype: str) -> Uitkomst:
        found = (b.uitkomst for b in self.besluittypen if b.url == besluittype)
        return next(found, self.besluit_uitkomst)


SIGNAL_FIELDS = (
    "signaal_id", "signaalpartner", "bedrag", "ontstaansdatum", "signaaldatum", "crisissignaal",
    "warme_overdracht", "bsn", "voorletters", "voorvoegsel", "achternaam", "geboortedatum",
    "straat", "postcode", "huisnummer", "toevoeging", "plaats",
)  # fmt: skip
"""The fields of one vroegsignaal (DDAS Vroegsignaal with its Client), as the loader names them."""
REQUIRED_SIGNAL_FIELDS = frozenset(
    {"signaal_id", "signaalpartner", "bedrag", "signaaldatum", "postcode", "huisnummer"}
)


class SignalsCsv(_Strict):
    """How a CSV delivery's columns map onto the vroegsignaal fields (docs/signals.md)."""

    delimiter: str = Field(";", min_length=1, max_length=1)
    encoding: str = "utf-8-sig"  # a BOM from a spreadsheet export is not part of a header
    columns: dict[str, str] = Field(default_factory=lambda: {f: f for f in SIGNAL_FIELDS})

    @model_validator(mode="after")
    def _mapping(self) -> SignalsCsv:
        unknown = set(self.columns) - set(SIGNAL_FIELDS)
        if unknown:
            raise ValueError(f"unknown vroegsignaal fields: {sorted(unknown)}")
        missing = REQUIRED_SIGNAL_FIELDS - set(self.columns)
        if missing:
            raise ValueError(f"columns must map the required fields {sorted(missing)}")
        headers = [h.casefold() for h in self.columns.values()]
        if len(headers) != len(set(headers)):
            raise ValueError("each column header may be mapped once")
        return self


class SignalsConfig(_Strict):
    csv: SignalsCsv = Field(default_factory=SignalsCsv)


class Norm(_Strict):
    """A norm or target shown beside one figure of a KPI (docs/domain.md#norms).

    A reference only: it never changes how the figure is computed (the STH norm day, for
    one, is the ``sth-opgepakt`` clock's term).
    """

    kpi: str = Field(pattern=r"^[a-z0-9-]+$")
    figure: str = Field(pattern=r"^[a-z0-9_]+$")
    value: int | float = Field(ge=0)
    comparison: Literal[">=", ">", "<=", "<", "=="]
    """How the figure relates to the value when the norm is met: ``>=`` means at least."""
    unit: Literal["%", "werkdagen", "dagen", "weken", "aantal"]
    source: str = Field(min_length=1)
    valid_from: date | None = None
    """The first day the norm applies; None when the source names no day."""


class DomainConfig(_Strict):
    version: Literal[1]
    gemeente: Gemeente
    clocks: list[ClockConfig]
    gelijkgestelde_dagen: list[date]
    retention: Retention
    small_numbers: SmallNumbers
    wijken: list[WijkConfig]
    zgw: ZgwConfig = Field(default_factory=ZgwConfig)
    signals: SignalsConfig = Field(default_factory=SignalsConfig)
    norms: list[Norm] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> DomainConfig:
        ids = [c.id for c in self.clocks]
        if len(ids) != len(set(ids)):
            raise ValueError("clock ids must be unique")
        norms = [(n.kpi, n.figure, n.valid_from) for n in self.norms]
        if len(norms) != len(set(norms)):
            raise ValueError("norms: each kpi, figure and valid_from may be listed once")
        names = [w.naam for w in self.wijken]
        if len(names) != len(set(names)):
            raise ValueError("wijk names must be unique")
        if {ONBEKEND, GEMEENTE} & set(names):
            raise ValueError(f"'{ONBEKEND}' and '{GEMEENTE}' are reserved, not wijk names")
        self._check_overlaps()
        return self

    def _check_overlaps(self) -> None:
        ranges = sorted(
            (normalise_postcode(r.van) or "", normalise_postcode(r.tot) or "", w.naam)
            for w in self.wijken
            for r in w.postcodes
        )
        for (_, prev_tot, prev), (van, _, naam) in itertools.pairwise(ranges):
            if van <= prev_tot:
                raise ValueError(f"postcode ranges of {prev} and {naam} overlap at {van}")

    @property
    def wijk_names(self) -> list[str]:
        return [w.naam for w in self.wijken]

    def clocks_for(self, wet: Wet) -> list[ClockConfig]:
        return [c for c in self.clocks if c.wet is wet]

    def wijk_for_postcode(self, postcode: str) -> str:
        """The configured wijk of a postcode; ``onbekend`` when it matches none."""
        normalised = normalise_postcode(postcode)
        if normalised is None:
            return ONBEKEND
        # A bare PC4 matches a range when its whole block lies in it.
        lo, hi = (
            (normalised, normalised)
            if len(normalised) == 6
            else (normalised + "AA", normalised + "ZZ")
        )
        for wijk in self.wijken:
            for r in wijk.postcodes:
                van, tot = normalise_postcode(r.van), normalise_postcode(r.tot)
                if van is not None and tot is not None and van <= lo and hi <= tot:
                    return wijk.naam
        return ONBEKEND

    def resolve_wijk(self, wijk: str | None) -> str:
        """A configured wijk name as sent (case-insensitive), else ``onbekend``."""
        if wijk:
            for naam in self.wijk_names:
                if naam.casefold() == wijk.strip().casefold():
                    return naam
        return ONBEKEND


def normalise_postcode(postcode: str) -> str | None:
    """``5701 ab`` -> ``5701AB``; a bare PC4 stays 4 digits; anything else is None."""
    match = _POSTCODE.match(postcode)
    if match is None:
        return None
    digits, letters = match.groups()
    return digits + (letters or "").upper()


class DomainConfigError(ValueError):
    """The domain configuration file is missing or invalid; the message names what and where."""


def load_domain_config(path: Path) -> DomainConfig:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DomainConfigError(f"{path}: cannot read domain configuration: {exc}") from exc
    except yaml.YAMLError as exc:
        raise DomainConfigError(f"{path}: not valid YAML: {exc}") from exc
    try:
        return DomainConfig.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}"
            for err in exc.errors()
        )
        raise DomainConfigError(f"{path}: invalid domain configuration: {problems}") from exc
