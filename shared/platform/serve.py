"""``python -m services.<name>``: the one command-line runner of the HTTP services.

Each service passes its description, its app factory and its host/port settings; the
options, their help and the uvicorn call are the same for all of them.
"""

from __future__ import annotations

import argparse
import socket
import sys
from typing import Protocol

import uvicorn
from uvicorn.supervisors import Multiprocess


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
    config = NoDelayConfig(
        f"{service}.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        log_config=None,  # shared.platform.logs configures JSON lines in the app factory
        access_log=access_log,
        workers=args.workers,
        timeout_graceful_shutdown=graceful_shutdown_s,
    )
    if config.workers > 1:  # as uvicorn.run does, with our socket
        Multiprocess(config, sockets=[config.bind_socket()]).run()
        return
    server = uvicorn.Server(config)
    server.run()
    if not server.started:
        sys.exit(3)  # uvicorn's STARTUP_FAILURE


class NoDelayConfig(uvicorn.Config):
    """uvicorn's config with TCP_NODELAY on the listening socket it makes for several
    workers, so every connection accepted from it has it (Linux copies it to them).

    uvicorn binds that socket itself as ``socket.socket(family)``, whose ``proto`` is 0, and
    asyncio sets TCP_NODELAY only on sockets whose proto is IPPROTO_TCP: with ``--workers 2``
    every answer's body (written after its headers) waited for the client's delayed ACK,
    about 40 ms (the reporting API's median at 500 requests/s was 44 ms, docs/performance.md).
    One worker binds through asyncio, which sets it."""

    def bind_socket(self) -> socket.socket:
        sock = super().bind_socket()
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock
