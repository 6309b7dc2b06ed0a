"""Helpers for the signals tests: deliveries with known identities, and reading topics back."""

from __future__ import annotations

import asyncio
import contextlib
import csv
import random
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

from shared.contract.events.bsn import passes_elfproef

HEADER = [
    "ID", "Signaalpartner", "Bedrag", "Ontstaansdatum", "Signaaldatum", "Crisissignaal",
    "WarmeOverdracht", "Burgerservicenummer", "Voorletters", "Voorvoegsel", "Achternaam",
    "Geboortedatum", "Straatnaam", "Postcode", "Huisnummer", "Huisnummertoevoeging", "Plaatsnaam",
]  # fmt: skip
PARTNERS = ["Energie", "Huur", "Water", "Zorg", "CAK Zorgverzekeringen"]


def valid_bsn(rng: random.Random) -> str:
    while True:
        digits = f"{rng.randrange(100_000_000, 999_999_999)}"
        if passes_elfproef(digits):
            return digits


def write_csv(path: Path, rows: int, bad_every: int, seed: int = 7) -> set[int]:
    """``rows`` signals; every ``bad_every``-th one has a bad postcode. Returns the bad rows."""
    rng, bad = random.Random(seed), set()
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADER)
        for n in range(1, rows + 1):
            postcode = f"57{rng.randrange(1, 10):02d}{rng.choice('ABCDEFGH')}{rng.choice('ABKZ')}"
            if n % bad_every == 0:
                postcode, _ = "99999", bad.add(n)
            writer.writerow([
                f"VS-{n:07d}", rng.choice(PARTNERS), rng.randrange(0, 3000), "2026-01-05",
                f"2026-02-{rng.randrange(1, 28):02d}", rng.choice(["nee", "nee", "ja"]), "nee",
                valid_bsn(rng) if n % 3 else "", "A.", "", f"Achternaam{n}", "1960-05-17",
                f"Straat{n}", postcode, str(rng.randrange(1, 300)), "", "Helmond",
            ])  # fmt: skip
    return bad


async def read_topics(bootstrap: str, topics: dict[str, int]) -> dict[str, list[Any]]:
    """Every record of these topics (name -> partitions), from the start to the current end."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        tps = [TopicPartition(topic, p) for topic, count in topics.items() for p in range(count)]
        consumer.assign(tps)
        ends = await consumer.end_offsets(tps)
        for tp in tps:
            consumer.seek(tp, 0)
        found: dict[str, list[Any]] = {topic: [] for topic in topics}
        while [tp for tp in tps if await consumer.position(tp) < ends[tp]]:
            batches = await consumer.getmany(timeout_ms=1000, max_records=5000)
            for tp, batch in batches.items():
                found[tp.topic] += batch
        return found
    finally:
        # aiokafka 0.14 can cancel its own committed-offsets task on a quick stop.
        with contextlib.suppress(asyncio.CancelledError):
            await consumer.stop()
