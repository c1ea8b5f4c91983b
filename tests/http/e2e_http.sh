#!/usr/bin/env bash
# End-to-end test of the HTTP frontend: starts `strato serve` on the demo
# model repository and checks the KServe v2 / Triton REST API with curl.
# Usage: e2e_http.sh /path/to/strato
set -euo pipefail

STRATO=${1:?usage: e2e_http.sh /path/to/strato}
WORK=$(mktemp -d)
SERVER_PID=""
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  if [ -f "$WORK/server.log" ]; then
    echo "--- server log (tail) ---" >&2
    tail -n 40 "$WORK/server.log" >&2
  fi
  exit 1
}

free_port() {
  "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

HTTP_PORT=$(free_port)
GRPC_PORT=$(free_port)
METRICS_PORT=$(free_port)
BASE="http://127.0.0.1:$HTTP_PORT"

# request METHOD PATH [BODY-FILE] [extra curl args...]: prints the status;
# the body lands in $WORK/body and the headers in $WORK/headers.
request() {
  local method=$1 path=$2 data=${3:-}
  shift 3 || shift $#
  local args=(-s -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' -X "$method")
  if [ -n "$data" ]; then args+=(--data-binary "@$data" -H 'Content-Type: application/json'); fi
  curl "${args[@]}" "$@" "$BASE$path"
}

# expect_status CODE METHOD PATH [BODY-FILE] [curl args...]
expect_status() {
  local want=$1
  shift
  local got
  got=$(request "$@") || fail "curl failed for $*"
  [ "$got" = "$want" ] || fail "$1 $2: status $got, want $want; body: $(head -c 400 "$WORK/body")"
}

# json_check PYTHON-EXPRESSION: evaluates it with `d` = the last JSON body.
json_check() {
  "$PY" - "$WORK/body" "$1" <<'PYEOF' || fail "JSON check failed: $1; body: $(head -c 600 "$WORK/body")"
import json, sys
d = json.load(open(sys.argv[1]))
if not eval(sys.argv[2]):
    sys.exit(1)
PYEOF
}

# body JSON: writes JSON to a fresh file and prints its path.
body() {
  local f
  f=$(mktemp "$WORK/req.XXXXXX")
  printf '%s' "$1" > "$f"
  echo "$f"
}

echo "== demo repository"
"$STRATO" demo-repo "$WORK/models" > "$WORK/demo.log" 2>&1 || fail "strato demo-repo failed: $(cat "$WORK/demo.log")"

echo "== starting server on $HTTP_PORT (grpc $GRPC_PORT, metrics $METRICS_PORT)"
"$STRATO" serve --model-repository "$WORK/models" --model-control-mode explicit --load-model '*' \
  --http-port "$HTTP_PORT" --grpc-port "$GRPC_PORT" --metrics-port "$METRICS_PORT" \
  --http-max-input-size 4194304 > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 240); do
  code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/v2/health/ready" || true)
  [ "$code" = "200" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || fail "server exited early"
  sleep 0.25
done
[ "$code" = "200" ] || fail "server not ready after 60 s"

echo "== health and metadata"
expect_status 200 GET /v2/health/live
expect_status 200 GET /v2
json_check 'd["name"] == "strato" and "binary_tensor_data" in d["extensions"]'
expect_status 200 GET /v2/models/simple
json_check 'd["name"] == "simple" and d["inputs"][0]["datatype"] == "INT32" and d["inputs"][0]["shape"] == [-1, 16] and "1" in d["versions"]'
expect_status 200 GET /v2/models/simple/versions/1/ready
expect_status 200 GET /v2/models/simple/config
json_check 'd["name"] == "simple" and d["max_batch_size"] == 8'

echo "== infer simple (JSON)"
SIMPLE=$(body '{"id":"e2e-1","inputs":[{"name":"INPUT0","datatype":"INT32","shape":[1,16],"data":[[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15]]},{"name":"INPUT1","datatype":"INT32","shape":[1,16],"data":[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]}]}')
for _ in 1 2 3; do
  expect_status 200 POST /v2/models/simple/infer "$SIMPLE"
done
json_check 'd["id"] == "e2e-1" and d["model_version"] == "1"'
json_check '{o["name"]: o["data"] for o in d["outputs"]} == {"OUTPUT0": list(range(1, 17)), "OUTPUT1": list(range(-1, 15))}'

echo "== infer identity_bytes and xgb_fraud"
expect_status 200 POST /v2/models/identity_bytes/infer \
  "$(body '{"inputs":[{"name":"INPUT0","datatype":"BYTES","shape":[2],"data":["hello","wörld"]}]}')"
json_check 'd["outputs"][0]["data"] == ["hello", "wörld"]'
expect_status 200 POST /v2/models/xgb_fraud/infer \
  "$(body '{"inputs":[{"name":"input__0","datatype":"FP32","shape":[2,30],"data":['"$(seq -s, 1 60 | sed 's/,$//')"']}]}')"
json_check 'd["outputs"][0]["shape"] == [2, 1] and len(d["outputs"][0]["data"]) == 2'

echo "== infer identity_fp32 (binary extension)"
JSON='{"inputs":[{"name":"INPUT0","datatype":"FP32","shape":[1,2],"parameters":{"binary_data_size":8}}],"outputs":[{"name":"OUTPUT0","parameters":{"binary_data":true}}]}'
{ printf '%s' "$JSON"; printf '\x00\x00\x80\x3f\x00\x00\x00\x40'; } > "$WORK/bin.req"
code=$(curl -s -o "$WORK/bin.resp" -D "$WORK/headers" -w '%{http_code}' -X POST \
  -H "Inference-Header-Content-Length: ${#JSON}" -H 'Content-Type: application/octet-stream' \
  --data-binary "@$WORK/bin.req" "$BASE/v2/models/identity_fp32/infer")
[ "$code" = 200 ] || fail "binary infer: status $code: $(head -c 300 "$WORK/bin.resp")"
HL=$(grep -i '^inference-header-content-length:' "$WORK/headers" | tr -dc '0-9')
[ -n "$HL" ] || fail "binary infer: no Inference-Header-Content-Length in the reply"
head -c "$HL" "$WORK/bin.resp" > "$WORK/body"
json_check 'd["outputs"][0]["parameters"]["binary_data_size"] == 8 and d["outputs"][0]["shape"] == [1, 2]'
[ "$(tail -c 8 "$WORK/bin.resp" | od -An -tx1 | tr -d ' \n')" = "0000803f00000040" ] || fail "binary output bytes differ"

echo "== errors"
expect_status 400 POST /v2/models/simple/infer "$(body '{"inputs":[{"name":"INPUT0"')"
json_check '"malformed JSON" in d["error"]'
expect_status 400 POST /v2/models/simple/infer \
  "$(body '{"inputs":[{"name":"INPUT0","datatype":"INT32","shape":[1,16],"data":[1,2]}]}')"
json_check '"INPUT0" in d["error"] and "shape" in d["error"]'
expect_status 400 POST /v2/models/simple/infer \
  "$(body '{"inputs":[{"name":"INPUT0","datatype":"INT99","shape":[1],"data":[1]}]}')"
json_check '"INT99" in d["error"]'
expect_status 400 POST /v2/models/identity_fp32/infer "$WORK/bin.req" -H 'Inference-Header-Content-Length: 100000'
json_check '"Inference-Header-Content-Length" in d["error"]'
expect_status 404 POST /v2/models/nope/infer "$SIMPLE"
json_check '"nope" in d["error"]'
expect_status 404 GET /v2/models/simple/versions/42
expect_status 404 GET /v2/not/a/route
expect_status 405 GET /v2/models/simple/infer
head -c 5000000 /dev/zero > "$WORK/big.req"
expect_status 413 POST /v2/models/simple/infer "$WORK/big.req"
json_check '"exceeds the limit" in d["error"]'

echo "== statistics"
expect_status 200 GET /v2/models/simple/stats
json_check 'd["model_stats"][0]["name"] == "simple" and d["model_stats"][0]["inference_stats"]["success"]["count"] == 3 and d["model_stats"][0]["inference_count"] == 3'
expect_status 200 GET /v2/models/stats
json_check 'len(d["model_stats"]) >= 4'

echo "== repository"
printf '' > "$WORK/empty"
expect_status 200 POST /v2/repository/index "$WORK/empty"
json_check 'sorted(m["name"] for m in d) == ["identity_bytes", "identity_fp32", "simple", "xgb_fraud"] and all(m["state"] == "READY" for m in d)'
expect_status 200 POST /v2/repository/models/simple/unload "$WORK/empty"
code=$(request GET /v2/models/simple/ready)
[ "$code" != 200 ] || fail "simple still ready after unload"
expect_status 200 POST /v2/repository/models/simple/load "$WORK/empty"
expect_status 200 GET /v2/models/simple/ready
expect_status 200 POST /v2/models/simple/infer "$SIMPLE"

echo "== metrics"
curl -sf "http://127.0.0.1:$METRICS_PORT/metrics" > "$WORK/metrics.txt" || fail "metrics endpoint"
grep -q '^nv_inference_request_success' "$WORK/metrics.txt" || fail "no nv_inference_request_success in metrics"
if command -v promtool > /dev/null; then
  # promtool also lints names; Triton-compatible names (nv_inference_count,
  # *_duration_us) break those conventions on purpose, so only a format
  # error fails the test.
  promtool check metrics < "$WORK/metrics.txt" > "$WORK/promtool.txt" 2>&1 || true
  if grep -qi 'error' "$WORK/promtool.txt"; then
    fail "promtool check metrics: $(grep -i error "$WORK/promtool.txt" | head -5)"
  fi
fi

echo "== shutdown"
kill -TERM "$SERVER_PID"
wait "$SERVER_PID" || fail "server exited with status $?"
SERVER_PID=""
echo "PASS"
