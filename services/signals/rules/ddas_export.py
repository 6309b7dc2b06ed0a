"""The DDAS v0.9 Uitwisselmodel (the monthly delivery to CBS) from vault records: pure.

Which month a zaak belongs to: the month of its first signal, as in bereik vroegsignalering
(docs/domain.md#kpi-bereik-vroegsignalering), so the delivery of a month holds exactly the zaken
that KPI counts for it. Its
signals travel with it (every signal of the zaak, whatever its own date): every signal is
delivered once, in its zaak's month, and every ``vroegsignaalzaken[].vroegsignalen[].ID``
resolves inside the same levering, as the specification asks.

The peildatum cuts the facts like the KPI does: a signal, contactpoging or resultaat dated
after it is not in the delivery, so an export made later for the same peildatum is the same.
Enumerations leave as their DDAS text (shared/core/ddas.py), never as our slugs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from shared.core.ddas import (
    CONTACTPOGING_SOORT_TEXT,
    DAGDEEL_TEXT,
    HULP_GEACCEPTEERD,
    RESULTAAT_TEXT,
    SIGNAALPARTNER_TEXT,
    ContactpogingSoort,
    Dagdeel,
    Resultaat,
    Signaalpartner,
)

# EnumSignaalstatus shares these five texts with EnumEindresultaat: a zaak closed with one
# of them gives its signals that status; an open zaak nobody contacted yet is "Nog niet
# opgepakt"; a picked-up zaak has no status value in DDAS v0.9, so none is sent.
_STATUS_FROM_RESULTAAT = {
    Resultaat.HERHAALDE_MELDING, Resultaat.ONTERECHT_SIGNAAL, Resultaat.OVERLEDEN,
    Resultaat.GEEN_INWONER, Resultaat.NIET_OPGEPAKT_ANDERE_REDEN,
}  # fmt: skip
NOG_NIET_OPGEPAKT = "Nog niet opgepakt"
GEACCEPTEERD_TEXT = frozenset(RESULTAAT_TEXT[r] for r in HULP_GEACCEPTEERD)


@dataclass(frozen=True)
class ExportSignal:
    signaalpartner: str  # slug
    signaal_id: str  # the partner's own ID (DDAS Vroegsignaal.ID)
    signaaldatum: date
    ontstaansdatum: date | None
    bedrag: float
    crisis: bool
    warme_overdracht: bool
    client: Mapping[str, str]  # DDAS Client fields, or empty when the export leaves them out


@dataclass(frozen=True)
class ExportPoging:
    datum: date
    soort: str  # slug
    dagdeel: str | None
    bereikt: bool


@dataclass(frozen=True)
class ExportCase:
    id: str
    matchingsdatum: date
    start: date
    einde: date
    resultaat: str | None  # slug
    resultaat_datum: date | None
    signals: Sequence[ExportSignal]
    pogingen: Sequence[ExportPoging] = field(default_factory=tuple)

    def as_of(self, peildatum: date) -> ExportCase | None:
        """The zaak as known on ``peildatum``; None when no signal of it is known yet."""
        signals = [s for s in self.signals if s.signaaldatum <= peildatum]
        if not signals:
            return None
        known = self.resultaat_datum is not None and self.resultaat_datum <= peildatum
        return replace(
            self,
            signals=tuple(sorted(signals, key=_signal_order)),
            pogingen=tuple(sorted((p for p in self.pogingen if p.datum <= peildatum), key=_order)),
            resultaat=self.resultaat if known else None,
            resultaat_datum=self.resultaat_datum if known else None,
        )

    @property
    def eerste_signaal(self) -> date:
        return min(s.signaaldatum for s in self.signals)


@dataclass(frozen=True)
class DeliveryHeader:
    code_gegevensleverancier: str
    gemeentecode: str
    organisatie: Mapping[str, Any]  # DDAS aanleverende_organisatie


def month_bounds(maand: str) -> tuple[date, date]:
    """``'2026-03'`` -> (2026-03-01, 2026-03-31)."""
    first = date.fromisoformat(f"{maand}-01")
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, date.fromordinal(following.toordinal() - 1)


def cases_of_month(cases: Sequence[ExportCase], maand: str, peildatum: date) -> list[ExportCase]:
    first, last = month_bounds(maand)
    known = (c.as_of(peildatum) for c in cases)
    return sorted(
        (c for c in known if c is not None and first <= c.eerste_signaal <= last),
        key=lambda c: (c.eerste_signaal, c.id),
    )


def uitwisselmodel(
    cases: Sequence[ExportCase], maand: str, header: DeliveryHeader, aangeleverd: datetime
) -> dict[str, Any]:
    """The delivery document of ``maand``; ``cases`` already cut to the peildatum."""
    first, last = month_bounds(maand)
    ids = _ddas_ids([s for c in cases for s in c.signals])
    levering = {
        "teller": 1,
        "gemeentecode": header.gemeentecode,
        "aanleverende_organisatie": dict(header.organisatie),
        "vroegsignalen": [_signal(s, c, ids) for c in cases for s in c.signals],
        "vroegsignaalzaken": [_case(c, ids) for c in cases],
    }
    return {
        "codeGegevensleverancier": header.code_gegevensleverancier,
        "startdatumLevering": first.isoformat(),
        "einddatumLevering": last.isoformat(),
        "aanleverdatumEnTijd": aangeleverd.isoformat().replace("+00:00", "Z"),
        "leveringen": [levering],
    }


def _ddas_ids(signals: Sequence[ExportSignal]) -> dict[tuple[str, str], str]:
    """The partner's ID, qualified by its type only where two partner types share an ID."""
    shared = Counter(s.signaal_id for s in signals)
    return {
        (s.signaalpartner, s.signaal_id): (
            s.signaal_id if shared[s.signaal_id] == 1 else f"{s.signaalpartner}/{s.signaal_id}"
        )
        for s in signals
    }


