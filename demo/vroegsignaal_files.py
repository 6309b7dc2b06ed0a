"""python -m demo.vroegsignaal_files: write the demo vroegsignalering as files.

``<out>/deliveries/<signaalpartner>-<YYYY-MM>[-correctie].json`` (DDAS-shaped deliveries, for
the signals service's upload), ``<out>/outreach.jsonl`` (the outreach API calls) and, with
``--events``, ``<out>/vroegsignaal-events.jsonl`` (the pseudonymised catalog events, demo key).
See docs/demo.md.
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

from demo.timing import month_start
from demo.vroegsignaal_output import catalog_events, ddas_deliveries, outreach_calls
from demo.vroegsignalen import VroegsignaalOptions, plan_vroegsignalering
from shared.platform.settings import get_domain_config


def write_files(out: Path, options: VroegsignaalOptions, *, events: bool = False) -> int:
    """Writes the files; returns the number of signals."""
    cases = plan_vroegsignalering(options, get_domain_config())
    deliveries = out / "deliveries"
    deliveries.mkdir(parents=True, exist_ok=True)
    for name, delivery in ddas_deliveries(cases).items():
        (deliveries / name).write_text(json.dumps(delivery, ensure_ascii=False, indent=1) + "\n")
    with (out / "outreach.jsonl").open("w") as lines:
        lines.writelines(json.dumps(call) + "\n" for call in outreach_calls(cases))
    if events:
        with (out / "vroegsignaal-events.jsonl").open("wb") as lines:
            lines.writelines(e.to_json() + b"\n" for e in catalog_events(cases))
    return sum(len(c.signals) for c in cases)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m demo.vroegsignaal_files")
    parser.add_argument("--start", type=month_start, required=True, metavar="YYYY-MM")
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--today", type=date.fromisoformat, default=None, metavar="YYYY-MM-DD")
    parser.add_argument("--events", action="store_true", help="also the catalog events")
    parser.add_argument("--out", type=Path, default=Path("var/demo/vroegsignalen"))
    args = parser.parse_args(argv)
    options = VroegsignaalOptions(args.start, args.months, args.seed, args.today)
    count = write_files(args.out, options, events=args.events)
    print(json.dumps({"signals": count, "out": str(args.out)}))


if __name__ == "__main__":
    main()
