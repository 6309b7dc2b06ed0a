"""A webhook receiver for the tests: a small HTTP server on a free port in a thread.

It checks the signature, answers 503 to the first attempt of every alert ``flaky`` picks (so
the dispatcher's retries are exercised), and keeps every alert it accepted with a 2xx: the
"webhook store" the tests look at for duplicates.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from services.webhooks.signing import ALERT_ID_HEADER, SIGNATURE_HEADER, verify


@dataclass
class Receiver:
    secret: str
    flaky: Callable[[str], bool] = lambda _: False
    accepted: list[dict[str, Any]] = field(default_factory=list)
    attempts: Counter[str] = field(default_factory=Counter)
    bad_signatures: int = 0
    url: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, body: bytes, signature: str | None, alert_id: str) -> int:
        with self._lock:
            if not verify(body, self.secret, signature):
                self.bad_signatures += 1
                return 401
            self.attempts[alert_id] += 1
            if self.flaky(alert_id) and self.attempts[alert_id] == 1:
                return 503
            self.accepted.append(json.loads(body))
            return 204

    def ids(self) -> Counter[str]:
        with self._lock:
            return Counter(event["id"] for event in self.accepted)

    def wait_for(self, check: Callable[[Counter[str]], bool], timeout_s: float = 60) -> bool:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if check(self.ids()):
                return True
            time.sleep(0.2)
        return False


@contextmanager
def receiving(secret: str, flaky: Callable[[str], bool] = lambda _: False) -> Iterator[Receiver]:
    receiver = Receiver(secret, flaky)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            status = receiver.handle(
                body, self.headers.get(SIGNATURE_HEADER), self.headers.get(ALERT_ID_HEADER, "")
            )
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/wijkpuls"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
