"""``python -m services.signals``: run the signals service with the configured host and port."""

from __future__ import annotations

import argparse

import uvicorn

from shared.settings import get_settings


def main() -> None:
    settings = get_settings()
    parser = argparse.ArgumentParser(
        prog="python -m services.signals",
        description="Wijkpuls signals: vroegsignalering deliveries, identity vault, werklijst "
        "and outreach. All settings come from WIJKPULS_* environment variables "
        "(docs/settings.md).",
    )
    parser.add_argument("--host", default=settings.signals.host, help="default: %(default)s")
    parser.add_argument(
        "--port", type=int, default=settings.signals.port, help="default: %(default)s"
    )
    args = parser.parse_args()
    uvicorn.run(
        "services.signals.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        log_config=None,
    )


if __name__ == "__main__":
    main()
