"""docker-compose.yml and the Dockerfile stay in step with the code: services, ports,
connectivity settings, health checks, the Compose Specification and the image's contents.

No Docker is needed: the file is parsed with PyYAML and validated with jsonschema against the
Compose Specification schema kept in deploy/schemas/compose-spec (deploy/schemas/SOURCE.md).
What a service must be told in a container is derived from the settings classes (env_prefix +
field name), so a new setting that points at localhost by default shows up here as a gap in
the compose file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator
from pydantic_settings import BaseSettings

from tools.settings_doc import settings_classes

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = {"intake", "reporting", "kpi", "signals", "webhooks"}
COMPOSE_SCHEMA = ROOT / "deploy" / "schemas" / "compose-spec" / "compose-spec.json"
# An exact image tag: a version with all three numbers, optionally a variant (-bookworm).
EXACT_TAG = re.compile(r"^\d+\.\d+\.\d+(-[a-z0-9.]+)?$")
# Settings whose value is a secret (or names who may call): never written in the compose file.
SECRET_SETTING = re.compile(r"KEY|SECRET|PASSWORD|CLIENTS|AUTHORIZATION|WEBHOOK_URLS")
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
    """Every settings class: the shared ones and each service's own (tools/settings_doc.py)."""
    classes = settings_classes()
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


