"""Kafka clients configured the one way the project relies on.

The producer is idempotent with acks=all: an event is only confirmed to a sender after every
in-sync replica has it, and a retried send cannot write it twice (docs/domain.md#event-contract).
"""

from __future__ import annotations

from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from shared.platform.kafka_security import aiokafka_security
from shared.platform.settings import KafkaSettings


def make_producer(kafka: KafkaSettings, client_id: str, **options: Any) -> AIOKafkaProducer:
    """An idempotent aiokafka producer (acks from every in-sync replica) of the configured
    broker, with its TLS and SASL settings; ``options`` override the defaults."""
    defaults: dict[str, Any] = {"linger_ms": 5}
    return AIOKafkaProducer(
        bootstrap_servers=kafka.bootstrap_servers,
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        request_timeout_ms=kafka.request_timeout_ms,
        **aiokafka_security(kafka),
        **{**defaults, **options},
    )


def make_consumer(kafka: KafkaSettings, *topics: str, **options: Any) -> AIOKafkaConsumer:
    """An aiokafka consumer of the configured broker, with its TLS and SASL settings."""
    return AIOKafkaConsumer(
        *topics,
        bootstrap_servers=kafka.bootstrap_servers,
        request_timeout_ms=kafka.request_timeout_ms,
        **aiokafka_security(kafka),
        **options,
    )
