"""``python -m services.intake``: run the intake edge with the configured host and port."""

from __future__ import annotations

from services.intake.settings import get_settings
from shared.platform.serve import serve


def main() -> None:
    settings = get_settings().intake
    serve(
        "services.intake",
        "Wijkpuls intake: HTTP edge for CloudEvents from case systems.",
        host=settings.host,
        port=settings.port,
    )


if __name__ == "__main__":
    main()
