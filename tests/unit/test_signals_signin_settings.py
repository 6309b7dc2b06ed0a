"""The signals service's sign-in settings and roles (docs/signin.md#the-signals-service):
the role claim's values map onto vroegsignalering or privacy-officer (or none), a machine
role cannot be given to people, and production refuses the development secrets."""

from __future__ import annotations

import pytest
from pydantic import SecretStr, ValidationError

from services.signals.settings import Settings, SignalsOidcSettings, SignalsRole
from services.signals.signin import PersonRole, SignIn
from shared.platform.settings import AppSettings, Environment, PseudonymSettings

PRODUCTION = AppSettings(environment=Environment.PRODUCTION)
SECRET_KEY = PseudonymSettings(key=SecretStr("a-production-pseudonym-key-0123456789"))


@pytest.mark.parametrize(
    ("values", "role"),
    [
        (["wijkpuls.vroegsignalering"], PersonRole.VROEGSIGNALERING),
        (["wijkpuls.privacy-officer"], PersonRole.PRIVACY_OFFICER),
        (["wijkpuls.privacy-officer", "wijkpuls.vroegsignalering"], PersonRole.VROEGSIGNALERING),
        (["wijkpuls.analist", "wijkpuls.beleid"], PersonRole.GEEN),
        ([], PersonRole.GEEN),
    ],
)
def test_the_role_claim_maps_onto_a_signals_role_or_none(
    values: list[str], role: PersonRole
) -> None:
    assert SignIn(Settings()).role(values) is role
    wanted = None if role is PersonRole.GEEN else SignalsRole(role.value)
    assert role.signals_role == wanted


def test_people_cannot_get_the_signal_partners_role() -> None:
    with pytest.raises(ValidationError, match="machine client"):
        SignalsOidcSettings(role_map={"wijkpuls.partner": "signaalpartner"})


def test_production_refuses_the_development_sign_in_secrets() -> None:
    on = {"issuer": "https://login.helmond.example"}
    with pytest.raises(ValidationError, match="WIJKPULS_SIGNALS_OIDC_CLIENT_SECRET"):
        Settings(app=PRODUCTION, pseudonym=SECRET_KEY, signals_oidc=SignalsOidcSettings(**on))
    client = SecretStr("a-real-client-secret-0123456789")
    with pytest.raises(ValidationError, match="WIJKPULS_SIGNALS_OIDC_SESSION_SECRET"):
        Settings(
            app=PRODUCTION,
            pseudonym=SECRET_KEY,
            signals_oidc=SignalsOidcSettings(**on, client_secret=client),
        )
    session = SecretStr("a-real-session-secret-0123456789")
    done = Settings(
        app=PRODUCTION,
        pseudonym=SECRET_KEY,
        signals_oidc=SignalsOidcSettings(**on, client_secret=client, session_secret=session),
    )
    assert done.signals_oidc.issuer == on["issuer"]
    # sign-in off: nothing to refuse
    assert Settings(app=PRODUCTION, pseudonym=SECRET_KEY).signals_oidc.issuer == ""
