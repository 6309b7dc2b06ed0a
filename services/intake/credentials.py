"""Who may publish: API keys kept only as SHA-256 (shared/platform/api_keys.py says why), and each
client's allow-list.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from services.intake.settings import IntakeClient, Settings, development_intake_clients
from shared.contract.events import Problem
from shared.contract.events.catalog import full_type
from shared.platform.api_keys import find_by_key, hash_key, new_key
from shared.platform.settings import Environment


def glob(pattern: str) -> re.Pattern[str]:
    """Only ``*`` is special (any run of characters, dots included); matched whole."""
    parts = re.split(r"(\*)", pattern)
    return re.compile("".join(".*" if part == "*" else re.escape(part) for part in parts))


@dataclass(frozen=True)
class Client:
    name: str
    key_digest: bytes
    sources: tuple[re.Pattern[str], ...]
    types: tuple[re.Pattern[str], ...]
    rate_per_s: float
    burst: int

    @classmethod
    def from_entry(cls, entry: IntakeClient) -> Client:
        return cls(
            name=entry.name,
            key_digest=bytes.fromhex(entry.key_sha256),
            sources=tuple(glob(s) for s in entry.sources),
            types=tuple(glob(full_type(t)) for t in entry.types),
            rate_per_s=entry.rate_per_s,
            burst=entry.burst,
        )

    def refusals(self, source: object, event_type: object) -> list[Problem]:
        """Why this client may not send an event with this source and type ([] if it may).

        Only text is judged: a missing or non-text attribute is the validation's to report.
        """
        found: list[Problem] = []
        if isinstance(source, str) and not any(p.fullmatch(source) for p in self.sources):
            reason = "is not a source this client may send"
            found.append(Problem(field="source", reason=reason, type="source_not_allowed"))
        if isinstance(event_type, str) and not any(p.fullmatch(event_type) for p in self.types):
            reason = "is not an event type this client may send"
            found.append(Problem(field="type", reason=reason, type="type_not_allowed"))
        return found


class ClientRegistry:
    def __init__(self, clients: Iterable[Client]) -> None:
        self._clients = tuple(clients)

    @classmethod
    def from_settings(cls, settings: Settings) -> ClientRegistry:
        """The configured clients; none configured: the development ones, except in production."""
        entries = settings.intake.clients
        if not entries and settings.app.environment is not Environment.PRODUCTION:
            entries = development_intake_clients()
        return cls(Client.from_entry(entry) for entry in entries)

    def identify(self, key: str) -> Client | None:
        """The client with this key. Every stored digest is compared, in constant time each."""
        return find_by_key(key, ((client.key_digest, client) for client in self._clients))

    def __len__(self) -> int:
        return len(self._clients)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m services.intake.credentials",
        description="Make a new intake API key and print it once, with the entry for "
        "WIJKPULS_INTAKE_CLIENTS that holds only its SHA-256.",
    )
    parser.add_argument("name", help="client name, e.g. wmo-zaaksysteem")
    parser.add_argument(
        "--source", action="append", required=True, help="source URN it may send (repeatable)"
    )
    parser.add_argument(
        "--type", action="append", help="event types it may send (default: zaak.* and zorg.*)"
    )
    args = parser.parse_args(argv)
    key = new_key()
    entry = IntakeClient(
        name=args.name,
        key_sha256=hash_key(key),
        sources=tuple(args.source),
        types=tuple(args.type or ("zaak.*", "zorg.*")),
    )
    print(f"API key (give it to the client; it is not stored anywhere): {key}")
    print(f"client entry: {json.dumps(entry.model_dump(mode='json'))}")


if __name__ == "__main__":
    main()
