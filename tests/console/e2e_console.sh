#!/usr/bin/env bash
# End-to-end test of the web console: `strato serve --demo` on free ports and
# Debian's headless Chromium (driven by playwright-core, console_e2e.mjs)
# using the page like a person would; curl for the routes themselves.
# Exit 77 (skipped) when chromium or the npm packages are absent.
# Usage: e2e_console.sh /path/to/strato
set -euo pipefail

STRATO=${1:?usage: e2e_console.sh /path/to/strato}
HERE=$(cd "$(dirname "$0")" && pwd)
[ -x /usr/bin/chromium ] || { echo "SKIP: no /usr/bin/chromium (scripts/setup.sh installs the chromium package)"; exit 77; }
[ -d "$HERE/node_modules/playwright-core" ] || { echo "SKIP: run scripts/setup.sh (installs playwright-core into tests/console)"; exit 77; }

WORK=$(mktemp -d)
SERVER_PID=""
REG_PID=""
cleanup() {
  for pid in $SERVER_PID $REG_PID; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  for log in "$WORK/server.log" "$WORK/registry-server.log"; do
    [ -f "$log" ] && { echo "--- $(basename "$log") (tail) ---" >&2; tail -n 30 "$log" >&2; }
  done
  exit 1
}
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

HTTP_PORT=$(free_port); GRPC_PORT=$(free_port); METRICS_PORT=$(free_port)
BASE="http://127.0.0.1:$HTTP_PORT"
"$STRATO" serve --demo --demo-dir "$WORK/demo" --http-address 127.0.0.1 --http-port "$HTTP_PORT" \
  --grpc-port "$GRPC_PORT" --metrics-port "$METRICS_PORT" > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 600); do
  curl -sf "$BASE/v2/health/ready" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || fail "server exited"
  sleep 0.1
done
curl -sf "$BASE/v2/health/ready" >/dev/null || fail "server not ready"

# The routes themselves.
code=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "$BASE/")
[ "$code" = "302 $BASE/console" ] || fail "GET /: '$code', want a 302 to /console"
type=$(curl -s -o "$WORK/page" -w '%{http_code} %{content_type}' "$BASE/console")
[ "$type" = "200 text/html; charset=utf-8" ] || fail "GET /console: '$type'"
grep -q '<title>strato console</title>' "$WORK/page" || fail "GET /console: no page title"
for f in console.js console.css; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/console/$f")
  [ "$code" = 200 ] || fail "GET /console/$f: $code"
done
code=$(curl -s -o "$WORK/body" -w '%{http_code}' -X POST "$BASE/console")
[ "$code" = 405 ] || fail "POST /console: $code, want 405"
echo "ok - GET / (302), GET /console (200 text/html), its files, POST /console (405)"

# A second server with a registry, for the traffic split: identity_fp32 v1 in
# production and v2 as a 25 % canary.
REG_PORT=$(free_port); REG_GRPC=$(free_port); REG_METRICS=$(free_port)
REG_BASE="http://127.0.0.1:$REG_PORT"
mkdir -p "$WORK/registry" "$WORK/repo" "$WORK/version"
cp "$WORK/demo/identity_fp32/config.pbtxt" "$WORK/version/"
echo one > "$WORK/version/NOTES"
STRATO_REGISTRY="$WORK/registry" "$STRATO" model push identity_fp32 "$WORK/version" >/dev/null || fail "push v1"
echo two > "$WORK/version/NOTES"
STRATO_REGISTRY="$WORK/registry" "$STRATO" model push identity_fp32 "$WORK/version" >/dev/null || fail "push v2"
"$STRATO" serve --registry "$WORK/registry" --model-repository "$WORK/repo" --model-control-mode explicit \
  --http-address 127.0.0.1 --http-port "$REG_PORT" --grpc-port "$REG_GRPC" --metrics-port "$REG_METRICS" \
  > "$WORK/registry-server.log" 2>&1 &
REG_PID=$!
for _ in $(seq 1 600); do
  curl -sf "$REG_BASE/v2/health/live" >/dev/null 2>&1 && break
  kill -0 "$REG_PID" 2>/dev/null || fail "registry server exited"
  sleep 0.1
done
"$STRATO" model promote identity_fp32 1 --url "$REG_BASE" >/dev/null || fail "promote v1"
"$STRATO" model canary identity_fp32 2 --weight 0.25 --url "$REG_BASE" >/dev/null || fail "canary v2"

timeout 120 node "$HERE/console_e2e.mjs" "$BASE" "$REG_BASE" || fail "browser checks"
echo "PASS: console e2e"
