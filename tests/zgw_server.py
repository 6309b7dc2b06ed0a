"""A small Zaken + Besluiten API over real HTTP for the ZGW adapter's tests.

It serves the payloads of tests/data/zgw (the ZGW specifications' shapes) from an in-memory
store the test changes, with the behaviour the adapter must cope with: JWT auth (HS256, ZGW),
``Accept-Crs`` required on the Zaken API (412 without), paginated lists with ``next`` links,
an audit trail per zaak, resources that are not readable yet (404) and a busy server (503).
Not a mock object: a Starlette app under uvicorn on a free local port.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import hashlib
import hmac
import json
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import uvicorn
from service_procs import free_port
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

DATA = Path(__file__).resolve().parent / "data" / "zgw"
EXAMPLE_ORIGIN = "https://openzaak.helmond.example"
PAGE_SIZE = 2


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


class FakeZgw:
    def __init__(self, client_id: str, secret: str) -> None:
        self.client_id, self.secret = client_id, secret
        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.zrc = f"{self.origin}/zaken/api/v1"
        self.brc = f"{self.origin}/besluiten/api/v1"
        self.zaken: dict[str, dict[str, Any]] = {}
        self.audit: dict[str, list[dict[str, Any]]] = {}
        self.statussen: list[dict[str, Any]] = []
        self.resultaten: dict[str, dict[str, Any]] = {}
        self.besluiten: dict[str, dict[str, Any]] = {}
        self.not_yet: Counter[str] = Counter()  # path -> 404s before it is readable
        self.busy: Counter[str] = Counter()  # path -> 503s before it answers
        self.requests: list[str] = []

    # -- the store, changed by the tests ------------------------------------------------

    def payload(self, name: str) -> Any:
        return json.loads((DATA / name).read_text().replace(EXAMPLE_ORIGIN, self.origin))

    def add_zaak(self, when: datetime, **fields: Any) -> dict[str, Any]:
        zaak_uuid = str(uuid.uuid4())
        zaak = {**self.payload("zaak.json"), "uuid": zaak_uuid, **fields}
        zaak["url"] = f"{self.zrc}/zaken/{zaak_uuid}"
        self.zaken[zaak_uuid] = zaak
        self.audit[zaak_uuid] = []
        self._audit(zaak, "create", when, None)
        return zaak

    def change_zaak(self, zaak: dict[str, Any], when: datetime, **fields: Any) -> None:
        before = copy.deepcopy(zaak)
        zaak.update(fields)
        self._audit(zaak, "partial_update", when, before)

    def _audit(self, zaak: dict[str, Any], actie: str, when: datetime, oud: Any) -> None:
        template = self.payload("audittrail.json")[0 if actie == "create" else 1]
        line = {
            **template,
            "uuid": str(uuid.uuid4()),
            "actie": actie,
            "aanmaakdatum": when.isoformat(),
        }
        line.update(
            hoofdObject=zaak["url"], resourceUrl=zaak["url"], resourceWeergave=zaak["identificatie"]
        )
        line["wijzigingen"] = {"nieuw": copy.deepcopy(zaak)} | ({"oud": oud} if oud else {})
        self.audit[zaak["uuid"]].append(line)

    def add_besluit(self, zaak: dict[str, Any], **fields: Any) -> dict[str, Any]:
        besluit_uuid = str(uuid.uuid4())
        besluit = {**self.payload("besluit.json"), **fields}
        besluit.update(url=f"{self.brc}/besluiten/{besluit_uuid}", zaak=zaak["url"])
        self.besluiten[besluit_uuid] = besluit
        return besluit

    def notificatie(
        self, kind: str, resource_url: str, actie: str, when: datetime
    ) -> dict[str, Any]:
        body = self.payload(f"notificatie-{kind}.json")
        body.update(hoofdObject=resource_url, resourceUrl=resource_url, actie=actie)
        body["aanmaakdatum"] = when.isoformat()
        return body

    # -- HTTP -----------------------------------------------------------------------------

    def _authorized(self, request: Request) -> bool:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        parts = token.split(".")
        if scheme != "Bearer" or len(parts) != 3:
            return False
        expected = hmac.new(self.secret.encode(), f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256)
        if not hmac.compare_digest(_b64decode(parts[2]), expected.digest()):
            return False
        claims = json.loads(_b64decode(parts[1]))
        return claims.get("client_id") == self.client_id and abs(time.time() - claims["iat"]) < 300

    async def _dispatch(self, request: Request) -> Response:
        path = request.url.path
        self.requests.append(path)
        if not self._authorized(request):
            return JSONResponse({"code": "not_authenticated", "status": 403}, status_code=403)
        if path.startswith("/zaken/") and request.headers.get("accept-crs") != "EPSG:4326":
            return JSONResponse({"code": "precondition_failed", "status": 412}, status_code=412)
        if self.busy[path] > 0:
            self.busy[path] -= 1
            return JSONResponse({"code": "busy", "status": 503}, status_code=503)
        if self.not_yet[path] > 0:
            self.not_yet[path] -= 1
            return JSONResponse({"code": "not_found", "status": 404}, status_code=404)
        found = self._resolve(path, dict(request.query_params))
        if found is None:
            return JSONResponse({"code": "not_found", "status": 404}, status_code=404)
        return JSONResponse(found)

    def _resolve(self, path: str, query: dict[str, str]) -> Any:
        parts = path.strip("/").split("/")  # zaken api v1 zaken <uuid> [audittrail]
        api, collection, rest = parts[0], parts[3] if len(parts) > 3 else "", parts[4:]
        if (api, collection) == ("zaken", "zaken"):
            if not rest:
                return self._page(path, query, self._zaken_listed(query))
            zaak = self.zaken.get(rest[0])
            if zaak is not None and rest[1:] == ["audittrail"]:
                return self.audit[rest[0]]
            return zaak if len(rest) == 1 else None
        if (api, collection) == ("zaken", "statussen") and not rest:
            return self._page(
                path, query, [s for s in self.statussen if s["zaak"] == query.get("zaak")]
            )
        if (api, collection) == ("zaken", "resultaten") and len(rest) == 1:
            return self.resultaten.get(rest[0])
        if (api, collection) == ("besluiten", "besluiten"):
            if not rest:
                own = [b for b in self.besluiten.values() if b["zaak"] == query.get("zaak")]
                return self._page(path, query, own)
            return self.besluiten.get(rest[0]) if len(rest) == 1 else None
        return None

    def _zaken_listed(self, query: dict[str, str]) -> list[dict[str, Any]]:
        since = query.get("registratiedatum__gt", "")
        return [
            z
            for z in self.zaken.values()
            if z["zaaktype"] == query.get("zaaktype", z["zaaktype"])
            and z["registratiedatum"] > since
        ]

    def _page(self, path: str, query: dict[str, str], items: list[Any]) -> dict[str, Any]:
        page = int(query.pop("page", "1"))
        chunk = items[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        more = page * PAGE_SIZE < len(items)

        def link(number: int) -> str:
            return f"{self.origin}{path}?{urlencode({**query, 'page': number})}"

        return {
            "count": len(items),
            "next": link(page + 1) if more else None,
            "previous": link(page - 1) if page > 1 else None,
            "results": chunk,
        }

    @asynccontextmanager
    async def serving(self) -> AsyncIterator[FakeZgw]:
        app = Starlette(routes=[Route("/{path:path}", self._dispatch, methods=["GET"])])
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_config=None, access_log=False, lifespan="off"
        )
        server = uvicorn.Server(config)
        task = asyncio.create_task(server.serve())
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.02)
        try:
            yield self
        finally:
            server.should_exit = True
            await task
