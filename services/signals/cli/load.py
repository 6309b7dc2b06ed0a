"""``python -m services.signals.cli.load FILE``: load a delivery from the command line.

Runs the service's own pipeline in this process (vault from WIJKPULS_SIGNALS_DATABASE_URL,
events to the vroegsignalen topic), streaming the file, with a progress bar on stderr. The
delivery report is printed as JSON on stdout (or written to --report).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from tqdm import tqdm  # type: ignore[import-untyped]  # no stubs in the dev group

from services.signals.pipeline import sources
from services.signals.pipeline.delivery import load_delivery, start_delivery
from services.signals.rules import report
from services.signals.settings import Settings, get_settings
from services.signals.wiring import start_edge
from shared.platform.logs import configure_logging


def count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


async def load_file(
    path: Path, settings: Settings, client: str, *, show_progress: bool = True
) -> dict[str, object]:
    edge = await start_edge(settings, client_id="wijkpuls-signals-loader")
    try:
        fmt = sources.guess_format(path.name, None)
        core = edge.core
        total = max(count_lines(path) - 1, 0) if fmt is sources.DeliveryFormat.CSV else None
        delivery_id = start_delivery(core, client, fmt)
        with (
            path.open("rb") as handle,
            tqdm(total=total, unit="rows", disable=not show_progress, file=sys.stderr) as bar,
        ):
            if fmt is sources.DeliveryFormat.JSON:
                rows, labels = sources.read_ddas_json(handle), sources.DDAS_LABELS
            else:
                mapping = core.domain.signals.csv
                rows, labels = sources.read_csv(handle, mapping), dict(mapping.columns)
            await load_delivery(
                core, edge.publisher, delivery_id, rows, await edge.today(),
                labels=labels, progress=bar.update,
            )  # fmt: skip
        found = report.delivery_report(core, delivery_id)
        assert found is not None
        return found
    finally:
        await edge.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m services.signals.cli.load",
        description="Load a vroegsignalering delivery (DDAS v0.9 JSON or CSV with the column "
        "mapping of domain.yaml) into the vault and the vroegsignalen topic. Settings come "
        "from WIJKPULS_* environment variables (docs/settings.md).",
    )
    parser.add_argument("file", type=Path, help="the delivery (.json or .csv)")
    parser.add_argument(
        "--client", default="cli-loader", help="name recorded as the delivery's sender"
    )
    parser.add_argument("--report", type=Path, help="write the report JSON here, not stdout")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    configure_logging("WARNING")
    found = asyncio.run(
        load_file(args.file, get_settings(), args.client, show_progress=not args.quiet)
    )
    text = json.dumps(found, indent=2, ensure_ascii=False)
    if args.report:
        args.report.write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
    return 0 if found["status"] == "loaded" else 1


if __name__ == "__main__":
    sys.exit(main())
