"""The real redis-server: the project's Redis holds the rebuildable view of the figures."""

from __future__ import annotations

import uuid

import pytest
import redis
import redis.asyncio

pytestmark = pytest.mark.integration


def test_ping_set_get(redis_url: str) -> None:
    key = f"test:{uuid.uuid4()}"
    with redis.Redis.from_url(redis_url) as client:
        assert client.ping() is True
        try:
            assert client.set(key, "waarde", ex=60) is True
            assert client.get(key) == b"waarde"
            assert 0 < client.ttl(key) <= 60
        finally:
            client.delete(key)
        assert client.get(key) is None


async def test_asyncio_client(redis_url: str) -> None:
    key = f"test:{uuid.uuid4()}"
    client = redis.asyncio.Redis.from_url(redis_url, decode_responses=True)
    try:
        assert await client.ping() is True
        await client.hset(key, mapping={"wijk": "Brandevoort", "aantal": "3"})
        await client.expire(key, 60)
        assert await client.hgetall(key) == {"wijk": "Brandevoort", "aantal": "3"}
    finally:
        await client.delete(key)
        await client.aclose()


def test_no_persistence_when_started_by_the_script(redis_url: str) -> None:
    """deploy/local/redis.sh runs without snapshots or AOF: Redis is a view, Kafka the truth."""
    with redis.Redis.from_url(redis_url, decode_responses=True) as client:
        info = client.info("persistence")
        config = client.config_get("save")
    assert info["aof_enabled"] == 0
    assert config["save"] == ""
