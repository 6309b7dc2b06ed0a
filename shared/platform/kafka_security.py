"""TLS and SASL for every Kafka client, from the one set of settings (docs/settings.md).

Three client libraries talk to the broker: aiokafka (the intake, the signals service, the
dispatcher and the worker's own consumers), kafka-python (topic administration and the lag
tool) and faust (the KPI worker, which hands its credentials to aiokafka). Each spells the
same facts differently; these functions are the one place that translates them, so a client
cannot be built that ignores the settings. PLAINTEXT adds nothing: local development and the
tests' broker.
"""

from __future__ import annotations

import ssl
from typing import Any

from aiokafka.helpers import create_ssl_context

from shared.platform.settings import KafkaSettings


def tls_context(kafka: KafkaSettings) -> ssl.SSLContext:
    """Verifies the broker's certificate and host name against ``ssl_cafile`` (or the
    system's CAs)."""
    cafile = str(kafka.ssl_cafile) if kafka.ssl_cafile else None
    context: ssl.SSLContext = create_ssl_context(cafile=cafile)
    return context


def _sasl(kafka: KafkaSettings) -> dict[str, Any]:
    """The SASL arguments, spelled the same by aiokafka and kafka-python."""
    return {
        "sasl_mechanism": kafka.sasl_mechanism.value,
        "sasl_plain_username": kafka.sasl_username,
        "sasl_plain_password": kafka.sasl_password.get_secret_value(),
    }


def aiokafka_security(kafka: KafkaSettings) -> dict[str, Any]:
    """Keyword arguments for AIOKafkaProducer, AIOKafkaConsumer and AIOKafkaAdminClient."""
    protocol = kafka.security_protocol
    if not (protocol.uses_tls or protocol.uses_sasl):
        return {}
    found: dict[str, Any] = {"security_protocol": protocol.value}
    if protocol.uses_tls:
        found["ssl_context"] = tls_context(kafka)
    if protocol.uses_sasl:
        found |= _sasl(kafka)
    return found


def kafka_python_security(kafka: KafkaSettings) -> dict[str, Any]:
    """Keyword arguments for kafka-python's KafkaAdminClient and KafkaConsumer."""
    protocol = kafka.security_protocol
    if not (protocol.uses_tls or protocol.uses_sasl):
        return {}
    found: dict[str, Any] = {"security_protocol": protocol.value}
    if protocol.uses_tls:
        found |= {"ssl_check_hostname": True}
        if kafka.ssl_cafile:
            found["ssl_cafile"] = str(kafka.ssl_cafile)
    if protocol.uses_sasl:
        found |= _sasl(kafka)
    return found


def faust_credentials(kafka: KafkaSettings) -> Any:
    """faust's ``broker_credentials`` (None for PLAINTEXT): faust passes them on to the
    aiokafka clients it makes, so the worker's consumers, producer and table changelogs all
    use them."""
    import faust  # only the KPI worker needs faust; the HTTP services never load it

    protocol = kafka.security_protocol
    if protocol.uses_sasl:
        return faust.SASLCredentials(
            username=kafka.sasl_username,
            password=kafka.sasl_password.get_secret_value(),
            mechanism=kafka.sasl_mechanism.value,
            ssl_context=tls_context(kafka) if protocol.uses_tls else None,
        )
    if protocol.uses_tls:
        return faust.SSLCredentials(tls_context(kafka))
    return None
