"""``python -m services.reporting``: run the reporting API with the configured host and port."""

from __future__ import annotations

from services.reporting.settings import get_settings
from shared.platform.serve import serve


def main() -> None:
    # access.py writes the access log; uvicorn's would repeat raw URLs, refused values too.
    # Live streams (GET /api/v1/live) never end by themselves: on SIGTERM they get a few
    # seconds, then they are closed and the clients reconnect to another process.
    serve("services.reporting", "Wijkpuls reporting: live KPI figures per wet, wijk and periode.",
          get_settings().reporting, access_log=False, graceful_shutdown_s=5)  # fmt: skip


if __name__ == "__main__":
    main()
