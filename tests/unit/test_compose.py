"""docker-compose.yml stays in step with the code: services, ports, connectivity settings.

No Docker is needed: the file is parsed with PyYAML. What a service must be told in a
container is derived from the settings classes (env_prefix + field name), so a new setting
that points at localhost by default shows up here as a gap in the compose file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic_settings import BaseSettings

from shared.platform.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = {"intake", "reporting", "kpi", "signals"}
# Services whose settings class does not exist yet, with the port they publish.
PORTS_WITHOUT_SETTINGS: dict[str, int] = {}
LOCAL = re.compile(r"localhost|127\.0\.0\.1")


def _compose() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _services() -> dict[str, dict[str, Any]]:
    services = _compose()["services"]
    assert isinstance(services, dict)
    return services


def _env(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):  # the "KEY=value" list form
        env = dict(item.split("=", 1) for item in env)
    return {str(k): str(v) for k, v in env.items()}


def _versions() -> dict[str, str]:
    lines = (ROOT / "deploy" / "local" / "versions.env").read_text().splitlines()
    pairs = (line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))
    return {k.strip(): v.strip() for k, v in pairs}


def _settings_classes() -> list[type[BaseSettings]]:
    """Every settings class the aggregate ``Settings`` is made of."""
    classes = []
    for field in Settings.model_fields.values():
        cls = field.annotation
        if isinstance(cls, type) and issubclass(cls, BaseSettings):
            classes.append(cls)
    assert classes
    return classes


def _service_of(cls: type[BaseSettings]) -> str:
    """IntakeSettings -> intake: the app service a per-service class belongs to."""
    return cls.__name__.removesuffix("Settings").lower()


def _connectivity_vars(cls: type[BaseSettings]) -> dict[str, str]:
    """Env var -> field name for the fields whose default points at this machine.

    In a container "localhost" is the container itself, so each of these must be given.
    """
    prefix = str(cls.model_config.get("env_prefix", ""))
    return {
        f"{prefix}{name}".upper(): name
        for name, field in cls.model_fields.items()
        if isinstance(field.default, str) and LOCAL.search(field.default)
    }


def _published_ports(service: dict[str, Any]) -> set[int]:
    ports = set()
    for entry in service.get("ports", []):
        text = str(entry["published"] if isinstance(entry, dict) else entry)
        ports.add(int(text.split(":")[0]))
    return ports


def test_compose_names_every_service() -> None:
    services = _services()
    assert set(services) >= APP_SERVICES | {"kafka", "redis", "topics"}
    for name in APP_SERVICES | {"topics"}:
        assert services[name].get("build") == ".", f"{name} must run the project's image"
        assert services[name].get("command"), f"{name} needs its own command"


def test_infrastructure_images_are_the_pinned_versions() -> None:
    services, versions = _services(), _versions()
    assert services["kafka"]["image"] == f"apache/kafka:{versions['KAFKA_VERSION']}"
    assert services["redis"]["image"] == versions["REDIS_IMAGE"]


def test_derived_connectivity_settings_are_not_empty() -> None:
    """Guards the derivation itself: it must find the broker, Redis and the HTTP hosts."""
    found = {var for cls in _settings_classes() for var in _connectivity_vars(cls)}
    assert {"WIJKPULS_KAFKA_BOOTSTRAP_SERVERS", "WIJKPULS_REDIS_URL"} <= found
    assert "WIJKPULS_INTAKE_HOST" in found


@pytest.mark.parametrize("cls", _settings_classes(), ids=lambda c: c.__name__)
def test_every_connectivity_setting_is_given_in_the_containers(cls: type[BaseSettings]) -> None:
    services, owner = _services(), _service_of(cls)
    # A class of one service (IntakeSettings) matters there; shared ones in every service.
    targets = [owner] if owner in APP_SERVICES else sorted(APP_SERVICES | {"topics"})
    for var in _connectivity_vars(cls):
        for name in targets:
            env = _env(services[name])
            assert var in env, f"{name} does not set {var} ({cls.__name__})"
            assert not LOCAL.search(env[var]), (
                f"{name}: {var}={env[var]} points at the container itself"
            )


def test_service_ports_are_the_settings_defaults() -> None:
    services = _services()
    checked = set()
    for cls in _settings_classes():
        name = _service_of(cls)
        port_field = cls.model_fields.get("port")
        if name not in APP_SERVICES or port_field is None:
            continue
        port = port_field.default
        assert port in _published_ports(services[name]), f"{name} must publish {port}"
        prefix = str(cls.model_config.get("env_prefix", ""))
        assert _env(services[name]).get(f"{prefix}PORT".upper()) == str(port)
        checked.add(name)
    assert {"intake", "reporting"} <= checked
    for name, port in PORTS_WITHOUT_SETTINGS.items():
        if name not in checked:
            assert port in _published_ports(services[name])
            assert _env(services[name]).get(f"WIJKPULS_{name.upper()}_PORT") == str(port)


def test_kafka_advertises_the_address_the_services_use() -> None:
    services = _services()
    kafka_env = _env(services["kafka"])
    for name in APP_SERVICES | {"topics"}:
        bootstrap = _env(services[name])["WIJKPULS_KAFKA_BOOTSTRAP_SERVERS"]
        assert f"//{bootstrap}" in kafka_env["KAFKA_ADVERTISED_LISTENERS"]
    assert kafka_env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    assert kafka_env["KAFKA_PROCESS_ROLES"] == "broker,controller"


def test_dockerfile_installs_from_the_lock() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert dockerfile.startswith("#") and "FROM python:3.11-slim" in dockerfile
    assert "uv sync --frozen --no-dev" in dockerfile
    makefile = ROOT / "Makefile"
    if makefile.exists():  # one uv version for developers, CI and the image
        match = re.search(r"^UV_VERSION\s*:?=\s*(\S+)", makefile.read_text(), re.MULTILINE)
        if match:
            assert f"uv=={match.group(1)}" in dockerfile


@pytest.mark.parametrize("name", sorted(APP_SERVICES))
def test_services_start_through_their_entry_points(name: str) -> None:
    """``python -m services.<name>``: the entry point deploy/local/services.sh runs too."""
    command = _services()[name]["command"]
    assert command[:3] == ["python", "-m", f"services.{name}"]
    main = ROOT / "services" / name / "__main__.py"
    if name != "signals":  # signals is not written yet
        assert main.exists(), f"{main} is missing"
