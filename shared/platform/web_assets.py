"""The files every service's pages load from their own origin (docs/monitor.md#front-end-packages).

``shared/web/`` holds the npm package of the pages (package.json with its lock); its
``copy-vendor.mjs`` copies the NL Design System CSS, the design tokens and Chart.js out of
node_modules into ``vendor/`` (``make bootstrap``, the Dockerfile). Beside it, ``huis.css`` is
the house style that the reporting service's monitor and the signals service's pages share.
One place, so no service reaches into another's folder for them.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

WEB = Path(__file__).parents[1] / "web"
VENDOR = WEB / "vendor"
HOUSE_STYLE = WEB / "huis.css"


def install_web_assets(app: FastAPI, prefix: str, headers: dict[str, str]) -> None:
    """Serve ``{prefix}/vendor/`` (the copied packages) and ``{prefix}/huis.css``."""
    router = APIRouter(include_in_schema=False)

    @router.get(f"{prefix}/huis.css")
    async def house_style() -> FileResponse:
        return FileResponse(HOUSE_STYLE, media_type="text/css; charset=utf-8", headers=headers)

    app.include_router(router)
    # check_dir=False: a checkout without `make bootstrap` still starts; the vendor files
    # then answer 404 and the pages work unstyled.
    app.mount(f"{prefix}/vendor", StaticFiles(directory=VENDOR, check_dir=False), "vendor")
