"""Runs the services as real processes against the real broker and Redis."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from fixtures.service_procs import free_port, http_ok, run_service

from services.intake.settings import development_intake_clients
from shared.platform.kafka_admin import ensure_topics
from shared.platform.settings import KafkaSettings, get_domain_config

ANALIST_KEY = "e2e-analist-key-0123456789"  # sees small numbers (reporting role analist)
# The development intake clients (shared/config/dev_clients.yaml, docs/intake.md):
INTAKE_KEY = "wijkpuls-development-intake-key"  # 'ontwikkeling': urn:nld:oin:*, zaak.*, zorg.*
WMO_KEY = "wijkpuls-development-intake-key-wmo"  # 'wmo-zaaksysteem': its source, zaak.*, ...
INTAKE_AUTH = {"Authorization": f"Bearer {INTAKE_KEY}"}


@pytest.fixture
def service_env(kafka_settings: KafkaSettings, redis_url: str, tmp_path: Path) -> dict[str, str]:
    ensure_topics(kafka_settings, get_domain_config())
    return {
        **os.environ,
        "WIJKPULS_KAFKA_BOOTSTRAP_SERVERS": kafka_settings.bootstrap_servers,
        "WIJKPULS_KAFKA_TOPIC_PREFIX": kafka_settings.topic_prefix,
        "WIJKPULS_REDIS_URL": redis_url,
        "WIJKPULS_ENVIRONMENT": "test",
        "WIJKPULS_KPI_DATA_DIR": str(tmp_path / "kpi-data"),
        "WIJKPULS_KPI_WEB_PORT": str(free_port()),
        "WIJKPULS_REPORTING_API_KEYS": json.dumps({ANALIST_KEY: "analist"}),
        "WIJKPULS_INTAKE_CLIENTS": json.dumps(
            [client.model_dump(mode="json") for client in development_intake_clients()]
        ),
    }


@pytest.fixture
def start_intake(service_env: dict[str, str], tmp_path: Path) -> Iterator[Callable[..., str]]:
    """``start_intake(**env)``: an intake process with these settings on top; its URL."""
    with ExitStack() as running:

        def start(**env: str) -> str:
            port = free_port()
            url = f"http://127.0.0.1:{port}"
            args = ["-m", "services.intake", "--port", str(port)]
            log = tmp_path / f"intake-{port}.log"
            running.enter_context(
                run_service(args, {**service_env, **env}, log, http_ok(url + "/ready"))
            )
            return url

        yield start


@pytest.fixture
def intake_url(start_intake: Callable[..., str]) -> str:
    """An intake with the development clients; send ``INTAKE_AUTH`` (or ``WMO_KEY``)."""
    return start_intake()


@pytest.fixture
def kpi_worker(service_env: dict[str, str], tmp_path: Path) -> Iterator[None]:
    url = f"http://127.0.0.1:{service_env['WIJKPULS_KPI_WEB_PORT']}/"
    args = ["-m", "services.kpi", "worker", "-l", "info"]
    with run_service(args, service_env, tmp_path / "kpi.log", http_ok(url), timeout_s=90):
        yield


@pytest.fixture
def reporting_url(service_env: dict[str, str], tmp_path: Path) -> Iterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    args = ["-m", "services.reporting", "--port", str(port)]
    with run_service(args, service_env, tmp_path / "reporting.log", http_ok(url + "/ready")):
        yield url
