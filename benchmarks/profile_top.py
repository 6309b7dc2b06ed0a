"""python -m benchmarks.profile_top SESSION: the top of a pyinstrument session, as plain text.

Two lists from the worker's profile (``worker_rate --profile``): cumulative time per function
(each function counted once per stack, so recursion does not inflate it) and self time per
function. Shares are of the session's total sampled time.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path
from typing import Any

from pyinstrument.session import Session


def _label(frame: Any) -> str:
    path = frame.file_path_short or frame.file_path or ""
    for marker in ("site-packages/", "python3.11/"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{frame.function}  {path}:{frame.line_no}"


def tops(session: Session) -> tuple[float, Counter[str], Counter[str]]:
    root = session.root_frame()
    if root is None:
        return 0.0, Counter(), Counter()
    cumulative: Counter[str] = Counter()
    own: Counter[str] = Counter()

    def walk(frame: Any, parent: str, seen: frozenset[str]) -> None:
        # pyinstrument puts a frame's own time in a synthetic "[self]" child: the parent's.
        synthetic = frame.function.startswith("[")
        label = f"{parent} {frame.function}" if synthetic else _label(frame)
        if label not in seen:
            cumulative[label] += frame.time
        children = frame.children
        own[label] += frame.time - sum(c.time for c in children)
        for child in children:
            walk(child, label, seen | {label})

    walk(root, "", frozenset())
    return root.time, cumulative, own


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile_top", description=__doc__)
    parser.add_argument("session", type=Path, help="a .pyisession file")
    parser.add_argument("--limit", type=int, default=60)
    args = parser.parse_args(argv)
    total, cumulative, own = tops(Session.load(str(args.session)))
    print(f"total {total:.1f} s")
    print("== cumulative ==")
    for label, seconds in cumulative.most_common(args.limit):
        print(f"{seconds:9.2f} s {100 * seconds / total:5.1f}%  {label}")
    print("== self ==")
    for label, seconds in own.most_common(args.limit):
        print(f"{seconds:9.2f} s {100 * seconds / total:5.1f}%  {label}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
