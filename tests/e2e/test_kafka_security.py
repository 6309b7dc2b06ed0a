"""Every Kafka client over TLS and SASL/SCRAM-SHA-512, as on a production cluster.

A broker of this test alone gets a SASL_SSL listener with one SCRAM user and a CA of its own
(deploy/local/kafka.sh). Over that listener only: topic administration (kafka-python), the
intake (aiokafka producer and its broker watch) and the KPI worker (faust, with its consumers,
producer and changelogs) carry two zaken from a POST to figures in Redis. A wrong password
gets nowhere.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import httpx
import pytest
import redis
from conftest import INTAKE_AUTH
from fixtures.private_broker import SCRAM_PASSWORD, SCRAM_USER, private_broker
from fixtures.service_procs import free_port, http_ok, run_service
from intake_helpers import BATCH, TYPE, aangemeld

from shared.contract.figure_keys import FigureKeys
from shared.platform.kafka_admin import BrokerUnavailableError, ensure_topics, wait_for_broker
from shared.platform.settings import KafkaSettings, get_domain_config

pytestmark = pytest.mark.e2e


def besloten(zaak_id: str) -> dict[str, object]:
    event = aangemeld(zaak_id)
    event["type"] = TYPE + "zaak.besloten"
    event["time"] = "2026-03-20T09:15:00+01:00"
    event["data"] = {"zaak_id": zaak_id, "datum": "2026-03-20", "uitkomst": "toegekend"}
    return event


def test_intake_and_worker_reach_figures_over_sasl_ssl_only(
    service_env: dict[str, str], redis_url: str, tmp_path: Path
) -> None:
    with private_broker(tmp_path, secure=True) as broker:
        assert broker.cafile is not None
        prefix = f"secure-{uuid.uuid4().hex[:8]}-"
        secure = {
            "WIJKPULS_KAFKA_BOOTSTRAP_SERVERS": broker.secure_bootstrap,
            "WIJKPULS_KAFKA_TOPIC_PREFIX": prefix,
            "WIJKPULS_KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
            "WIJKPULS_KAFKA_SASL_USERNAME": SCRAM_USER,
            "WIJKPULS_KAFKA_SASL_PASSWORD": SCRAM_PASSWORD,
            "WIJKPULS_KAFKA_SSL_CAFILE": str(broker.cafile),
        }
        kafka = KafkaSettings(
            bootstrap_servers=broker.secure_bootstrap, topic_prefix=prefix,
            security_protocol="SASL_SSL", sasl_username=SCRAM_USER,
            sasl_password=SCRAM_PASSWORD, ssl_cafile=broker.cafile,
        )  # fmt: skip
        wrong = kafka.model_copy(update={"sasl_password": kafka.sasl_password.__class__("fout")})
        with pytest.raises(BrokerUnavailableError):
            wait_for_broker(wrong, timeout_s=3)
        ensure_topics(kafka, get_domain_config())

        env = {**service_env, **secure}
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        intake = ["-m", "services.intake", "--port", str(port)]
        worker = ["-m", "services.kpi", "worker", "-l", "info"]
        worker_url = f"http://127.0.0.1:{env['WIJKPULS_KPI_WEB_PORT']}/"
        with (
            run_service(intake, env, tmp_path / "intake.log", http_ok(url + "/ready")),
            run_service(worker, env, tmp_path / "kpi.log", http_ok(worker_url), timeout_s=120),
        ):
            events = [aangemeld("Z-SEC-1"), aangemeld("Z-SEC-2")]
            events += [besloten("Z-SEC-1"), besloten("Z-SEC-2")]
            answer = httpx.post(f"{url}/api/v1/events", json=events, headers={**INTAKE_AUTH,
                                **BATCH}, timeout=30)  # fmt: skip
            assert answer.status_code == 202, answer.text
            store = redis.Redis.from_url(redis_url)
            index = FigureKeys(prefix).cells_index
            deadline = time.monotonic() + 90
            while not store.scard(index):
                assert time.monotonic() < deadline, (tmp_path / "kpi.log").read_text()[-3000:]
                time.sleep(0.5)
            store.delete(*store.keys(f"{prefix}*"))
