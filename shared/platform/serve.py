"""``python -m services.<name>``: the one command-line runner of the HTTP services.

Each service passes its description, its app factory and its host/port settings; the
options, their help and the uvicorn call are the same for all of them.
"""

from __future__ import annotations

import argparse
from typing import Protocol

import uvicorn


class Listening(Protocol):
    """The part of a service's settings that says where it listens."""

    host: str
    port: int


def serve(
    service: str,
    description: str,
    listening: Listening,
    *,
    access_log: bool = True,
    graceful_shutdown_s: int | None = None,
) -> None:
    """Run ``<service>.app:create_app`` (``service`` like ``services.intake``) under uvicorn,
    on the settings' host and port and with their ``workers`` (processes) where they have it.

    ``graceful_shutdown_s``: on SIGTERM, how long open requests may still run before they are
    cancelled; None waits for them, which never ends for a stream that stays open (the
    reporting service's Server-Sent Events)."""
    host, port = listening.host, listening.port
    workers = int(getattr(listening, "workers", 1))
    parser = argparse.ArgumentParser(
        prog=f"python -m {service}",
        description=description + " All settings come from WIJKPULS_* environment variables "
        "(docs/settings.md).",
    )
    parser.add_argument(
        "--host", default=host, help="interface to listen on (default: %(default)s)"
    )
    parser.add_argument("--port", type=int, default=port, help="HTTP port (default: %(default)s)")
    parser.add_argument(
        "--workers", type=int, default=workers, help="server processes (default: %(default)s)"
    )
    args = parser.parse_args()
    uvicorn.run(
        f"{service}.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        log_config=None,  # shared.platform.logs configures JSON lines in the app factory
        access_log=access_log,
        workers=args.workers,
        timeout_graceful_shutdown=graceful_shutdown_s,
    )
