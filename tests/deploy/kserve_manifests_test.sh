#!/usr/bin/env bash
# KServe manifests (deploy/kserve): the ClusterServingRuntime, the namespaced
# ServingRuntime and the example InferenceServices (canary with
# canaryTrafficPercent, scale to zero with minReplicas: 0) validated against
# KServe's CRD schemas from ../shared/k8s/kserve, with unknown fields
# rejected; invalid variants (wrong type, unknown field) must fail.
#
# Usage: tests/deploy/kserve_manifests_test.sh
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
shared=${STRATO_SHARED_DIR:-$repo/../shared}
if [ ! -d "$shared/k8s/kserve" ]; then
  echo "SKIP: KServe CRDs not found in $shared/k8s/kserve (set STRATO_SHARED_DIR)"
  exit 77
fi
if ! command -v node >/dev/null || [ ! -d "$here/node_modules/ajv" ]; then
  echo "SKIP: node or tests/deploy/node_modules missing; run scripts/setup.sh"
  exit 77
fi
work=$(mktemp -d /tmp/strato-kserve-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
validate() { node "$here/validate_manifests.mjs" "$@"; }

grep -q 'canaryTrafficPercent: 10' "$repo/deploy/kserve/examples/xgboost-fraud-canary.yaml"
grep -q 'minReplicas: 0' "$repo/deploy/kserve/examples/scale-to-zero.yaml"
grep -q -- '- v2' "$repo/deploy/kserve/clusterservingruntime.yaml"

sed -e 's/canaryTrafficPercent: 10/canaryTrafficPercent: "ten"/' \
    -e 's/^      runtime: strato$/      runtime: strato\n      runtimeName: strato/' \
    "$repo/deploy/kserve/examples/xgboost-fraud-canary.yaml" > "$work/bad-isvc.yaml"
sed -e 's/      autoSelect: true/      autoSelect: "yes"/' \
    -e 's/^  protocolVersions:$/  protocolVersion: v2\n  protocolVersions:/' \
    "$repo/deploy/kserve/clusterservingruntime.yaml" > "$work/bad-runtime.yaml"

# One node process per group: compiling the InferenceService schema takes seconds.
validate --crds "$shared/k8s/kserve" "$repo"/deploy/kserve/*.yaml "$repo"/deploy/kserve/examples/*.yaml
if out=$(validate --crds "$shared/k8s/kserve" "$work/bad-isvc.yaml" "$work/bad-runtime.yaml" 2>&1); then
  echo "FAIL: invalid KServe resources were accepted" >&2
  exit 1
fi
for expected in 'canaryTrafficPercent: must be integer' 'additional properties "runtimeName"' \
                'autoSelect: must be boolean' 'additional properties "protocolVersion"'; do
  if ! grep -q -- "$expected" <<<"$out"; then
    echo "FAIL: KServe negative case not reported: '$expected'. Output:" >&2
    echo "$out" >&2
    exit 1
  fi
  echo "rejected as expected: $expected"
done
echo "PASS: KServe manifests"
