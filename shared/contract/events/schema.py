"""Publish the catalog machine-readably.

``python -m shared.contract.events.schema --out docs/catalog/``

Writes a JSON Schema per type (stored and intake form), the AsyncAPI document and the
generated field tables. ``--check`` fails when the files on disk are not what the code
generates, so CI notices a model change without a regenerated catalog.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from shared.contract.events.asyncapi import asyncapi_document
from shared.contract.events.jsonschemas import json_schemas
from shared.contract.events.reference import types_markdown

__all__ = ["asyncapi_document", "json_schemas", "main", "render_catalog"]


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def render_catalog() -> dict[str, str]:
    """Relative path -> file content of everything under docs/catalog/."""
    files = {"asyncapi.json": _json(asyncapi_document()), "types.md": types_markdown()}
    for form in ("stored", "intake"):
        for type_name, schema in json_schemas(form).items():
            files[f"{form}/{type_name}.schema.json"] = _json(schema)
    return files


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m shared.contract.events.schema",
        description="Write the event catalog: JSON Schemas, AsyncAPI document, field tables.",
    )
    parser.add_argument("--out", type=Path, required=True, help="directory, e.g. docs/catalog/")
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if the files are out of date"
    )
    args = parser.parse_args(argv)
    files = render_catalog()
    stale = sorted(
        name
        for name, text in files.items()
        if not (args.out / name).is_file() or (args.out / name).read_text("utf-8") != text
    )
    if args.check:
        for name in stale:
            print(f"out of date: {args.out / name}", file=sys.stderr)
        return 1 if stale else 0
    for name in stale:
        (args.out / name).parent.mkdir(parents=True, exist_ok=True)
        (args.out / name).write_text(files[name], encoding="utf-8")
    print(f"{len(stale)} of {len(files)} catalog files written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
