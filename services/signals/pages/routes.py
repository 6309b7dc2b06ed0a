"""The signals service's pages (docs/signin.md#the-signals-service): the landing page, the
vroegsignalering team's pages (team.py), the privacy officer's desk (desk.py), the page
stylesheet and the NL Design System packages.

The packages and the house style are the ones the reporting service's monitor uses, installed
once with npm (shared/web/package-lock.json, copied into its ``vendor/`` by copy-vendor.mjs;
shared/platform/web_assets.py): served from that one folder, never from a CDN.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from services.signals.api.auth import identify
from services.signals.pages import desk, team
from services.signals.pages.access import install_page_refusals
from services.signals.pages.layout import HEADERS, alert, page
from services.signals.settings import SignalsRole
from shared.platform.web_assets import install_web_assets

HERE = Path(__file__).parent
HOME_OF = {
    SignalsRole.VROEGSIGNALERING: "/vroegsignalering/werklijst",
    SignalsRole.PRIVACY_OFFICER: "/privacy/toegangslog",
}

router = APIRouter(include_in_schema=False)


@router.get("/")
async def landing(request: Request) -> Response:
    """Signed in: the first page of the role; otherwise what this is and the sign-in."""
    caller, person_role, _ = await identify(request, None, None)
    if caller is not None and caller.role in HOME_OF:
        return RedirectResponse(HOME_OF[caller.role], status_code=303)
    if person_role is not None:
        text = (
            "U bent aangemeld, maar zonder een rol voor vroegsignalering of privacy. Vraag uw "
            "functioneel beheerder om de rol vroegsignalering of privacy-officer."
        )
        return page("Geen toegang", alert(text, "warning"), status=403)
    body = (
        '<p class="utrecht-paragraph utrecht-paragraph--lead">Hier werkt het team '
        "vroegsignalering (werklijst, contactpogingen, resultaat, leveringen, DDAS-export) en "
        "de privacyfunctionaris (toegangslog, inzage en verwijderen, bewaartermijnen, "
        "sleutelrotatie). Meld u aan met uw account van de gemeente.</p>"
        '<p class="utrecht-paragraph"><a class="utrecht-button-link '
        'utrecht-button-link--html-a utrecht-button-link--primary-action" '
        'href="/auth/aanmelden">Aanmelden</a></p>'
    )
    return page("Vroegsignalering en privacy", body)


@router.get("/signalen/signalen.css")
async def stylesheet() -> FileResponse:
    return FileResponse(HERE / "signalen.css", media_type="text/css", headers=HEADERS)


@router.get("/signalen/levering.js")
async def upload_script() -> FileResponse:
    return FileResponse(HERE / "levering.js", media_type="text/javascript", headers=HEADERS)


def install(app: FastAPI) -> None:
    app.include_router(router)
    app.include_router(team.router)
    app.include_router(desk.router)
    install_web_assets(app, "/signalen", HEADERS)
    install_page_refusals(app)
