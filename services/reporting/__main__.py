"""``python -m services.reporting``: run the reporting API with the configured host and port."""

from __future__ import annotations

from services.reporting.settings import get_settings
from shared.platform.serve import serve


def main() -> None:
    # access.py writes the access log; uvicorn's would repeat raw URLs, refused values too.
    serve("services.reporting", "Wijkpuls reporting: live KPI figures per wet, wijk and periode.",
          get_settings().reporting, access_log=False)  # fmt: skip


if __name__ == "__main__":
    main()
