"""``python -m services.signals``: run the signals service with the configured host and port."""

from __future__ import annotations

from services.signals.settings import get_settings
from shared.platform.serve import serve


def main() -> None:
    serve(
        "services.signals",
        "Wijkpuls signals: vroegsignalering deliveries, identity vault, werklijst and outreach.",
        get_settings().signals,
    )


if __name__ == "__main__":
    main()
