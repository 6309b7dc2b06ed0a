"""``python -m services.kpi worker``: run a KPI worker (faust's own CLI, with its --help)."""

from __future__ import annotations

from services.kpi import agents  # noqa: F401  (registers the agents and tables)
from services.kpi.app import app


def main() -> None:
    app.main()


if __name__ == "__main__":
    main()
