"""Turn upstream API definitions into the JSON Schema files kubeconform reads offline.

Run by deploy/schemas/regenerate.sh (which fetches the inputs through the package registries
and says where each came from); not run by the tests. Two inputs:

- Kubernetes: ``api/openapi-spec/swagger.json`` of the k8s.io/kubernetes Go module (OpenAPI
  v2). For each kind in ``KUBERNETES_KINDS`` the definition is inlined into one standalone
  schema (no ``$ref``), written as
  ``kubernetes/v<version>-standalone-strict/<kind>-<group>-<version>.json``: the layout and
  names kubeconform's ``{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/
  {{ .ResourceKind }}{{ .KindSuffix }}.json`` template asks for.
- Custom resources: CustomResourceDefinition YAML files (the Strimzi CRDs). The
  ``openAPIV3Schema`` of every served version is written as
  ``<crd-dir>/<kind>-<group>-<version>.json`` (kubeconform template
  ``{{ .ResourceKind }}-{{ .Group }}-{{ .ResourceAPIVersion }}.json``).

Both are made "strict" the way kubectl's client-side validation is: an object schema that
lists its properties gets ``additionalProperties: false`` unless it says otherwise or keeps
unknown fields (``x-kubernetes-preserve-unknown-fields``), so a misspelt field fails
instead of being dropped by the API server. The Kubernetes int-or-string and quantity types
become ``oneOf`` string/integer (string/number), as the API server accepts both. Descriptions
are dropped (they are most of the bytes and kubeconform does not show them).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import yaml

# (apiVersion, kind) of every Kubernetes kind the manifests under deploy/k8s use. A kind that
# is missing here makes kubeconform fail with "could not find schema", never pass silently.
KUBERNETES_KINDS: tuple[tuple[str, str], ...] = (
    ("v1", "ConfigMap"),
    ("v1", "Namespace"),
    ("v1", "PersistentVolumeClaim"),
    ("v1", "Secret"),
    ("v1", "Service"),
    ("apps/v1", "Deployment"),
    ("autoscaling/v2", "HorizontalPodAutoscaler"),
    ("networking.k8s.io/v1", "NetworkPolicy"),
    ("policy/v1", "PodDisruptionBudget"),
)

INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"
SPECIAL: dict[str, dict[str, Any]] = {
    INT_OR_STRING: {"oneOf": [{"type": "string"}, {"type": "integer"}]},
    QUANTITY: {"oneOf": [{"type": "string"}, {"type": "number"}]},
}


def kind_suffix(api_version: str) -> str:
    """kubeconform's KindSuffix: ``apps/v1`` -> ``-apps-v1``, ``networking.k8s.io/v1`` ->
    ``-networking-v1``, ``v1`` -> ``-v1``."""
    group, _, version = api_version.rpartition("/")
    if not group:
        return f"-{version.lower()}"
    return f"-{group.split('.')[0].lower()}-{version.lower()}"


def _strip_descriptions(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            key: _strip_descriptions(value)
            for key, value in node.items()
            # A property *named* "description" is a dict (a schema); only the text goes.
            if not (key == "description" and isinstance(value, str))
        }
    if isinstance(node, list):
        return [_strip_descriptions(item) for item in node]
    return node


def _strict(node: Any) -> Any:
    """additionalProperties: false on every object schema that lists its properties."""
    if isinstance(node, dict):
        out = {key: _strict(value) for key, value in node.items()}
        keeps_unknown = out.get("x-kubernetes-preserve-unknown-fields") is True
        if "properties" in out and "additionalProperties" not in out and not keeps_unknown:
            out["additionalProperties"] = False
        return out
    if isinstance(node, list):
        return [_strict(item) for item in node]
    return node


def _inline(node: Any, definitions: dict[str, Any], stack: tuple[str, ...] = ()) -> Any:
    """Replace every ``$ref`` by the definition it names (recursively)."""
    if isinstance(node, list):
        return [_inline(item, definitions, stack) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str):
        name = ref.removeprefix("#/definitions/")
        if name in SPECIAL:
            return dict(SPECIAL[name])
        if name in stack:  # a recursive type (none in the kinds above): accept any object
            return {"type": "object"}
        return _inline(definitions[name], definitions, (*stack, name))
    return {key: _inline(value, definitions, stack) for key, value in node.items()}


def kubernetes_schema(definitions: dict[str, Any], api_version: str, kind: str) -> dict[str, Any]:
    group, _, version = api_version.rpartition("/")
    for name, definition in definitions.items():
        for gvk in definition.get("x-kubernetes-group-version-kind", []):
            if (gvk["group"], gvk["version"], gvk["kind"]) == (group, version, kind):
                schema = _inline(definition, definitions, (name,))
                schema.pop("x-kubernetes-group-version-kind", None)
                return dict(_strict(_strip_descriptions(schema)))
    raise SystemExit(f"swagger.json has no definition of {api_version} {kind}")


def crd_schemas(crd: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """File name -> schema for every served version of one CustomResourceDefinition."""
    spec = crd["spec"]
    kind, group = spec["names"]["kind"], spec["group"]
    found = {}
    for version in spec["versions"]:
        if not version.get("served", True):
            continue
        schema = version["schema"]["openAPIV3Schema"]
        name = f"{kind.lower()}-{group}-{version['name']}.json"
        found[name] = dict(_strict(_strip_descriptions(schema)))
    return found


def _write(path: Path, schema: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(schema, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {path} ({path.stat().st_size} bytes)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--swagger", type=Path, help="Kubernetes api/openapi-spec/swagger.json")
    parser.add_argument("--kubernetes-version", help="e.g. 1.35.4 (names the output folder)")
    parser.add_argument("--kubernetes-out", type=Path, help="folder of the Kubernetes schemas")
    parser.add_argument("--crd", type=Path, nargs="*", default=[], help="CRD YAML files")
    parser.add_argument("--crd-out", type=Path, help="folder of the custom resource schemas")
    args = parser.parse_args()

    if args.swagger:
        definitions = json.loads(args.swagger.read_text(encoding="utf-8"))["definitions"]
        folder = args.kubernetes_out / f"v{args.kubernetes_version}-standalone-strict"
        for api_version, kind in KUBERNETES_KINDS:
            name = f"{kind.lower()}{kind_suffix(api_version)}.json"
            _write(folder / name, kubernetes_schema(definitions, api_version, kind))
    for path in args.crd:
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if document and document.get("kind") == "CustomResourceDefinition":
                for name, schema in crd_schemas(document).items():
                    _write(args.crd_out / name, schema)


if __name__ == "__main__":
    main()
