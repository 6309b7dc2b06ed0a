"""Seeded demo vroegsignalering for Helmond: signals, household cases, outreach and outcome.

Pure (no Kafka, Redis or HTTP). ``plan_vroegsignalering`` draws, in identified form (fake
people with test BSNs, Helmond addresses), what the signaalpartners deliver and what the
vroegsignalering team does; demo/vroegsignaal_output.py writes it as DDAS-shaped
delivery files, as the outreach API calls, or as the pseudonymised catalog events the signals
service would publish. docs/demo.md describes the volumes and the mix; the figures are made
up to be plausible, not Helmond's own.

Grouping follows docs/domain.md#vroegsignalering: per household (normalised postcode + huisnummer +
toevoeging), a
case's matching period starts at the signaaldatum of its first signal and lasts the window
(default 3 months, from the domain configuration); a signal dated before the period's end
joins the case, a later one opens a new case.
"""

from __future__ import annotations

import calendar
import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TypeVar

from demo.population import Population, test_bsn
from shared.core.ddas import ContactpogingSoort, Dagdeel, Resultaat, Signaalpartner
from shared.core.domain_config import DomainConfig

SIGNALS_PER_1000_PER_MONTH = 4.0  # Divosa monitor 2023, docs/domain.md#vroegsignalering
HELMOND_INHABITANTS = 92_000

# Share of signals per signaalpartner type: zorg 41% (CAK and insurers), huur 20%,
# energie 20%, water 18%; the rest spread thinly over the other DDAS types.
PARTNER_MIX: dict[Signaalpartner, float] = {
    Signaalpartner.CAK_ZORGVERZEKERINGEN: 0.16,
    Signaalpartner.ZORG: 0.25,
    Signaalpartner.HUUR: 0.20,
    Signaalpartner.ENERGIE: 0.19,
    Signaalpartner.WATER: 0.17,
    Signaalpartner.HYPOTHEEK: 0.01,
    Signaalpartner.DIENST_TOESLAGEN: 0.01,
    Signaalpartner.OVERIGE: 0.01,
}
T = TypeVar("T")
ZORG = frozenset({Signaalpartner.CAK_ZORGVERZEKERINGEN, Signaalpartner.ZORG})
# Crisis: energy companies' eindeleveringssignalen, and huur when eviction is near.
CRISIS_RATE = {Signaalpartner.ENERGIE: 0.08, Signaalpartner.HUUR: 0.05}
REPEAT_RATE = 0.22  # a signal for a household that had one in the last months
NO_OUTREACH_RATE = 0.04  # picked up as onterecht without any contactpoging
REACH_RATE_PER_ATTEMPT = 0.42
MAX_ATTEMPTS = 3
ACCEPT_RATE = 1 / 3  # of reached households (issue 7: about one in three)
CORRECTION_RATE = 0.02  # a signal or resultaat sent again, corrected

_SURNAMES = (
    ("", "Jansen"), ("de", "Vries"), ("van den", "Berg"), ("", "Bakker"), ("", "Visser"),
    ("", "Smits"), ("van", "Dijk"), ("", "Hendriks"), ("van der", "Heijden"), ("", "Verhoeven"),
    ("de", "Wit"), ("", "Peters"), ("van", "Leeuwen"), ("", "Yilmaz"), ("", "Kaya"),
    ("el", "Amrani"), ("", "Wouters"), ("van de", "Ven"), ("", "Aarts"), ("", "Coppens"),
)  # fmt: skip
_STREETS = (
    "Kerkstraat", "Molenstraat", "Hoofdstraat", "Julianalaan", "Wethouder Ebbenlaan",
    "Steenweg", "Brandevoortse Dreef", "Mierloseweg", "Deurneseweg", "Torenstraat",
)  # fmt: skip
_SOORTEN = (
    (ContactpogingSoort.PER_POST, 0.30), (ContactpogingSoort.TELEFOON, 0.30),
    (ContactpogingSoort.HUISBEZOEK, 0.20), (ContactpogingSoort.SMS_WHATSAPP, 0.10),
    (ContactpogingSoort.MAIL, 0.05), (ContactpogingSoort.KAARTJE, 0.05),
)  # fmt: skip
_NOT_ACCEPTED = (
    (Resultaat.GEEN_HULP_NODIG, 0.40), (Resultaat.AL_BEKEND, 0.20),
    (Resultaat.BUDGETADVIES_QUICK_FIX, 0.40),
)  # fmt: skip


