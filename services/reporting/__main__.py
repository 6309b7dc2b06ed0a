"""``python -m services.reporting``: run the reporting API with the configured host and port."""

from __future__ import annotations

from shared.platform.serve import serve
from shared.platform.settings import get_settings


def main() -> None:
    settings = get_settings()
    serve(
        "python -m services.reporting",
        "Wijkpuls reporting: live KPI figures per wet, wijk and periode.",
        "services.reporting.app:create_app",
        host=settings.reporting.host,
        port=settings.reporting.port,
        # access.py writes the access log; uvicorn's would repeat raw URLs, refused values too.
        access_log=False,
    )


if __name__ == "__main__":
    main()
