#!/usr/bin/env bash
# Builds the strato image offline (buildah, root filesystem made from the
# already-built binary), runs it with podman the way Kubernetes would
# (read-only root, all capabilities dropped, non-root user) and checks:
#   - inference from the demo repository over the published port (add_sub and
#     the XGBoost model),
#   - the process inside runs as uid 65532, not root,
#   - SIGTERM drains: readiness 503 at once, inference still served during
#     --drain-delay-secs, then exit 0 well before a 20 s kill timeout.
# Prints the image size. Uses a private containers storage that is deleted at
# the end, so nothing is cached between runs.
#
# Usage: tests/deploy/container_image_test.sh STRATO_BINARY
set -euo pipefail

binary=${1:?usage: $0 STRATO_BINARY}
repo=$(cd "$(dirname "$0")/../.." && pwd)
for tool in buildah podman runc curl; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIP: $tool is missing; run scripts/setup.sh"
    exit 77
  fi
done

work=$(mktemp -d /tmp/strato-image-test.XXXXXX)
name=strato-image-test-$$
tag=localhost/strato:test-$$
podman=(podman --root "$work/root" --runroot "$work/run" --storage-driver vfs
        --cgroup-manager cgroupfs --events-backend file --runtime runc)
cleanup() {
  "${podman[@]}" rm -f -t 0 "$name" >/dev/null 2>&1 || true
  "${podman[@]}" rmi -a -f >/dev/null 2>&1 || true
  # vfs layers may still be mounted by an interrupted build.
  grep -o "${work}[^ ]*" /proc/mounts 2>/dev/null | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; "${podman[@]}" logs "$name" 2>&1 | tail -20 >&2 || true; exit 1; }

bash "$repo/deploy/container/build-image.sh" --binary "$binary" --tag "$tag" --storage "$work"
size_bytes=$("${podman[@]}" image inspect --format '{{.Size}}' "$tag")
echo "image size: $((size_bytes / 1024 / 1024)) MiB ($size_bytes bytes)"
user=$("${podman[@]}" image inspect --format '{{.Config.User}}' "$tag")
[ "$user" = "65532:65532" ] || fail "image user is '$user', expected 65532:65532"

port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"${podman[@]}" run -d --name "$name" --read-only --cap-drop ALL --security-opt no-new-privileges \
  --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 -p "127.0.0.1:$port:8000" \
  "$tag" serve --demo --drain-delay-secs 3 >/dev/null

ready=0
for _ in $(seq 1 100); do
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "127.0.0.1:$port/v2/health/ready")" = 200 ]; then
    ready=1; break
  fi
  sleep 0.2
done
[ "$ready" = 1 ] || fail "container never became ready on port $port"

out=$(curl -sf -X POST "127.0.0.1:$port/v2/models/simple/infer" -d '{"inputs":[
  {"name":"INPUT0","datatype":"INT32","shape":[1,16],"data":[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15]},
  {"name":"INPUT1","datatype":"INT32","shape":[1,16],"data":[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]}]}') \
  || fail "simple infer request failed"
echo "$out" | grep -q '"data":\[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16\]' || fail "wrong OUTPUT0: $out"
features=$(seq -s, 1 30)
out=$(curl -sf -X POST "127.0.0.1:$port/v2/models/xgb_fraud/infer" \
  -d "{\"inputs\":[{\"name\":\"input__0\",\"datatype\":\"FP32\",\"shape\":[1,30],\"data\":[$features]}]}") \
  || fail "xgb_fraud infer request failed"
echo "$out" | grep -q '"model_name":"xgb_fraud"' || fail "unexpected xgb_fraud answer: $out"
echo "inference from the container: ok"

pid=$("${podman[@]}" inspect --format '{{.State.Pid}}' "$name")
uid=$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")
[ "$uid" = 65532 ] || fail "server runs as uid $uid, expected 65532"
# The root filesystem is read-only: the server wrote its demo models to /tmp only.
ro=$("${podman[@]}" inspect --format '{{.HostConfig.ReadonlyRootfs}}' "$name")
[ "$ro" = true ] || fail "container root is not read-only"

# SIGTERM (the image's STOPSIGNAL, what podman stop and the kubelet send):
# readiness turns 503 at once while inference is still served for the drain
# delay, then the server exits 0, long before podman's 20 s kill timeout.
start=$(date +%s)
"${podman[@]}" kill --signal TERM "$name" >/dev/null
ready_code=""
for _ in $(seq 1 20); do
  ready_code=$(curl -s -o /dev/null -w '%{http_code}' "127.0.0.1:$port/v2/health/ready")
  [ "$ready_code" = 503 ] && break
  sleep 0.05
done
[ "$ready_code" = 503 ] || fail "readiness answered $ready_code after SIGTERM, expected 503 (draining)"
curl -sf -o /dev/null -X POST "127.0.0.1:$port/v2/models/xgb_fraud/infer" \
  -d "{\"inputs\":[{\"name\":\"input__0\",\"datatype\":\"FP32\",\"shape\":[1,30],\"data\":[$features]}]}" \
  || fail "inference refused during the drain delay (should still be served)"
echo "draining: readiness 503, inference still served"
code=$(timeout 20 "${podman[@]}" wait "$name") || fail "server still running 20 s after SIGTERM"
took=$(( $(date +%s) - start ))
logs=$("${podman[@]}" logs "$name" 2>&1)
[ "$code" = 0 ] || fail "exit code after SIGTERM is $code, expected 0 (a drained exit)"
echo "$logs" | grep -q 'draining signal=SIGTERM' || fail "no 'draining' log line after SIGTERM"
echo "$logs" | grep -q 'INFO stopped' || fail "no 'stopped' log line after SIGTERM"
echo "SIGTERM drain: exit 0 after ${took}s"
echo "PASS: container image"