@dataclass(frozen=True)
class Person:
    bsn: str
    voorletters: str
    voorvoegsel: str
    achternaam: str
    geboortedatum: date


@dataclass(frozen=True)
class Household:
    postcode: str
    huisnummer: int
    toevoeging: str | None
    straat: str
    wijk: str
    persons: tuple[Person, ...]

    @property
    def address_key(self) -> tuple[str, int, str]:
        return self.postcode, self.huisnummer, (self.toevoeging or "").upper()


@dataclass(frozen=True)
class PlannedSignal:
    signaal_id: str
    household: Household
    person: Person
    signaalpartner: Signaalpartner
    bedrag: int
    ontstaansdatum: date
    signaaldatum: date
    crisis: bool
    corrected_bedrag: int | None = None
    """Set when the partner sends the signal again with a corrected bedrag."""


@dataclass(frozen=True)
class PlannedContact:
    datum: date
    soort: ContactpogingSoort
    dagdeel: Dagdeel
    bereikt: bool


@dataclass
class PlannedCase:
    case_id: str
    household: Household
    signals: list[PlannedSignal] = field(default_factory=list)
    contacts: list[PlannedContact] = field(default_factory=list)
    resultaat: tuple[date, Resultaat] | None = None
    corrected_from: Resultaat | None = None
    """Set when the team first recorded this other resultaat and corrected it later."""

    @property
    def start(self) -> date:
        return self.signals[0].signaaldatum


@dataclass(frozen=True)
class VroegsignaalOptions:
    start: date
    months: int = 12
    seed: int = 7
    today: date | None = None
    """Nothing dated after this day is planned (default: the end of the last month)."""
    inhabitants: int = HELMOND_INHABITANTS
    per_1000: float = SIGNALS_PER_1000_PER_MONTH

    @property
    def last_day(self) -> date:
        end = plus_months(self.start.replace(day=1), self.months) - timedelta(days=1)
        return min(end, self.today) if self.today else end


def plus_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's length (31 Jan + 1 = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def group_cases(signals: list[PlannedSignal], window_months: int) -> list[PlannedCase]:
    """docs/domain.md#vroegsignalering: per household, a case from its first signal for
    ``window_months``."""
    cases: list[PlannedCase] = []
    open_case: dict[tuple[str, int, str], PlannedCase] = {}
    for signal in sorted(signals, key=lambda s: (s.signaaldatum, s.signaal_id)):
        key = signal.household.address_key
        case = open_case.get(key)
        if case is None or signal.signaaldatum >= plus_months(case.start, window_months):
            case = PlannedCase(f"VSZ-{len(cases) + 1:06d}", signal.household)
            cases.append(case)
            open_case[key] = case
        case.signals.append(signal)
    return cases


def plan_vroegsignalering(options: VroegsignaalOptions, domain: DomainConfig) -> list[PlannedCase]:
    """Every case of the demo window with its signals, contactpogingen and resultaat."""
    rng = random.Random(options.seed)  # noqa: S311  (seeded demo data, not a secret)
    population = Population(domain)
    signals = _signals(rng, options, population, domain)
    cases = group_cases(signals, domain.retention.vroegsignalering.matching_window_months)
    for case in cases:
        _outreach(rng, case, options.last_day)
    return cases


def _signals(
    rng: random.Random, options: VroegsignaalOptions, population: Population, domain: DomainConfig
) -> list[PlannedSignal]:
    mean = options.inhabitants * options.per_1000 / 1000
    recent: list[tuple[date, Household]] = []
    signals: list[PlannedSignal] = []
    for m in range(options.months):
        first = plus_months(options.start.replace(day=1), m)
        days = calendar.monthrange(first.year, first.month)[1]
        count = max(0, round(rng.gauss(mean, math.sqrt(mean))))
        for day in sorted(first + timedelta(days=rng.randrange(days)) for _ in range(count)):
            if day > options.last_day:
                continue
            recent = [(d, h) for d, h in recent if (day - d).days <= 120]
            if recent and rng.random() < REPEAT_RATE:
                household = rng.choice(recent)[1]
            else:
                household = _household(rng, population, domain)
            recent.append((day, household))
            signals.append(_signal(rng, len(signals) + 1, household, day))
    return signals


