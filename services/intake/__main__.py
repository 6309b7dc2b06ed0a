"""``python -m services.intake``: run the intake edge with the configured host and port."""

from __future__ import annotations

import argparse

import uvicorn

from shared.settings import get_settings


def main() -> None:
    settings = get_settings()
    parser = argparse.ArgumentParser(
        prog="python -m services.intake",
        description="Wijkpuls intake: HTTP edge for CloudEvents from case systems. "
        "All settings come from WIJKPULS_* environment variables (docs/settings.md).",
    )
    parser.add_argument("--host", default=settings.intake.host, help="default: %(default)s")
    parser.add_argument(
        "--port", type=int, default=settings.intake.port, help="default: %(default)s"
    )
    args = parser.parse_args()
    uvicorn.run(
        "services.intake.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        log_config=None,
    )


if __name__ == "__main__":
    main()
