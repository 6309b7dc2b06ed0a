"""A minimal faust app run by test_broker_clients as a real ``faust worker`` process.

It counts records per key in a table (so a changelog topic is created and written) and sends
each new count to a sink topic. Everything comes from the environment so the test can give
it isolated topic names.
"""

from __future__ import annotations

import os

import faust

app = faust.App(
    os.environ["FAUST_PROBE_ID"],
    broker=os.environ["FAUST_PROBE_BROKER"],
    datadir=os.environ["FAUST_PROBE_DATADIR"],
    store="memory://",
    topic_partitions=3,
    topic_replication_factor=1,
    consumer_auto_offset_reset="earliest",
)
source = app.topic(os.environ["FAUST_PROBE_SOURCE"], key_type=bytes, value_type=bytes)
sink = app.topic(os.environ["FAUST_PROBE_SINK"], key_type=bytes, value_type=bytes)
counts = app.Table("counts", default=int, partitions=3)


@app.agent(source)
async def count(stream: faust.StreamT[bytes]) -> None:
    async for key, _value in stream.items():
        counts[key] += 1
        await sink.send(key=key, value=str(counts[key]).encode())
