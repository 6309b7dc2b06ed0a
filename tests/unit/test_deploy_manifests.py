"""deploy/k8s stays sound and in step with the code, without kustomize or kubeconform.

`make deploy-check` renders the overlays and validates them against the Kubernetes and Strimzi
schemas; these checks read the YAML as written and compare it with the code: every Deployment
has probes, resources, a PodDisruptionBudget and a NetworkPolicy; the KafkaTopics are the
topics of shared/contract/topics.py with the retention of shared/config/domain.yaml, 3 replicas
and min.insync.replicas 2; the KPI workers never outnumber the events partitions; every image
is pinned; the settings the manifests give are settings the code has.
"""

from __future__ import annotations

import functools
import importlib.util
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from services.kpi.settings import KpiSettings
from services.webhooks.settings import WebhookSettings
from shared.contract.topics import Topic, topic_specs
from shared.core.domain_config import load_domain_config
from shared.platform.settings import DEFAULT_DOMAIN_CONFIG, KafkaSettings
from tools.settings_doc import settings_classes

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
BASE = K8S / "base"
OVERLAYS = sorted(path for path in (K8S / "overlays").iterdir() if path.is_dir())
SCHEMAS = ROOT / "deploy" / "schemas"

# The HTTP services: container port = the settings default, /health and /ready.
HTTP_SERVICES = {"intake": 8000, "reporting": 8001, "signals": 8002}
# Services that talk to Kafka, each with its own KafkaUser named wijkpuls-<service>.
KAFKA_CLIENTS = {"intake", "signals", "kpi", "webhooks", "reporting"}
# The Secrets the Deployments read besides the KafkaUsers' (created per docs/operations.md).
SETTINGS_SECRETS = {
    "wijkpuls-shared",
    "intake-settings",
    "reporting-settings",
    "signals-settings",
    "webhooks-settings",
}
EXACT_TAG = re.compile(r"^\d+\.\d+\.\d+(-[a-z0-9.]+)?$")
DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
PLACEHOLDER_IMAGE = "wijkpuls"  # the project's image; each overlay names and pins it


@functools.cache  # parsed once per run; the tests only read what it returns
def _documents(path: Path) -> list[dict[str, Any]]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    docs = [doc for doc in yaml.load_all(path.read_text(encoding="utf-8"), Loader=loader) if doc]
    assert all(isinstance(doc, dict) for doc in docs), path
    return docs


