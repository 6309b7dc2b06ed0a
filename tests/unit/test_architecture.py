"""The layering of docs/architecture.md#where-things-live, checked on every import.

shared/core is the pure core (no Kafka, Redis, HTTP or database, nothing else of shared);
shared/contract may import the core; shared/platform the core and the contract; a service
imports shared and itself, never another service; nothing that ships imports the demo
generators, the benchmarks, the dev tools or the tests.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INFRASTRUCTURE = ("aiokafka", "kafka", "faust", "mode", "redis", "fastapi", "starlette",
                  "uvicorn", "sqlalchemy", "httpx")  # fmt: skip
NOT_SHIPPED = ("demo", "benchmarks", "tests", "tools", "reference", "fixtures")


def imports(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text("utf-8"), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def modules(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def top(name: str, depth: int) -> str:
    return ".".join(name.split(".")[:depth])


def violations(folder: str, refused: tuple[str, ...]) -> list[str]:
    return [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in modules(folder)
        for name in imports(path)
        if any(name == r or name.startswith(r + ".") for r in refused)
    ]


def test_the_core_imports_no_infrastructure_and_nothing_else_of_shared() -> None:
    refused = (*INFRASTRUCTURE, "shared.contract", "shared.platform", "services", *NOT_SHIPPED)
    assert violations("shared/core", refused) == []


def test_the_contract_imports_no_platform() -> None:
    refused = ("shared.platform", "services", "redis", "fastapi", "faust", *NOT_SHIPPED)
    assert violations("shared/contract", refused) == []


def test_the_platform_imports_no_service() -> None:
    assert violations("shared/platform", ("services", *NOT_SHIPPED)) == []


@pytest.mark.parametrize(
    "service", sorted(p.name for p in (ROOT / "services").iterdir() if (p / "__init__.py").exists())
)
def test_a_service_imports_no_other_service(service: str) -> None:
    found = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in modules(f"services/{service}")
        for name in imports(path)
        if name.startswith("services.") and top(name, 2) != f"services.{service}"
    ]
    assert found == []
    assert violations(f"services/{service}", NOT_SHIPPED) == []


def test_the_checks_see_imports() -> None:
    """The walker finds a known import, so an empty violation list means something."""
    assert "shared.core.domain" in set(imports(ROOT / "shared/core/kpi/contribution.py"))
