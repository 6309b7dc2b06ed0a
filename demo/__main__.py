"""python -m demo: write a demo event stream of Helmond as JSON Lines."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import IO

from tqdm import tqdm  # type: ignore[import-untyped]  # no stubs in the dev group

from demo import profile
from demo.delivery import Quirks
from demo.stream import DemoOptions, DemoStream
from demo.timing import add_months, month_start, today

_DESCRIPTION = (
    "Generate a seeded, realistic stream of Helmond sociaal-domein events as intake "
    "CloudEvents, one JSON object per line, ready for `python -m services.intake.loader`. "
    "The same arguments always give the same file. Progress and a summary go to stderr. "
    "See docs/demo.md."
)


def this_month() -> date:
    return today().replace(day=1)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m demo", description=_DESCRIPTION)
    add = parser.add_argument
    add("--months", type=int, default=12, help="months of requests (default: 12)")
    add(
        "--start",
        type=month_start,
        default=None,
        metavar="YYYY-MM",
        help="first month (default: so that the months end with this one: --months 24 is "
        "the last two years)",
    )
    add("--seed", type=int, default=7, help="random seed (default: 7)")
    add(
        "--today",
        type=date.fromisoformat,
        default=today(),
        metavar="YYYY-MM-DD",
        help="nothing dated or logged after this day is written; later steps of a zaak are "
        "simply not there yet (default: today in Europe/Amsterdam)",
    )
    add(
        "--scale",
        type=float,
        default=1.0,
        help="volume factor: 1 = Helmond, ~430 new zaken a month; 40 for large benchmarks",
    )
    add("--duplicates", type=float, default=profile.DUPLICATE_RATE, metavar="SHARE",
        help="share of events sent twice, same id and content (default: %(default)s)")  # fmt: skip
    add("--out-of-order", type=float, default=profile.OUT_OF_ORDER_RATE, metavar="SHARE",
        help="share of events delivered late, after later ones (default: %(default)s)")  # fmt: skip
    add("--corrections", type=float, default=profile.CORRECTION_RATE, metavar="SHARE",
        help="share of single-valued events first sent with a wrong datum and corrected "
        "later with a new id (default: %(default)s)")  # fmt: skip
    add("--out", default="-", metavar="FILE", help="output file, - for stdout (default: -)")
    add("--quiet", action="store_true", help="no progress bar")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    rates = (args.duplicates, args.out_of_order, args.corrections)
    if args.months < 1 or args.scale <= 0 or not all(0 <= r <= 1 for r in rates):
        parser.error("--months must be >= 1, --scale > 0 and the shares between 0 and 1")
    # Without --start the window ends with this month, whatever its length (make run's
    # two years end today, so the monitor's trends and year-on-year comparisons have data).
    start = args.start or add_months(this_month(), -(args.months - 1))
    options = DemoOptions(start, args.months, args.seed, args.today, args.scale, Quirks(*rates))
    stream = DemoStream(options)
    if args.out == "-":
        _write(stream, sys.stdout, quiet=args.quiet)
    else:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        with open(args.out, "w", encoding="utf-8") as out:
            _write(stream, out, quiet=args.quiet)
    print(
        f"demo stream {options.start:%Y-%m}..{options.end} (seed {options.seed}, "
        f"scale {options.scale:g}) -> {args.out}\n{stream.stats.summary()}",
        file=sys.stderr,
    )
    return 0


def _write(stream: DemoStream, out: IO[str], *, quiet: bool) -> None:
    with tqdm(unit=" ev", unit_scale=True, disable=quiet, file=sys.stderr) as bar:
        for n, event in enumerate(stream, 1):
            out.write(json.dumps(event, ensure_ascii=False, separators=(",", ":")) + "\n")
            if n % 1000 == 0:
                bar.update(1000)
                bar.set_postfix_str(event["time"][:10], refresh=False)
        bar.update(stream.stats.events % 1000)


if __name__ == "__main__":
    sys.exit(main())
