"""``python -m services.intake``: run the intake edge with the configured host and port."""

from __future__ import annotations

from shared.platform.serve import serve
from shared.platform.settings import get_settings


def main() -> None:
    settings = get_settings()
    serve(
        "python -m services.intake",
        "Wijkpuls intake: HTTP edge for CloudEvents from case systems.",
        "services.intake.app:create_app",
        host=settings.intake.host,
        port=settings.intake.port,
    )


if __name__ == "__main__":
    main()