def _kustomization(folder: Path) -> dict[str, Any]:
    data = yaml.safe_load((folder / "kustomization.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _base_resources() -> list[dict[str, Any]]:
    return [doc for name in _kustomization(BASE)["resources"] for doc in _documents(BASE / name)]


def _of_kind(kind: str) -> dict[str, dict[str, Any]]:
    return {doc["metadata"]["name"]: doc for doc in _base_resources() if doc["kind"] == kind}


def _containers(deployment: dict[str, Any]) -> list[dict[str, Any]]:
    containers = deployment["spec"]["template"]["spec"]["containers"]
    assert isinstance(containers, list) and containers
    return containers


def _pod_labels(deployment: dict[str, Any]) -> dict[str, str]:
    return dict(deployment["spec"]["template"]["metadata"]["labels"])


def _selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    if not all(labels.get(k) == v for k, v in selector.get("matchLabels", {}).items()):
        return False
    for expression in selector.get("matchExpressions", []):
        value = labels.get(expression["key"])
        if expression["operator"] == "In" and value not in expression["values"]:
            return False
    return True


def _generator(kustomization: dict[str, Any], name: str) -> dict[str, Any]:
    found = [g for g in kustomization.get("configMapGenerator", []) if g["name"] == name]
    assert len(found) == 1, name
    return found[0]


def _literals(generator: dict[str, Any]) -> dict[str, str]:
    return dict(item.split("=", 1) for item in generator.get("literals", []))


def _env_vars() -> set[str]:
    """Every WIJKPULS_* variable the settings classes read."""
    names = set()
    for cls in settings_classes():
        prefix = str(cls.model_config.get("env_prefix", ""))
        names.update(f"{prefix}{name}".upper() for name in cls.model_fields)
    return names


def _topic_specs() -> dict[str, Any]:
    specs = topic_specs(KafkaSettings(), load_domain_config(DEFAULT_DOMAIN_CONFIG))
    return {spec.name: spec for spec in specs}


# ---- the files themselves ---------------------------------------------------------------


def test_every_manifest_parses_and_is_named() -> None:
    files = sorted(K8S.rglob("*.yaml"))
    assert files
    for path in files:
        for doc in _documents(path):
            if path.name == "kustomization.yaml":
                assert doc["kind"] == "Kustomization"
                continue
            assert doc.get("apiVersion") and doc.get("kind"), path
            assert doc["metadata"]["name"], path


def test_kustomizations_name_every_file_and_only_existing_ones() -> None:
    base = _kustomization(BASE)
    listed = set(base["resources"])
    on_disk = {path.name for path in BASE.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == on_disk, "a manifest in deploy/k8s/base is not in its kustomization"
    for overlay in OVERLAYS:
        for resource in _kustomization(overlay)["resources"]:
            assert (overlay / resource).exists(), f"{overlay.name}: {resource} is missing"
        assert "../../base" in _kustomization(overlay)["resources"]
    assert {overlay.name for overlay in OVERLAYS} == {"development", "production"}


def test_every_kind_has_a_kept_schema() -> None:
    """kubeconform fails on a kind without a schema; this says which file is missing sooner."""
    spec = importlib.util.spec_from_file_location("build_schemas", SCHEMAS / "build_schemas.py")
    assert spec and spec.loader
    build_schemas = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build_schemas)
    (k8s_folder,) = (SCHEMAS / "kubernetes").glob("v*-standalone-strict")
    docs = [doc for path in K8S.rglob("*.yaml") for doc in _documents(path)]
    for doc in docs:
        api_version, kind = doc["apiVersion"], doc["kind"]
        if kind == "Kustomization":
            continue
        if api_version.startswith("kafka.strimzi.io/"):
            group, version = api_version.split("/")
            schema = SCHEMAS / "strimzi" / f"{kind.lower()}-{group}-{version}.json"
        else:
            assert (api_version, kind) in build_schemas.KUBERNETES_KINDS, (api_version, kind)
            schema = k8s_folder / f"{kind.lower()}{build_schemas.kind_suffix(api_version)}.json"
        assert schema.exists(), f"no schema for {api_version} {kind}: {schema}"


# ---- the Deployments ----------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(_of_kind("Deployment")))
def test_every_deployment_has_probes_resources_and_a_safe_pod(name: str) -> None:
    deployment = _of_kind("Deployment")[name]
    pod = deployment["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["automountServiceAccountToken"] is False
    for container in _containers(deployment):
        assert container.get("livenessProbe"), f"{name}: no livenessProbe"
        assert container.get("readinessProbe"), f"{name}: no readinessProbe"
        resources = container["resources"]
        assert {"cpu", "memory"} <= set(resources["requests"]), name
        assert "memory" in resources["limits"], name
        security = container["securityContext"]
        assert security["allowPrivilegeEscalation"] is False
        assert security["readOnlyRootFilesystem"] is True
        assert security["capabilities"]["drop"] == ["ALL"]


@pytest.mark.parametrize("name", sorted(_of_kind("Deployment")))
def test_every_deployment_has_a_disruption_budget_and_a_network_policy(name: str) -> None:
    labels = _pod_labels(_of_kind("Deployment")[name])
    budgets = [b for b in _of_kind("PodDisruptionBudget").values()]
    assert any(_selects(b["spec"]["selector"], labels) for b in budgets), f"{name}: no PDB"
    policies = [
        p for p in _of_kind("NetworkPolicy").values() if _selects(p["spec"]["podSelector"], labels)
    ]
    assert policies, f"{name}: no NetworkPolicy"
    assert all(set(p["spec"]["policyTypes"]) == {"Ingress", "Egress"} for p in policies)


@pytest.mark.parametrize("name", sorted(HTTP_SERVICES))
def test_http_services_probe_health_and_ready_on_their_port(name: str) -> None:
    (container,) = _containers(_of_kind("Deployment")[name])
    assert container["command"] == ["python", "-m", f"services.{name}"]
    ports = {port["name"]: port["containerPort"] for port in container["ports"]}
    assert ports == {"http": HTTP_SERVICES[name]}
    assert container["livenessProbe"]["httpGet"] == {"path": "/health", "port": "http"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/ready", "port": "http"}
    service = _of_kind("Service")[name]
    assert service["spec"]["ports"][0]["port"] == HTTP_SERVICES[name]


def test_the_kpi_worker_is_probed_on_its_faust_web_port() -> None:
    (container,) = _containers(_of_kind("Deployment")["kpi"])
    assert container["command"][:4] == ["python", "-m", "services.kpi", "worker"]
    settings = _literals(_generator(_kustomization(BASE), "wijkpuls-settings"))
    web_port = int(settings["WIJKPULS_KPI_WEB_PORT"])
    assert {p["name"]: p["containerPort"] for p in container["ports"]} == {"web": web_port}
    probes = {
        p: container[p]["httpGet"] for p in ("startupProbe", "livenessProbe", "readinessProbe")
    }
    assert probes == {
        "startupProbe": {"path": "/health", "port": "web"},
        "livenessProbe": {"path": "/health", "port": "web"},
        "readinessProbe": {"path": "/ready", "port": "web"},  # services/kpi/probes.py
    }
    (policy,) = [p for p in _of_kind("NetworkPolicy").values() if p["metadata"]["name"] == "kpi"]
    (prometheus,) = policy["spec"]["ingress"]  # GET /metrics, nothing else comes in
    assert prometheus["ports"] == [{"protocol": "TCP", "port": web_port}]


def test_the_webhook_dispatcher_health_listens_where_it_is_probed() -> None:
    (container,) = _containers(_of_kind("Deployment")["webhooks"])
    command = container["command"]
    assert command[:3] == ["python", "-m", "services.webhooks"]
    assert command[command.index("--host") + 1] == "0.0.0.0"  # the kubelet probes the pod IP
    settings = _literals(_generator(_kustomization(BASE), "wijkpuls-settings"))
    port = int(settings["WIJKPULS_WEBHOOK_HEALTH_PORT"])
    assert {p["name"]: p["containerPort"] for p in container["ports"]} == {"health": port}
    (policy,) = [
        p for p in _of_kind("NetworkPolicy").values() if p["metadata"]["name"] == "webhooks"
    ]
    (prometheus,) = policy["spec"]["ingress"]  # GET /metrics of the deliveries, nothing else
    assert prometheus["ports"] == [{"protocol": "TCP", "port": port}]


def test_the_signals_vault_is_a_volume_of_one_replaced_pod() -> None:
    deployment = _of_kind("Deployment")["signals"]
    assert deployment["spec"]["replicas"] == 1
    assert deployment["spec"]["strategy"]["type"] == "Recreate"
    pod = deployment["spec"]["template"]["spec"]
    assert pod["securityContext"]["fsGroup"] == 10001  # the image's user owns the volume
    (container,) = pod["containers"]
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    settings = _literals(_generator(_kustomization(BASE), "wijkpuls-settings"))
    assert settings["WIJKPULS_SIGNALS_DATABASE_URL"] == f"sqlite:///{mounts['vault']}/vault.db"
    volumes = {v["name"]: v for v in pod["volumes"]}
    claim = volumes["vault"]["persistentVolumeClaim"]["claimName"]
    assert claim in _of_kind("PersistentVolumeClaim")


# ---- Kafka ------------------------------------------------------------------------------


def test_kafka_topics_are_the_code_topics_with_three_replicas() -> None:
    specs = _topic_specs()
    topics = {t["spec"]["topicName"]: t for t in _of_kind("KafkaTopic").values()}
    assert set(topics) == set(specs) == {topic.value for topic in Topic}
    for name, spec in specs.items():
        topic = topics[name]["spec"]
        assert topic["partitions"] == spec.partitions, name
        assert topic["replicas"] == 3, name
        config = topic["config"]
        assert config["min.insync.replicas"] == 2, name
        assert int(config["retention.ms"]) == spec.retention_ms, name
        assert config["cleanup.policy"] == spec.cleanup_policy, name
    for topic in _of_kind("KafkaTopic").values():
        assert topic["metadata"]["labels"]["strimzi.io/cluster"] in _of_kind("Kafka")


def test_the_settings_partitions_are_the_topics_partitions() -> None:
    settings = _literals(_generator(_kustomization(BASE), "wijkpuls-settings"))
    specs = _topic_specs()
    for var, topic in (
        ("WIJKPULS_KAFKA_EVENTS_PARTITIONS", Topic.EVENTS),
        ("WIJKPULS_KAFKA_VROEGSIGNALEN_PARTITIONS", Topic.VROEGSIGNALEN),
        ("WIJKPULS_KAFKA_ALERTS_PARTITIONS", Topic.ALERTS),
        ("WIJKPULS_KAFKA_DLQ_PARTITIONS", Topic.DLQ),
    ):
        assert int(settings[var]) == specs[topic.value].partitions, var
    assert settings["WIJKPULS_KAFKA_REPLICATION_FACTOR"] == "3"


def test_the_kafka_cluster_is_kraft_with_three_nodes_and_authenticated_clients() -> None:
    (kafka,) = _of_kind("Kafka").values()
    pools = list(_of_kind("KafkaNodePool").values())
    assert sum(pool["spec"]["replicas"] for pool in pools) == 3
    assert all(set(pool["spec"]["roles"]) == {"controller", "broker"} for pool in pools)
    assert all(
        p["metadata"]["labels"]["strimzi.io/cluster"] == kafka["metadata"]["name"] for p in pools
    )
    spec = kafka["spec"]["kafka"]
    assert spec["authorization"]["type"] == "simple"
    for listener in spec["listeners"]:
        assert listener["authentication"]["type"] == "scram-sha-512", listener["name"]
    config = spec["config"]
    assert config["auto.create.topics.enable"] is False
    assert config["min.insync.replicas"] == 2
    assert config["default.replication.factor"] == 3
    bootstrap = _literals(_generator(_kustomization(BASE), "wijkpuls-settings"))[
        "WIJKPULS_KAFKA_BOOTSTRAP_SERVERS"
    ]
    port = spec["listeners"][0]["port"]
    assert bootstrap == f"{kafka['metadata']['name']}-kafka-bootstrap:{port}"


def test_kafka_users_are_scram_with_acls_on_known_topics_only() -> None:
    users = _of_kind("KafkaUser")
    assert set(users) == {f"wijkpuls-{service}" for service in KAFKA_CLIENTS}
    topics = {topic.value for topic in Topic}
    prefixes = {KpiSettings().app_id, f"{WebhookSettings().group_id}-"}
    for name, user in users.items():
        assert user["spec"]["authentication"]["type"] == "scram-sha-512", name
        acls = user["spec"]["authorization"]["acls"]
        assert acls, name
        for acl in acls:
            resource = acl["resource"]
            assert resource["type"] in {"topic", "group"}, name  # no cluster-wide rights
            if resource["patternType"] == "literal":
                assert resource["type"] == "topic" and resource["name"] in topics, (name, acl)
            else:
                assert resource["name"] in prefixes, (name, acl)
            if "All" in acl["operations"]:
                assert resource["patternType"] == "prefix", (name, acl)


@pytest.mark.parametrize("service", sorted(KAFKA_CLIENTS))
def test_kafka_clients_read_their_own_user_password(service: str) -> None:
    (container,) = _containers(_of_kind("Deployment")[service])
    env = {item["name"]: item for item in container["env"]}
    assert env["WIJKPULS_KAFKA_SASL_USERNAME"]["value"] == f"wijkpuls-{service}"
    ref = env["WIJKPULS_KAFKA_SASL_PASSWORD"]["valueFrom"]["secretKeyRef"]
    assert ref == {"name": f"wijkpuls-{service}", "key": "password"}


def test_kpi_workers_never_outnumber_the_events_partitions() -> None:
    partitions = _topic_specs()[Topic.EVENTS.value].partitions
    assert partitions == KafkaSettings().events_partitions == 6
    deployment = _of_kind("Deployment")["kpi"]
    (autoscaler,) = [
        h
        for h in _of_kind("HorizontalPodAutoscaler").values()
        if h["spec"]["scaleTargetRef"]["name"] == "kpi"
    ]
    assert "replicas" not in deployment["spec"], "the autoscaler owns the kpi replica count"
    assert 1 <= autoscaler["spec"]["minReplicas"] <= autoscaler["spec"]["maxReplicas"]
    assert autoscaler["spec"]["maxReplicas"] == partitions
    for overlay in OVERLAYS:  # an overlay may lower the bounds, never raise them past it
        for patch in _kustomization(overlay).get("patches", []):
            for op in yaml.safe_load(patch.get("patch", "[]")) or []:
                if isinstance(op, dict) and op.get("path", "").endswith("Replicas"):
                    assert op["value"] <= partitions, (overlay.name, op)


# ---- images, settings and secrets ---------------------------------------------------------


def test_no_floating_image_tags() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    for deployment in _of_kind("Deployment").values():
        for container in _containers(deployment):
            image = container["image"]
            if image == PLACEHOLDER_IMAGE:
                continue
            assert image == compose["services"]["redis"]["image"], image  # one Redis pin
            name, _, tag = image.rpartition(":")
            assert name and EXACT_TAG.match(tag), f"{image} is not pinned"
    for overlay in OVERLAYS:
        images = {i["name"]: i for i in _kustomization(overlay)["images"]}
        image = images[PLACEHOLDER_IMAGE]
        tag, digest = str(image.get("newTag", "")), str(image.get("digest", ""))
        assert EXACT_TAG.match(tag) or DIGEST.match(digest), (overlay.name, image)
        assert tag != "latest"


def test_the_manifests_set_only_settings_the_code_reads() -> None:
    known = _env_vars()
    settings = _literals(_generator(_kustomization(BASE), "wijkpuls-settings"))
    assert set(settings) <= known, set(settings) - known
    for deployment in _of_kind("Deployment").values():
        for container in _containers(deployment):
            for item in container.get("env", []):
                assert item["name"] in known, item["name"]
    for overlay in OVERLAYS:
        for generator in _kustomization(overlay).get("configMapGenerator", []):
            assert set(_literals(generator)) <= known, overlay.name


def test_the_containers_get_every_connectivity_setting() -> None:
    """The settings whose default points at this machine (see test_compose.py)."""
    settings = _literals(_generator(_kustomization(BASE), "wijkpuls-settings"))
    for var in ("WIJKPULS_KAFKA_BOOTSTRAP_SERVERS", "WIJKPULS_REDIS_URL"):
        assert "localhost" not in settings[var] and "127.0.0.1" not in settings[var]
    for var in ("WIJKPULS_INTAKE_HOST", "WIJKPULS_REPORTING_HOST", "WIJKPULS_SIGNALS_HOST"):
        assert settings[var] == "0.0.0.0"
    assert settings["WIJKPULS_ENVIRONMENT"] == "production"
    for deployment in _of_kind("Deployment").values():
        if deployment["metadata"]["name"] == "redis":
            continue
        (container,) = _containers(deployment)
        refs = [
            ref["configMapRef"]["name"] for ref in container["envFrom"] if "configMapRef" in ref
        ]
        assert refs == ["wijkpuls-settings"], deployment["metadata"]["name"]


def test_the_domain_configuration_is_mounted_from_shared_config() -> None:
    generator = _generator(_kustomization(BASE), "wijkpuls-domain")
    (entry,) = generator["files"]
    key, _, source = entry.partition("=")
    assert (BASE / source).resolve() == DEFAULT_DOMAIN_CONFIG.resolve()
    settings = _literals(_generator(_kustomization(BASE), "wijkpuls-settings"))
    mount_dir, _, file_name = settings["WIJKPULS_DOMAIN_CONFIG"].rpartition("/")
    assert file_name == key
    for deployment in _of_kind("Deployment").values():
        if deployment["metadata"]["name"] == "redis":
            continue
        pod = deployment["spec"]["template"]["spec"]
        volumes = {v["name"]: v for v in pod["volumes"]}
        (container,) = pod["containers"]
        mounts = [m for m in container["volumeMounts"] if m["mountPath"] == mount_dir]
        assert mounts, deployment["metadata"]["name"]
        assert volumes[mounts[0]["name"]]["configMap"]["name"] == "wijkpuls-domain"


def test_secrets_are_referenced_never_written() -> None:
    referenced = set()
    for deployment in _of_kind("Deployment").values():
        for container in _containers(deployment):
            for ref in container.get("envFrom", []):
                if "secretRef" in ref:
                    referenced.add(ref["secretRef"]["name"])
            for item in container.get("env", []):
                if "valueFrom" in item:
                    referenced.add(item["valueFrom"]["secretKeyRef"]["name"])
    assert referenced == SETTINGS_SECRETS | set(_of_kind("KafkaUser"))
    # No Secret object with data is committed anywhere under deploy/k8s.
    for path in K8S.rglob("*.yaml"):
        for doc in _documents(path):
            assert doc.get("kind") != "Secret", path
    # Production generates none: they exist in the namespace before the first apply.
    production = _kustomization(K8S / "overlays" / "production")
    assert "secretGenerator" not in production
    # Development generates them empty, so the public development defaults apply.
    development = _kustomization(K8S / "overlays" / "development")
    generated = {g["name"]: g for g in development["secretGenerator"]}
    assert set(generated) == SETTINGS_SECRETS
    assert all(set(g) == {"name"} for g in generated.values())
    dev_settings = _literals(_generator(development, "wijkpuls-settings"))
    assert dev_settings == {"WIJKPULS_ENVIRONMENT": "development"}