def _signal(rng: random.Random, number: int, household: Household, day: date) -> PlannedSignal:
    partner = rng.choices(list(PARTNER_MIX), weights=list(PARTNER_MIX.values()))[0]
    arrears_days = rng.randint(30, 100) if partner in ZORG else rng.randint(30, 90)
    bedrag = int(rng.lognormvariate(math.log(160 if partner is Signaalpartner.WATER else 480), 0.6))
    corrected = bedrag + rng.randint(-40, 120) if rng.random() < CORRECTION_RATE else None
    return PlannedSignal(
        signaal_id=f"VS-{day:%Y%m}-{number:06d}",
        household=household,
        person=rng.choice(household.persons),
        signaalpartner=partner,
        bedrag=bedrag,
        ontstaansdatum=day - timedelta(days=arrears_days),
        signaaldatum=day,
        crisis=rng.random() < CRISIS_RATE.get(partner, 0.01),
        corrected_bedrag=max(0, corrected) if corrected is not None else None,
    )


def _household(rng: random.Random, population: Population, domain: DomainConfig) -> Household:
    postcode = population.postcode(rng)
    surname = rng.choice(_SURNAMES)
    persons = tuple(_person(rng, surname) for _ in range(rng.choice((1, 1, 2))))
    return Household(
        postcode=postcode,
        huisnummer=int(rng.triangular(1, 250, 12)),
        toevoeging=rng.choice(("A", "B", "1")) if rng.random() < 0.1 else None,
        straat=rng.choice(_STREETS),
        wijk=domain.wijk_for_postcode(postcode),
        persons=persons,
    )


def _person(rng: random.Random, surname: tuple[str, str]) -> Person:
    return Person(
        bsn=test_bsn(rng),
        voorletters="".join(
            f"{rng.choice('ABCDEFGHIJKLMNPRSTW')}." for _ in range(rng.randint(1, 2))
        ),
        voorvoegsel=surname[0],
        achternaam=surname[1],
        geboortedatum=date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 52)),
    )


def _outreach(rng: random.Random, case: PlannedCase, last_day: date) -> None:
    """Contactpogingen until reached (at most three), then the resultaat; nothing after
    ``last_day`` (a recent case is simply not that far yet)."""
    crisis = any(s.crisis for s in case.signals)
    if rng.random() < NO_OUTREACH_RATE and not crisis:
        _set_resultaat(rng, case, case.start + timedelta(days=rng.randint(2, 10)),
                       Resultaat.ONTERECHT_SIGNAAL, last_day)  # fmt: skip
        return
    day = case.start + timedelta(days=rng.randint(1, 4) if crisis else rng.randint(2, 21))
    reach = REACH_RATE_PER_ATTEMPT + (0.2 if crisis else 0.0)
    for attempt in range(MAX_ATTEMPTS):
        if day > last_day:
            return
        soort = ContactpogingSoort.HUISBEZOEK if crisis and attempt else _pick(rng, _SOORTEN)
        reached = rng.random() < reach
        case.contacts.append(PlannedContact(day, soort, rng.choice(list(Dagdeel)), reached))
        if reached:
            if rng.random() < ACCEPT_RATE:
                financieel = rng.random() < 0.7
                result = (Resultaat.VERVOLGHULP_FINANCIEEL if financieel
                          else Resultaat.VERVOLGHULP_NIET_FINANCIEEL)  # fmt: skip
            else:
                result = _pick(rng, _NOT_ACCEPTED)
            _set_resultaat(rng, case, day + timedelta(days=rng.randint(0, 14)), result, last_day)
            return
        day += timedelta(days=rng.randint(3, 10))
    _set_resultaat(rng, case, day + timedelta(days=rng.randint(7, 21)), Resultaat.GEEN_CONTACT,
                   last_day)  # fmt: skip


def _set_resultaat(
    rng: random.Random, case: PlannedCase, day: date, result: Resultaat, last_day: date
) -> None:
    if day > last_day:
        return
    case.resultaat = (day, result)
    if rng.random() < CORRECTION_RATE:
        case.corrected_from = _pick(rng, _NOT_ACCEPTED)


def _pick(rng: random.Random, weighted: tuple[tuple[T, float], ...]) -> T:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]
