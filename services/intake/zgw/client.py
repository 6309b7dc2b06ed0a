"""Reads the Zaken and Besluiten APIs: auth, retries with backoff, pagination, URL guard.

Only URLs under the configured API roots are fetched: a notification names the URL to read,
and the adapter must not be talked into requesting any other host (SSRF). Log lines carry
URLs and status codes, never a response body.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from typing import Any

import httpx

log = logging.getLogger("wijkpuls.intake.zgw")

RETRY_STATUS = frozenset({429, 502, 503, 504})
MAX_BACKOFF_S = 30.0
# The Zaken API refuses a request without it (412); other APIs ignore it.
HEADERS = {"Accept": "application/json", "Accept-Crs": "EPSG:4326"}


class ZgwError(Exception):
    """A ZGW API did not give a usable answer; the message has the URL and status only."""


class NotFound(ZgwError):
    """404/410: not there (yet: a notification may come before the resource is readable)."""


class Refused(ZgwError):
    """401/403: the client id lacks a scope for this resource."""


class ZgwClient:
    def __init__(
        self,
        http: httpx.AsyncClient,
        roots: Sequence[str],
        authorization: Callable[[], str | None],
        *,
        retries: int,
        backoff_s: float,
    ) -> None:
        self._http = http
        self._roots = tuple(root.rstrip("/") + "/" for root in roots)
        self._authorization = authorization
        self._retries = retries
        self._backoff_s = backoff_s

    def owns(self, url: str) -> bool:
        return url.startswith(self._roots)

    async def get(self, url: str, params: Mapping[str, str] | None = None) -> Any:
        if not self.owns(url):
            raise ZgwError(f"{url} is not under a configured ZGW API")
        answer = await self._send(url, params)
        if answer.status_code in (404, 410):
            raise NotFound(f"{url}: {answer.status_code}")
        if answer.status_code in (401, 403):
            raise Refused(f"{url}: {answer.status_code}")
        if answer.status_code != 200:
            raise ZgwError(f"{url}: {answer.status_code}")
        try:
            return answer.json()
        except ValueError:
            raise ZgwError(f"{url}: answer is not JSON") from None

    async def pages(
        self, url: str, params: Mapping[str, str] | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        """Every item of a paginated list ({count, next, previous, results}), page by page."""
        next_url: str | None = url
        while next_url:
            page = await self.get(next_url, params)
            if not isinstance(page, dict) or not isinstance(page.get("results"), list):
                raise ZgwError(f"{next_url}: not a paginated list")
            for item in page["results"]:
                yield item
            next_url, params = page.get("next"), None  # `next` carries the query itself

    async def _send(self, url: str, params: Mapping[str, str] | None) -> httpx.Response:
        headers = dict(HEADERS)
        for attempt in range(self._retries + 1):
            if attempt:
                await asyncio.sleep(min(self._backoff_s * 2 ** (attempt - 1), MAX_BACKOFF_S))
            authorization = self._authorization()
            if authorization:
                headers["Authorization"] = authorization
            try:
                answer = await self._http.get(url, params=params, headers=headers)
            except httpx.TransportError as exc:
                log.warning("zgw request failed", extra={"url": url, "error": type(exc).__name__})
                if attempt == self._retries:
                    raise ZgwError(f"{url}: {type(exc).__name__}") from None
                continue
            if answer.status_code not in RETRY_STATUS or attempt == self._retries:
                return answer
            log.warning("zgw busy", extra={"url": url, "status": answer.status_code})
        raise AssertionError("unreachable")
