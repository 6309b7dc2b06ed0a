"""Backup and restore of the vault, the only state Kafka cannot rebuild
(docs/operations.md#backup-and-restore-of-the-vault).

    python -m services.signals.vault.backup backup  FILE    # online, the service may run
    python -m services.signals.vault.backup restore FILE    # into an empty or erased vault

against ``WIJKPULS_SIGNALS_DATABASE_URL``. SQLite: the online backup API of the sqlite3
module (a consistent copy while deliveries load; WAL included), restored by the same API
into the vault file. PostgreSQL: ``pg_dump --format=custom`` (one consistent snapshot) and
``pg_restore --clean --if-exists --no-owner`` into the database of the URL (created by the
operator, empty or holding an older copy). The backup holds the identity still encrypted
with ``WIJKPULS_SIGNALS_VAULT_KEY``: keep the key apart from the file; without it the
identity cannot be read, with it the file is personal data.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from sqlalchemy.engine.url import URL, make_url

PG_BIN = Path("/usr/lib/postgresql")


def backup(database_url: str, target: Path) -> None:
    url = make_url(database_url)
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(_sqlite_file(url), str(target))
    else:
        _pg("pg_dump", url, "--format=custom", "--no-owner", f"--file={target}")


def restore(database_url: str, source: Path) -> None:
    if not source.is_file():
        raise FileNotFoundError(source)
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        vault = _sqlite_file(url)
        Path(vault).parent.mkdir(parents=True, exist_ok=True)
        _sqlite_copy(str(source), vault)
    else:
        _pg("pg_restore", url, "--clean", "--if-exists", "--no-owner", "--single-transaction",
            "--exit-on-error", str(source))  # fmt: skip


def _sqlite_file(url: URL) -> str:
    if not url.database or url.database == ":memory:":
        raise ValueError("an in-memory SQLite vault has nothing to back up")
    return url.database


def _sqlite_copy(source: str, target: str) -> None:
    """sqlite3's online backup API: page by page, consistent, readers and writers go on."""
    if not Path(source).is_file():
        raise FileNotFoundError(source)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def _pg(tool: str, url: URL, *args: str) -> None:
    """Run pg_dump/pg_restore against the URL's database (password through PGPASSWORD)."""
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    connection = [f"--host={url.host or '127.0.0.1'}", f"--port={url.port or 5432}",
                  f"--dbname={url.database}"]  # fmt: skip
    if url.username:
        connection.append(f"--username={url.username}")
    # The tool is a fixed PostgreSQL client from a fixed folder; the URL is the operator's.
    subprocess.run([pg_tool(tool), *connection, *args], env=env, check=True,  # noqa: S603
                   stdin=subprocess.DEVNULL)  # fmt: skip


def pg_tool(name: str) -> str:
    """The PostgreSQL client tool of the newest Debian package (``/usr/lib/postgresql/<v>/bin``;
    its major version must be at least the server's), else the one on PATH."""
    found = sorted(PG_BIN.glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3]))
    if found:
        return str(found[-1])
    on_path = shutil.which(name)
    if on_path is None:
        raise FileNotFoundError(f"{name} not found: apt-get install postgresql-client")
    return on_path


def main(argv: list[str] | None = None) -> int:
    from services.signals.settings import get_settings

    parser = argparse.ArgumentParser(
        prog="python -m services.signals.vault.backup",
        description="Back up or restore the signals vault (WIJKPULS_SIGNALS_DATABASE_URL): "
        "SQLite by its online backup API, PostgreSQL by pg_dump/pg_restore (custom format).",
    )
    parser.add_argument("action", choices=["backup", "restore"])
    parser.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    url = get_settings().signals.database_url
    (backup if args.action == "backup" else restore)(url, args.file)
    print(f"{args.action}: {args.file}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