def _signal(s: ExportSignal, case: ExportCase, ids: Mapping[tuple[str, str], str]) -> Any:
    found: dict[str, Any] = {
        "ID": ids[s.signaalpartner, s.signaal_id],
        "crisissignaal": s.crisis,
        "warmeOverdracht": s.warme_overdracht,
        "bedrag": int(Decimal(str(s.bedrag)).quantize(Decimal(1), ROUND_HALF_UP)),
        "signaaldatum": s.signaaldatum.isoformat(),
        "signaalpartner": {"type": SIGNAALPARTNER_TEXT[Signaalpartner(s.signaalpartner)]},
        "client": dict(s.client),
    }
    if s.ontstaansdatum is not None:
        found["ontstaansdatum"] = s.ontstaansdatum.isoformat()
    status = _status(case)
    if status is not None:
        found["status"] = status
    return found


def _status(case: ExportCase) -> str | None:
    if case.resultaat is not None and Resultaat(case.resultaat) in _STATUS_FROM_RESULTAAT:
        return RESULTAAT_TEXT[Resultaat(case.resultaat)]
    if not case.pogingen and case.resultaat is None:
        return NOG_NIET_OPGEPAKT
    return None


def _case(case: ExportCase, ids: Mapping[tuple[str, str], str]) -> dict[str, Any]:
    found: dict[str, Any] = {
        "matchingsdatum": case.matchingsdatum.isoformat(),
        "startdatum_matchtingperiode": case.start.isoformat(),  # sic: the schema's spelling
        "einddatum_matchingperiode": case.einde.isoformat(),
        "vroegsignalen": [{"ID": ids[s.signaalpartner, s.signaal_id]} for s in case.signals],
        "contactpogingen": [_poging(p) for p in case.pogingen],
    }
    if case.pogingen:  # DDAS datum opgepakt: the first contactpoging
        found["datum_opgepakt"] = case.pogingen[0].datum.isoformat()
    if case.resultaat is not None:
        found["resultaat"] = RESULTAAT_TEXT[Resultaat(case.resultaat)]
    return found


def _poging(p: ExportPoging) -> dict[str, Any]:
    found: dict[str, Any] = {
        "soort": CONTACTPOGING_SOORT_TEXT[ContactpogingSoort(p.soort)],
        "bereikt": p.bereikt,
        "datum": p.datum.isoformat(),
    }
    if p.dagdeel is not None:
        found["dagdeel"] = DAGDEEL_TEXT[Dagdeel(p.dagdeel)]
    return found


def _order(p: ExportPoging) -> tuple[date, str, str, bool]:
    return (p.datum, p.soort, p.dagdeel or "", p.bereikt)


def _signal_order(s: ExportSignal) -> tuple[date, str, str]:
    return (s.signaaldatum, s.signaalpartner, s.signaal_id)


def delivery_counts(document: Mapping[str, Any]) -> dict[str, int]:
    """bereik vroegsignalering's counts, read back from a delivery document (its own check)."""
    zaken = [z for levering in document["leveringen"] for z in levering["vroegsignaalzaken"]]
    return {
        "zaken": len(zaken),
        "n_contact": sum(bool(z["contactpogingen"]) for z in zaken),
        "n_bereikt": sum(any(p["bereikt"] for p in z["contactpogingen"]) for z in zaken),
        "n_geaccepteerd": sum(z.get("resultaat") in GEACCEPTEERD_TEXT for z in zaken),
        "vroegsignalen": sum(len(lev["vroegsignalen"]) for lev in document["leveringen"]),
    }