def test_compose_file_follows_the_compose_specification() -> None:
    schema = json.loads(COMPOSE_SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    errors = sorted(
        Draft202012Validator(schema).iter_errors(_compose()), key=lambda e: list(e.path)
    )
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_the_compose_schema_catches_a_mistake() -> None:
    """Guards the check above: a misspelt key must fail, so the schema is really applied."""
    schema = json.loads(COMPOSE_SCHEMA.read_text(encoding="utf-8"))
    broken = _compose()
    broken["services"]["intake"]["healthchek"] = broken["services"]["intake"].pop("healthcheck")
    assert list(Draft202012Validator(schema).iter_errors(broken))


def test_infrastructure_images_are_the_pinned_versions() -> None:
    services, versions = _services(), _versions()
    assert services["kafka"]["image"] == f"apache/kafka:{versions['KAFKA_VERSION']}"
    # Redis: the exact release deploy/local/versions.env pins for the test containers too.
    name, _, tag = services["redis"]["image"].partition(":")
    assert services["redis"]["image"] == versions["REDIS_IMAGE"]
    assert name == "redis"
    assert EXACT_TAG.match(tag), f"redis:{tag} is not an exact version tag"


def test_every_service_has_a_health_check() -> None:
    for name, service in _services().items():
        if name == "topics":  # a one-shot job: done is its only state
            assert service.get("healthcheck") == {"disable": True}
            continue
        check = service.get("healthcheck")
        assert check and check.get("test"), f"{name} has no healthcheck"
        assert not check.get("disable"), f"{name} disables its healthcheck"


def test_services_wait_for_healthy_infrastructure() -> None:
    services = _services()
    for name in APP_SERVICES:
        depends = services[name]["depends_on"]
        assert depends["kafka"] == {"condition": "service_healthy"}, name
        assert depends["redis"] == {"condition": "service_healthy"}, name
        assert depends["topics"] == {"condition": "service_completed_successfully"}, name
    assert services["topics"]["depends_on"]["kafka"] == {"condition": "service_healthy"}


def test_http_health_checks_use_the_service_ports() -> None:
    services = _services()
    for cls in _settings_classes():
        name = _service_of(cls)
        port_field = cls.model_fields.get("port")
        if name in APP_SERVICES and port_field is not None:
            test = " ".join(services[name]["healthcheck"]["test"])
            assert f"127.0.0.1:{port_field.default}/" in test, name
    webhooks = " ".join(services["webhooks"]["healthcheck"]["test"])
    assert f":{_env(services['webhooks'])['WIJKPULS_WEBHOOK_HEALTH_PORT']}/health" in webhooks
    kpi = " ".join(services["kpi"]["healthcheck"]["test"])
    assert f":{_env(services['kpi'])['WIJKPULS_KPI_WEB_PORT']}/ready" in kpi


def test_no_secret_is_written_in_the_compose_file() -> None:
    """Secrets come from the optional, gitignored .env beside the file, never from the file."""
    for name, service in _services().items():
        for var in _env(service):
            assert not SECRET_SETTING.search(var), f"{name} sets {var} in docker-compose.yml"
        if name in APP_SERVICES | {"topics"}:
            assert {"path": ".env", "required": False} in service.get("env_file", []), name
    assert ".env" in (ROOT / ".gitignore").read_text().split()


def test_state_folders_are_the_ones_the_image_gives_its_user() -> None:
    """The vault is a named volume, which starts as a copy of the image folder it is mounted
    on, ownership included; the KPI state stays in the container's own folder (one per
    worker when scaled). Either way the non-root user must own the folder."""
    services = _services()
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    runtime = dockerfile.split("AS runtime", 1)[1].replace("\\\n", " ")  # join continuations
    made = re.findall(r"install -d -o wijkpuls -g wijkpuls -m \d+ ([^&\n]+)", runtime)
    assert made, "the runtime stage must create the state folders for its user"
    owned = set(made[0].split())
    vault = "/var/lib/wijkpuls/signals"
    mounts = {str(m).split(":")[1] for m in services["signals"]["volumes"]}
    assert vault in mounts, f"the signals vault must be a volume at {vault}"
    database_url = _env(services["signals"])["WIJKPULS_SIGNALS_DATABASE_URL"]
    assert f"sqlite:///{vault}/" in database_url
    kpi_dir = _env(services["kpi"])["WIJKPULS_KPI_DATA_DIR"]
    assert "volumes" not in services["kpi"], "a shared volume would break --scale kpi=N"
    assert {vault, kpi_dir} <= owned, "the image does not give these folders to its user"


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
    assert dockerfile.startswith("#")
    # Two stages on one exact base: python:3.11.<patch>-slim-bookworm (optionally @sha256:...).
    bases = re.findall(r"^FROM (\S+) AS (\w+)$", dockerfile, re.MULTILINE)
    assert [stage for _, stage in bases] == ["builder", "runtime"]
    assert len({image for image, _ in bases}) == 1
    assert re.fullmatch(r"python:3\.11\.\d+-slim-bookworm(@sha256:[0-9a-f]{64})?", bases[0][0])
    builder, runtime = dockerfile.split("AS runtime", 1)
    assert "uv sync --frozen --no-dev" in builder
    assert "uv" not in re.sub(r"#.*", "", runtime).split(), "the runtime stage has no uv"
    makefile = ROOT / "Makefile"
    if makefile.exists():  # one uv version for developers, CI and the image
        match = re.search(r"^UV_VERSION\s*:?=\s*(\S+)", makefile.read_text(), re.MULTILINE)
        if match:
            assert f"uv=={match.group(1)}" in dockerfile


def test_image_runs_as_a_user_and_checks_its_health() -> None:
    runtime = (ROOT / "Dockerfile").read_text(encoding="utf-8").split("AS runtime", 1)[1]
    users = re.findall(r"^USER (\S+)$", runtime, re.MULTILINE)
    assert users and users[-1].split(":")[0] not in {"root", "0"}
    assert re.search(r"^HEALTHCHECK .*\bCMD\b", runtime, re.MULTILINE | re.DOTALL)


def test_image_holds_only_the_service_code() -> None:
    """shared/ and services/ go in; demo/, benchmarks/, tests/ never reach the build context."""
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    copied = set()
    for line in re.findall(r"^COPY (?!--from)(.+)$", dockerfile, re.MULTILINE):
        copied.update(line.split()[:-1])
    assert copied == {"pyproject.toml", "uv.lock", "README.md", "shared", "services"}
    lines = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    ignore = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    assert ignore[0] == "*", ".dockerignore is an allow-list: it starts by leaving out all"
    allowed = {line[1:].rstrip("/") for line in ignore if line.startswith("!")}
    assert allowed == copied
    for folder in ("demo", "benchmarks", "tests", "docs", "deploy", ".env", "var"):
        assert folder not in allowed


@pytest.mark.parametrize("name", sorted(APP_SERVICES))
def test_services_start_through_their_entry_points(name: str) -> None:
    """``python -m services.<name>``: the entry point deploy/local/services.sh runs too."""
    command = _services()[name]["command"]
    assert command[:3] == ["python", "-m", f"services.{name}"]
    main = ROOT / "services" / name / "__main__.py"
    assert main.exists(), f"{main} is missing"
