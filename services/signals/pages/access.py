"""Who may open a page: a signed-in person (page session) with the page's role.

Not signed in: the browser goes to the sign-in (``/auth/aanmelden``) and comes back; signed
in with another role: a Dutch 403 page; a form POST that does not come from this site, or
without the session's token (the hidden field ``csrf`` that layout.py puts in every POST
form): a Dutch 403 page naming the reason (CSRF), before anything is changed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from services.signals.api.auth import (
    SAFE_METHODS,
    Caller,
    allowed_roles_text,
    from_this_site,
    identify,
)
from services.signals.pages.layout import alert, page
from services.signals.settings import SignalsRole
from shared.platform.problems import ProblemError
from shared.platform.web_signin import csrf_refusal


class PageRefusal(Exception):
    def __init__(self, status: int, title: str, text: str, caller: Caller | None = None):
        super().__init__(title)
        self.status, self.title, self.text, self.caller = status, title, text, caller


class SignInNeeded(Exception):
    def __init__(self, back: str):
        super().__init__(back)
        self.back = back


def page_caller(*roles: SignalsRole) -> Callable[[Request], Awaitable[Caller]]:
    async def caller(request: Request) -> Caller:
        try:
            found, person_role, _ = await identify(request, None, None)  # the session only
        except ProblemError as refused:
            raise PageRefusal(refused.status_code, refused.title, str(refused.detail)) from None
        if found is None and person_role is None:
            back = request.url.path if request.method in SAFE_METHODS else "/"
            if request.url.query and request.method in SAFE_METHODS:
                back += "?" + request.url.query
            raise SignInNeeded(back)
        if found is None or found.role not in roles:
            held = found.role.value if found else "geen (niet toegekend)"
            raise PageRefusal(
                403, "Geen toegang",
                f"Deze pagina is alleen voor de rol {allowed_roles_text(roles)}; u bent "
                f"aangemeld met de rol {held}. Vraag uw functioneel beheerder om de juiste rol.",
                found,
            )  # fmt: skip
        if request.method not in SAFE_METHODS and not from_this_site(request):
            raise PageRefusal(
                403, "Geweigerd: niet vanaf deze site",
                "Dit formulier kwam niet van deze site en is daarom niet verwerkt (bescherming "
                "tegen CSRF). Open de pagina opnieuw en verstuur het formulier daar.",
                found,
            )  # fmt: skip
        if request.method not in SAFE_METHODS and (
            reason := await csrf_refusal(request, found.person)
        ):
            raise PageRefusal(
                403, "Geweigerd: formulier zonder geldig token",
                f"Dit formulier is niet verwerkt: {reason} (bescherming tegen CSRF). Open de "
                "pagina opnieuw en verstuur het formulier daar.",
                found,
            )  # fmt: skip
        request.state.client = found.name
        request.state.caller = found
        return found

    return caller


def install_page_refusals(app: FastAPI) -> None:
    @app.exception_handler(PageRefusal)
    async def refused(_: Request, exc: PageRefusal) -> Response:
        return page(exc.title, alert(exc.text, "error"), exc.caller, status=exc.status)

    @app.exception_handler(SignInNeeded)
    async def sign_in(request: Request, exc: SignInNeeded) -> Response:
        if not request.app.state.signin.enabled:
            text = "Aanmelden staat uit op deze omgeving (WIJKPULS_SIGNALS_OIDC_ISSUER)."
            return page("Aanmelden niet mogelijk", alert(text, "warning"), status=503)
        target = "/auth/aanmelden?" + urlencode({"terug": exc.back})
        return RedirectResponse(target, status_code=303)
