"""``python -m services.signals``: run the signals service with the configured host and port."""

from __future__ import annotations

from shared.platform.serve import serve
from shared.platform.settings import get_settings


def main() -> None:
    settings = get_settings()
    serve(
        "python -m services.signals",
        "Wijkpuls signals: vroegsignalering deliveries, identity vault, werklijst and outreach.",
        "services.signals.app:create_app",
        host=settings.signals.host,
        port=settings.signals.port,
    )


if __name__ == "__main__":
    main()
