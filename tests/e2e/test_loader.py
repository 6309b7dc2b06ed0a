"""Demo stream -> loader (a real process) -> intake over HTTP -> Kafka, counted end to end."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer
from conftest import INTAKE_KEY

from demo import DemoOptions, DemoStream
from shared.platform.settings import get_domain_config

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


def demo_lines() -> tuple[list[str], list[dict[str, Any]]]:
    """~1.5k demo events plus four invalid events and a line that is not JSON."""
    options = DemoOptions(
        start=date(2026, 1, 1), months=2, seed=11, today=date(2026, 2, 28), scale=0.8
    )
    events = list(DemoStream(options, get_domain_config()))
    aangemeld = next(
        e for e in events if e["type"].endswith("zaak.aangemeld") and "wijk" in e["data"]
    )
    besloten = next(e for e in events if e["type"].endswith("zaak.besloten"))
    bad_wet = {
        **aangemeld,
        "id": str(uuid.uuid4()),
        "data": {**aangemeld["data"], "wet": "bijstand"},
    }
    unknown = {**besloten, "id": str(uuid.uuid4()), "data": {**besloten["data"], "opmerking": "x"}}
    bad_bsn = {
        **aangemeld,
        "id": str(uuid.uuid4()),
        "data": {**aangemeld["data"], "client": {"bsn": "123456789"}},
    }
    conflict = {**events[10], "data": {**events[10]["data"], "datum": "2026-02-27"}}
    lines = [json.dumps(e) for e in events]
    lines[40:40] = [json.dumps(bad_wet), "{this is not json"]
    lines[700:700] = [json.dumps(unknown), json.dumps(bad_bsn)]
    lines.append(json.dumps(conflict))  # same source + id as line 11, other content
    return lines, events


async def read_events(
    bootstrap: str, topic: str, expected: int, timeout_s: float = 60
) -> list[Any]:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"e2e-loader-{uuid.uuid4()}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    records: list[Any] = []
    try:
        deadline = asyncio.get_running_loop().time() + timeout_s
        while len(records) < expected and asyncio.get_running_loop().time() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            records.extend(r for batch in batches.values() for r in batch)
        extra = await consumer.getmany(timeout_ms=1500)  # nothing more than expected arrives
        records.extend(r for batch in extra.values() for r in batch)
    finally:
        await consumer.stop()
    return records


async def test_the_loader_sends_a_demo_stream_through_the_intake(
    intake_url: str, kafka_bootstrap: str, topic_prefix: str, tmp_path: Path
):
    lines, events = demo_lines()
    path = tmp_path / "demo.jsonl"
    path.write_text("\n".join(lines) + "\n\n", encoding="utf-8")  # a blank line is no event
    command = [sys.executable, "-m", "services.intake.loader", str(path), "--url", intake_url]
    proc = await asyncio.create_subprocess_exec(
        *command,
        "--batch-size",
        "200",
        "--json",
        "--quiet",
        cwd=ROOT,
        env={**os.environ, "WIJKPULS_LOADER_API_KEY": INTAKE_KEY},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(proc.communicate(), timeout=300)
    assert proc.returncode == 1, stderr.decode()
    summary = json.loads(stdout.decode().strip().splitlines()[-1])

    distinct = {(e["source"], e["id"]) for e in events}
    assert 1_000 <= len(events) <= 2_500
    assert summary["lines"] == len(lines)
    assert summary["accepted"] + summary["duplicate"] + summary["rejected"] == len(lines)
    assert summary["rejected"] == 5
    assert summary["accepted"] == len(distinct)
    assert summary["duplicate"] == len(events) - len(distinct) > 0
    reasons = {r["field"]: r for r in summary["reasons"]}
    assert {"data.wet", "data.opmerking", "data.client.bsn", "id", "(line)"} <= set(reasons)
    assert reasons["(line)"]["lines"] == [42]
    assert reasons["id"]["lines"] == [len(lines)]
    assert "123456789" not in stdout.decode(), "a rejection never echoes the value"

    records = await read_events(
        kafka_bootstrap, f"{topic_prefix}wijkpuls.events", summary["accepted"]
    )
    published = {(v["source"], v["id"]) for v in (json.loads(r.value) for r in records)}
    assert len(published) == summary["accepted"]
    assert len(records) == summary["accepted"], "a retry in the stream is not published twice"
