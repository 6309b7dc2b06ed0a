"""``python -m services.reporting``: run the reporting API with the configured host and port."""

from __future__ import annotations

import argparse

import uvicorn

from shared.settings import get_settings


def main() -> None:
    settings = get_settings()
    parser = argparse.ArgumentParser(
        prog="python -m services.reporting",
        description="Wijkpuls reporting: live KPI figures per wet, wijk and periode. "
        "All settings come from WIJKPULS_* environment variables (docs/settings.md).",
    )
    parser.add_argument(
        "--host",
        default=settings.reporting.host,
        help="interface to listen on (default: %(default)s)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=settings.reporting.port,
        help="HTTP port (default: %(default)s)",
    )
    args = parser.parse_args()
    uvicorn.run(
        "services.reporting.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        log_config=None,
        # access.py writes the access log; uvicorn's would repeat raw URLs, refused values too.
        access_log=False,
    )


if __name__ == "__main__":
    main()
