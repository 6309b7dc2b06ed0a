"""Prints an HTML page to PDF with Debian's headless chromium (``--print-to-pdf``).

A maintained renderer that the project already relies on for its browser tests, so the PDF
shows what a browser shows. Each render is a separate chromium process with its own
throw-away profile (about 0.5 s); at most ``CONCURRENT`` run at once per server process, and
the last PDFs are kept by the digest of their HTML, so a report whose figures did not change
is not printed again. The reporting image needs the ``chromium`` package for this
(docs/operations.md); without it the route answers 503.
"""

from __future__ import annotations

import asyncio
import hashlib
import tempfile
from collections import OrderedDict
from pathlib import Path

CONCURRENT = 2
KEPT = 16
TIMEOUT_S = 60.0


class PdfUnavailable(Exception):
    """The renderer is missing or failed; the message says which, without the page."""


class PdfPrinter:
    def __init__(self, chromium: str) -> None:
        self._chromium = chromium
        self._installed = Path(chromium).exists()  # once, at start: the image has it or not
        self._slots = asyncio.Semaphore(CONCURRENT)
        self._kept: OrderedDict[str, bytes] = OrderedDict()

    async def print(self, html: str) -> bytes:
        digest = hashlib.sha256(html.encode()).hexdigest()
        if (kept := self._kept.get(digest)) is not None:
            self._kept.move_to_end(digest)
            return kept
        if not self._installed:
            raise PdfUnavailable(f"{self._chromium} is not installed")
        async with self._slots:
            pdf = await self._render(html)
        self._kept[digest] = pdf
        while len(self._kept) > KEPT:
            self._kept.popitem(last=False)
        return pdf

    async def _render(self, html: str) -> bytes:
        with tempfile.TemporaryDirectory(prefix="wijkpuls-pdf-") as work:
            page = Path(work) / "rapport.html"
            out = Path(work) / "rapport.pdf"
            await asyncio.to_thread(page.write_text, html, encoding="utf-8")
            # --no-sandbox: containers run without the user namespaces chromium's sandbox
            # needs; the page is our own HTML from a temporary file, with no scripts.
            proc = await asyncio.create_subprocess_exec(
                self._chromium, "--headless", "--disable-gpu", "--no-sandbox",
                "--no-pdf-header-footer", "--disable-extensions", "--no-first-run",
                f"--user-data-dir={work}/profiel", f"--print-to-pdf={out}", page.as_uri(),
                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
            )  # fmt: skip
            try:
                _, err = await asyncio.wait_for(proc.communicate(), TIMEOUT_S)
            except TimeoutError:
                proc.kill()
                await proc.wait()
                raise PdfUnavailable(f"chromium did not finish in {TIMEOUT_S:.0f} s") from None
            try:
                pdf = await asyncio.to_thread(out.read_bytes)
            except FileNotFoundError:
                pdf = b""
            if proc.returncode != 0 or not pdf:
                tail = err.decode(errors="replace").strip().splitlines()[-1:] or [""]
                raise PdfUnavailable(f"chromium exited {proc.returncode}: {tail[0][:200]}")
            return pdf
