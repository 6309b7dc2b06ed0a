"""Roles and zaak scopes of the reporting service without I/O: which role a person's several
role values give, which wijken a teamleider's list covers, which KPI tables a role reads with
small numbers."""

from __future__ import annotations

import pytest

from services.reporting.access import Caller
from services.reporting.scopes import (
    ALL_WIJKEN,
    ZaakScope,
    exact_wijken,
    sees_small_numbers,
    zaak_scope,
)
from services.reporting.settings import ReportingRole, Settings
from services.reporting.signin import Person, SignIn
from shared.core.kpi.registry import SERVED
from shared.platform.problems import ProblemError


@pytest.mark.parametrize(
    ("values", "role"),
    [
        (["wijkpuls.teamleider"], ReportingRole.TEAMLEIDER),
        (["wijkpuls.vroegsignalering"], ReportingRole.VROEGSIGNALERING),
        (["wijkpuls.privacy-officer"], ReportingRole.PRIVACY_OFFICER),
        (["wijkpuls.beleid", "wijkpuls.teamleider"], ReportingRole.TEAMLEIDER),
        (["wijkpuls.teamleider", "wijkpuls.analist"], ReportingRole.ANALIST),
        (["wijkpuls.vroegsignalering", "wijkpuls.privacy-officer"], ReportingRole.PRIVACY_OFFICER),
        (["iets-anders"], ReportingRole.PUBLIEK),
        ([], ReportingRole.PUBLIEK),
    ],
)
def test_the_default_role_map_gives_each_demo_role_its_own(
    values: list[str], role: ReportingRole
) -> None:
    assert SignIn(Settings()).role(values) is role


def test_small_numbers_in_every_table_for_analist_and_privacy_officer() -> None:
    sees = {r for r in ReportingRole if r.sees_small_numbers}
    assert sees == {ReportingRole.ANALIST, ReportingRole.PRIVACY_OFFICER}


def test_who_reads_single_zaken() -> None:
    def scope(role: ReportingRole, wijken: tuple[str, ...] = ()) -> ZaakScope | None:
        return zaak_scope(Caller(role, person=Person(role, "s", "n", wijken)))

    assert scope(ReportingRole.ANALIST) is ALL_WIJKEN
    assert scope(ReportingRole.TEAMLEIDER, ("Binnenstad",)) == ZaakScope(("Binnenstad",))
    for role in ReportingRole:
        if role not in (ReportingRole.ANALIST, ReportingRole.TEAMLEIDER):
            assert scope(role) is None, role
    # a teamleider key (no person, so no wijken claim) reads no wijk's zaken
    assert zaak_scope(Caller(ReportingRole.TEAMLEIDER, "abc")) == ZaakScope(())


def test_a_teamleiders_wijk_filter() -> None:
    tom = ZaakScope(("Helmond-West", "Binnenstad"))
    assert tom.wijk_filter("Binnenstad") == "Binnenstad"
    assert tom.wijk_filter(None) is None and tom.wijk_filter("gemeente") is None
    assert tom.allows("Helmond-West") and not tom.allows("Stiphout") and not tom.allows(None)
    for other in ("Stiphout", "onbekend"):
        with pytest.raises(ProblemError) as refused:
            tom.wijk_filter(other)
        assert refused.value.status_code == 403
        assert f"wijk {other} zijn niet voor u" in refused.value.detail
    assert ALL_WIJKEN.wijk_filter("Stiphout") == "Stiphout" and ALL_WIJKEN.allows(None)


def test_small_numbers_per_kpi_table() -> None:
    own = {"bereik-vroegsignalering", "vroegsignalen"}
    for name, definition in SERVED.items():
        assert sees_small_numbers(ReportingRole.ANALIST, definition)
        assert sees_small_numbers(ReportingRole.PRIVACY_OFFICER, definition)
        assert sees_small_numbers(ReportingRole.VROEGSIGNALERING, definition) == (name in own)
        for controlled in (ReportingRole.PUBLIEK, ReportingRole.BELEID, ReportingRole.TEAMLEIDER):
            assert not sees_small_numbers(controlled, definition), (controlled, name)


def test_a_team_lead_reads_the_cells_of_its_own_wijken_exact_and_nothing_more() -> None:
    def exact(role: ReportingRole, wijken: tuple[str, ...], kpi: str) -> frozenset[str]:
        return exact_wijken(Caller(role, person=Person(role, "s", "n", wijken)), SERVED[kpi])

    tom = ("Helmond-West", "Binnenstad")
    assert exact(ReportingRole.TEAMLEIDER, tom, "doorlooptijd") == frozenset(tom)
    # a claim naming a total or onbekend opens neither: those cells stay controlled
    claim = ("Stiphout", "gemeente", "onbekend")
    assert exact(ReportingRole.TEAMLEIDER, claim, "vroegsignalen") == {"Stiphout"}
    assert exact_wijken(Caller(ReportingRole.TEAMLEIDER, "abc"), SERVED["wachttijd"]) == set()
    for role in ReportingRole:
        if role is not ReportingRole.TEAMLEIDER:  # whole tables or none, never per wijk
            assert exact(role, tom, "doorlooptijd") == frozenset(), role
