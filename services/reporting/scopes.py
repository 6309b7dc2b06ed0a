"""Which single zaken a caller may read (docs/signin.md#roles): the role analist every wijk,
a teamleider only the wijken of its ``wijken`` claim, every other role none (counts only);
and which KPI figures it reads with small numbers: whole tables (``sees_small_numbers``) or
the cells of a team lead's own wijken (``exact_wijken``).

Zaak-level routes ask here before they read: the lists (open over termijn, wachtend), one
zaak's termijnen and the alert feed. A refusal is a 403 problem in Dutch that says what the
caller may read instead; a teamleider's refusal names the wijk it asked for and its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fastapi import Request

from services.reporting.access import Caller
from services.reporting.settings import ReportingRole
from shared.core.domain_config import GEMEENTE, ONBEKEND
from shared.core.kpi.definition import CellSource, KpiDefinition
from shared.platform.problems import ProblemError


@dataclass(frozen=True)
class ZaakScope:
    """The wijken whose single zaken a caller reads; ``wijken`` None: every wijk."""

    wijken: tuple[str, ...] | None

    def allows(self, wijk: str | None) -> bool:
        return self.wijken is None or wijk in self.wijken

    def wijk_filter(self, wijk: str | None) -> str | None:
        """The query's wijk (a configured name, onbekend, gemeente or None) for this scope:
        unchanged when allowed; gemeente or none for a teamleider means its own wijken (the
        rows are then filtered by ``allows``); another wijk is refused, naming it."""
        if self.wijken is None or wijk in self.wijken:
            return wijk
        if wijk is None or wijk == GEMEENTE:
            return None
        raise ProblemError(
            403,
            "wijk-not-allowed",
            "Niet uw wijk",
            f"U leest als teamleider de zaken van {_names(self.wijken)}; de zaken van wijk "
            f"{wijk} zijn niet voor u. Laat de wijk weg om al uw wijken te zien.",
            [{"field": "wijk", "reason": f"{wijk} is niet een van uw wijken"}],
        )

    def require_zaak(self, wijk: str | None) -> None:
        """A single zaak's details: only a zaak of an allowed wijk (its wijk is not named:
        the caller may not know it)."""
        if not self.allows(wijk):
            raise ProblemError(
                403,
                "wijk-not-allowed",
                "Niet uw wijk",
                f"Deze zaak hoort niet bij uw wijken ({_names(self.wijken or ())}); u leest "
                "als teamleider alleen de zaken van uw eigen wijken.",
                [{"field": "zaak_id", "reason": "zaak buiten uw wijken"}],
            )


ALL_WIJKEN = ZaakScope(None)


def zaak_scope(caller: Caller) -> ZaakScope | None:
    """The caller's scope of single zaken; None: counts only."""
    if caller.role is ReportingRole.ANALIST:
        return ALL_WIJKEN
    if caller.role is ReportingRole.TEAMLEIDER:
        return ZaakScope(caller.person.wijken if caller.person else ())
    return None


def list_scope(request: Request, caller: Caller) -> ZaakScope | None:
    """For a list that shows counts to everyone and its zaken to some: the scope (None:
    counts only); a teamleider without wijken is refused. Noted for the access log."""
    if zaak_scope(caller) is None:
        return None
    return require_zaak_scope(request, caller)


def require_zaak_scope(request: Request, caller: Caller) -> ZaakScope:
    """The scope, or a 403 for a role that sees counts only (or a teamleider without wijken).
    The access log records the read as zaak-level, with the wijken it covered."""
    scope = zaak_scope(caller)
    if scope is None:
        raise ProblemError(
            403,
            "role-not-allowed",
            "Rol niet toegestaan",
            f"Losse zaken zijn voor de rol analist en voor een teamleider (de zaken van zijn "
            f"eigen wijken); met de rol {caller.role.value} ziet u de aantallen.",
            [{"field": "rol", "reason": f"de rol {caller.role.value} ziet geen losse zaken"}],
        )
    if scope.wijken == ():
        raise ProblemError(
            403,
            "no-wijken",
            "Geen wijken",
            "U bent aangemeld als teamleider, maar uw aanmelding noemt geen wijken: vraag uw "
            "beheerder de wijken aan uw account toe te voegen.",
            [{"field": "wijken", "reason": "geen wijken in de aanmelding"}],
        )
    request.state.zaakniveau = list(scope.wijken) if scope.wijken is not None else "alle"
    return scope


def sees_small_numbers(role: ReportingRole, definition: KpiDefinition) -> bool:
    """Whether ``role`` reads this KPI's whole table unsuppressed (docs/domain.md#small-numbers):
    analist and privacy-officer every KPI; vroegsignalering the KPIs of its own domain, the
    ones counted from vroegsignaalzaken (bereik-vroegsignalering, vroegsignalen). A whole
    table either way. A teamleider reads a controlled table with the cells of its own wijken
    exact (``exact_wijken``)."""
    if role.sees_small_numbers:
        return True
    own_domain = definition.source is CellSource.VROEGSIGNAALZAKEN
    return role is ReportingRole.VROEGSIGNALERING and own_domain


def exact_wijken(caller: Caller, definition: KpiDefinition) -> frozenset[str]:
    """The wijken whose cells ``caller`` reads exact in a KPI table it otherwise reads
    disclosure-controlled: a teamleider's own wijken (its ``wijken`` claim), every other
    role none. Only the cells of those wijken: ``gemeente``, ``onbekend`` and the other
    wijken stay exactly as the controlled table shows them. The residual risk (a team lead
    narrowing a hidden cell elsewhere from its own exact cells and the public totals) is
    the FG's record, docs/privacy.md#published-figures; every such read is logged."""
    if caller.role is not ReportingRole.TEAMLEIDER or sees_small_numbers(caller.role, definition):
        return frozenset()
    claimed = caller.person.wijken if caller.person else ()
    # a claim naming gemeente or onbekend (no wijk) opens no total: those stay controlled
    return frozenset(claimed) - {GEMEENTE, ONBEKEND}


def _names(wijken: Sequence[str]) -> str:
    if len(wijken) < 2:
        return "".join(wijken) or "geen wijk"
    return ", ".join(wijken[:-1]) + " en " + wijken[-1]
