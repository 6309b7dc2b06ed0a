"""``python -m services.intake``: run the intake edge with the configured host and port."""

from __future__ import annotations

from services.intake.settings import get_settings
from shared.platform.serve import serve


def main() -> None:
    serve(
        "services.intake",
        "Wijkpuls intake: HTTP edge for CloudEvents from case systems.",
        get_settings().intake,
    )


if __name__ == "__main__":
    main()
