#!/usr/bin/env python3
"""Build offline kubeconform schemas (used by scripts/schemas.sh).

usage: schemas.py K8S_WHEEL K8S_VERSION OUT_DIR CRD_YAML...

Writes OUT_DIR/master-standalone/ and OUT_DIR/master-standalone-strict/ in kubeconform's
standard layout (<kind>-<group-first-part>-<version>.json), so that
    kubeconform -strict -schema-location OUT_DIR manifests/
works with no network.
* Kubernetes kinds: the kubernetes-validate wheel (PyPI) ships JSON schemas per kind that
  $ref a shared _definitions.json by an absolute "$id" URL; we drop the "$id"s and make the
  refs relative so they resolve to the local file.
* CRDs (YAML files from Go modules: Istio, Argo CD, Argo Rollouts, External Secrets, KEDA,
  the Prometheus operator, Gateway API): openAPIV3Schema -> JSON schema; the strict variant
  sets additionalProperties:false on every object with properties (unless the schema says
  x-kubernetes-preserve-unknown-fields), like kubeconform's openapi2jsonschema.
"""
import copy
import json
import os
import sys
import zipfile

import yaml

wheel, k8s_version, out = sys.argv[1:4]
crd_files = sys.argv[4:]
dirs = {False: os.path.join(out, "master-standalone"), True: os.path.join(out, "master-standalone-strict")}
for d in dirs.values():
    os.makedirs(d, exist_ok=True)

# --- Kubernetes built-in kinds ------------------------------------------------------------
n_k8s = 0
k8s_files = set()
with zipfile.ZipFile(wheel) as z:
    for strict, d in dirs.items():
        prefix = f"kubernetes_validate/kubernetes-json-schema/v{k8s_version}-local{'-strict' if strict else ''}/"
        for name in z.namelist():
            if not name.startswith(prefix) or not name.endswith(".json"):
                continue
            schema = json.loads(z.read(name))
            schema.pop("$id", None)
            text = json.dumps(schema, separators=(",", ":"))
            base = os.path.basename(name)
            k8s_files.add(base)
            ref = '"#' if base == "_definitions.json" else '"_definitions.json#'
            text = text.replace('"/api/_definitions.json#', ref)
            with open(os.path.join(d, base), "w") as f:
                f.write(text)
            n_k8s += 1
if n_k8s == 0:
    sys.exit(f"no schemas for Kubernetes v{k8s_version} in {wheel}")


# --- CRDs -----------------------------------------------------------------------------
def convert(node, strict):
    """OpenAPI v3 (CRD structural schema) -> JSON schema draft 4, in place."""
    if isinstance(node, list):
        for item in node:
            convert(item, strict)
        return
    if not isinstance(node, dict):
        return
    for key in ("properties", "patternProperties", "definitions"):
        for sub in (node.get(key) or {}).values():
            convert(sub, strict)
    for key in ("items", "additionalProperties", "not"):
        if isinstance(node.get(key), (dict, list)):
            convert(node[key], strict)
    for key in ("allOf", "anyOf", "oneOf"):
        if key in node:
            convert(node[key], strict)
    if node.pop("x-kubernetes-int-or-string", False):
        node.pop("type", None)
        node.pop("format", None)
        if "anyOf" not in node and "oneOf" not in node:
            node["type"] = ["integer", "string"]
    if node.pop("nullable", False) and isinstance(node.get("type"), str):
        node["type"] = [node["type"], "null"]
    preserve = node.pop("x-kubernetes-preserve-unknown-fields", False)
    if strict and "properties" in node and "additionalProperties" not in node and not preserve:
        node["additionalProperties"] = False
    for key in [k for k in node if k.startswith("x-kubernetes-")]:
        del node[key]


class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Safe loader that reads a bare `=` (YAML 1.1 "value" tag, in enum lists of operators) as the string "="."""


Loader.add_constructor("tag:yaml.org,2002:value", lambda loader, node: loader.construct_scalar(node))

n_crds = 0
for crd_file in crd_files:
    with open(crd_file) as f:
        docs = list(yaml.load_all(f, Loader=Loader))
    for crd in docs:
        if not crd or crd.get("kind") != "CustomResourceDefinition":
            continue
        spec = crd["spec"]
        kind, group = spec["names"]["kind"], spec["group"]
        for ver in spec["versions"]:
            src = (ver.get("schema") or {}).get("openAPIV3Schema")
            if not src:
                continue
            fname = f"{kind.lower()}-{group.split('.')[0]}-{ver['name']}.json"
            if fname in k8s_files:  # never shadow a built-in kind (same kubeconform file name)
                continue
            for strict, d in dirs.items():
                schema = copy.deepcopy(src)
                props = schema.setdefault("properties", {})
                props["apiVersion"] = {"type": "string", "enum": [f"{group}/{ver['name']}"]}
                props["kind"] = {"type": "string", "enum": [kind]}
                props["metadata"] = {"$ref": "_definitions.json#/$defs/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}
                convert(schema, strict)
                with open(os.path.join(d, fname), "w") as out_f:
                    json.dump(schema, out_f, separators=(",", ":"))
            n_crds += 1
if n_crds == 0:
    sys.exit(f"no CRD schemas in {crd_files}")

print(f"[schemas] {n_k8s // 2} Kubernetes v{k8s_version} files + {n_crds} CRD versions from {len(crd_files)} files", file=sys.stderr)
