"""python -m services.intake.loader: send a JSON Lines file of CloudEvents to the intake.

Thin: the HTTP calls and the command line. Batching, reading the answers' error positions and
the summary are pure functions in ``services.intake.load_batches``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from tqdm import tqdm  # type: ignore[import-untyped]  # no stubs in the dev group

from services.intake import load_batches as loading
from services.intake.load_batches import Line, LoadSummary

BATCH = "application/cloudevents-batch+json"
UNAVAILABLE = 3  # exit code when the intake cannot be reached or answers unexpectedly
API_KEY_ENV = "WIJKPULS_LOADER_API_KEY"
MAX_THROTTLED = 100  # 429 answers in a row for one batch before giving up
_HEADERS = {"content-type": BATCH}
_RETRY_STATUS = {502, 503, 504}
_PER_ITEM_STATUS = {202, 207, 403, 409, 422}  # answers with a result per event


class LoadError(Exception):
    """The intake could not take a batch; the message says which lines and why."""


class Sender:
    def __init__(self, client: httpx.Client, summary: LoadSummary, retries: int) -> None:
        self.client, self.summary, self.retries = client, summary, retries

    def send(self, batch: list[Line]) -> None:
        """Count every line of the batch as accepted, a duplicate or rejected."""
        answer = self._post(batch)
        if answer.status_code == 413 and len(batch) > 1:  # the intake's maximum is lower
            half = len(batch) // 2
            self.send(batch[:half])
            self.send(batch[half:])
            return
        if answer.status_code == 413:
            self.summary.reject(batch[0].number, [("(line)", "is larger than the intake takes")])
            return
        if answer.status_code == 401:
            raise LoadError(
                f"{loading.span(batch)}: intake answered {_describe(answer)}; "
                f"pass --api-key or set {API_KEY_ENV}"
            )
        body = _json(answer) if answer.status_code in _PER_ITEM_STATUS else {}
        if not loading.record_results(batch, body, self.summary):
            raise LoadError(f"{loading.span(batch)}: intake answered {_describe(answer)}")

    def _post(self, batch: list[Line]) -> httpx.Response:
        """POST; waits out 429 (Retry-After) and retries 502/503/504 and connection errors
        a bounded number of times with backoff."""
        body, last, failures, throttled = loading.batch_body(batch), "", 0, 0
        while True:
            try:
                answer = self.client.post("/api/v1/events", content=body, headers=_HEADERS)
            except httpx.TransportError as exc:
                answer, last = None, f"{type(exc).__name__}: {exc}"
            if answer is not None and answer.status_code == 429:
                throttled += 1
                if throttled > MAX_THROTTLED:
                    raise LoadError(
                        f"{loading.span(batch)}: still rate limited after {throttled} waits"
                    )
                time.sleep(loading.retry_after_s(answer.headers.get("retry-after")))
                continue
            if answer is not None and answer.status_code not in _RETRY_STATUS:
                return answer
            if answer is not None:
                last = _describe(answer)
            failures += 1
            if failures > self.retries:
                tried = f"{failures} attempts"
                raise LoadError(f"{loading.span(batch)}: intake unavailable after {tried} ({last})")
            time.sleep(min(0.5 * 2 ** (failures - 1), 15.0))


def _json(answer: httpx.Response) -> dict[str, Any]:
    try:
        body = answer.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _describe(answer: httpx.Response) -> str:
    body = _json(answer)
    detail = f"{body.get('title', '')}: {body.get('detail', '')}" if body else answer.text[:200]
    return f"{answer.status_code} {detail}".strip()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m services.intake.loader",
        description="Send a JSON Lines file of CloudEvents (one per line, e.g. from "
        "`python -m demo`) through the intake in batches, then print a summary: "
        "accepted, duplicate, rejected with the reasons and their first line numbers. The "
        "intake answers per event: invalid events, events outside the client's allow-list and "
        "conflicting duplicates (same source + id, other content) are rejected, the rest of "
        "their batch is published. A batch the intake finds too large is split; a rate limit "
        "(429) is waited out as Retry-After says. Exit codes: 0 every line accepted or a "
        "duplicate; 1 some lines rejected; 2 usage error; 3 the intake was unavailable (after "
        "retries with backoff), refused the API key or answered unexpectedly.",
    )
    add = parser.add_argument
    add("file", type=Path, metavar="FILE.jsonl", help="the events, one JSON object per line")
    add("--url", default="http://127.0.0.1:8000", help="intake base URL (default: %(default)s)")
    add("--batch-size", type=int, default=500, help="events per request (default: %(default)s)")
    add("--retries", type=int, default=8, help="retries of a batch on 502/503/504 or a "
        "connection error, with backoff (default: %(default)s)")  # fmt: skip
    add("--timeout", type=float, default=60.0, help="seconds per request (default: %(default)s)")
    add("--api-key", default=os.environ.get(API_KEY_ENV), help="the intake API key, sent as "
        f"'Authorization: Bearer <key>' (default: ${API_KEY_ENV})")  # fmt: skip
    add("--header", "-H", action="append", default=[], metavar="NAME: VALUE",
        help="extra HTTP header, e.g. an authorization (repeatable)")  # fmt: skip
    add("--json", action="store_true", help="print the summary as JSON")
    add("--quiet", action="store_true", help="no progress bar")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not args.file.is_file():
        parser.error(f"{args.file}: no such file")
    if args.batch_size < 1 or args.retries < 0 or any(":" not in h for h in args.header):
        parser.error("--batch-size must be >= 1, --retries >= 0 and --header NAME: VALUE")
    headers = dict(tuple(part.strip() for part in h.split(":", 1)) for h in args.header)
    if args.api_key and not any(name.lower() == "authorization" for name in headers):
        headers["Authorization"] = f"Bearer {args.api_key}"
    with args.file.open("rb") as raw:
        total = sum(chunk.count(b"\n") for chunk in iter(lambda: raw.read(1 << 20), b""))
    summary, exit_code = LoadSummary(), 0
    with (
        httpx.Client(base_url=args.url, timeout=args.timeout, headers=headers) as client,
        args.file.open("rb") as lines,
        tqdm(total=total, unit=" ev", unit_scale=True, disable=args.quiet, file=sys.stderr) as bar,
    ):
        sender, done = Sender(client, summary, args.retries), 0
        try:
            for batch in loading.batches(loading.read_lines(lines, summary), args.batch_size):
                sender.send(batch)
                bar.update(batch[-1].number - done)
                done = batch[-1].number
        except LoadError as exc:
            stopped = f"stopped, nothing from line {done + 1} on was sent"
            print(f"error: {exc}; {stopped}", file=sys.stderr)
            exit_code = UNAVAILABLE
    print(json.dumps(summary.to_dict()) if args.json else summary.render())
    return exit_code or summary.exit_code


if __name__ == "__main__":
    sys.exit(main())
