#!/usr/bin/env bash
# Finding 6 with headless Chromium (cross_origin_chromium.mjs): `strato serve`
# with --cors-allow-origin for one origin, a page server on two host names
# (two origins), and the browser attacking from the other.
# Exit 77 (skipped) when chromium or playwright-core (tests/console) is absent.
# Usage: e2e_cross_origin.sh /path/to/strato
set -euo pipefail
STRATO=${1:?usage: e2e_cross_origin.sh /path/to/strato}
HERE=$(cd "$(dirname "$0")" && pwd)
[ -x /usr/bin/chromium ] || { echo "SKIP: no /usr/bin/chromium (scripts/setup.sh installs it)"; exit 77; }
[ -d "$HERE/../console/node_modules/playwright-core" ] || { echo "SKIP: run scripts/setup.sh (playwright-core in tests/console)"; exit 77; }

WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# The tiny model of test_security_e2e.py.
/usr/bin/python3 -c "
import sys; sys.path.insert(0, '$HERE')
import test_security_e2e as t
t.write_repo('$WORK/repo')"

HTTP_PORT=$(free_port); PAGE_PORT=$(free_port)
mkdir -p "$WORK/pages" && echo '<!doctype html><title>page</title>' > "$WORK/pages/page.html"
/usr/bin/python3 -m http.server "$PAGE_PORT" --bind 127.0.0.1 --directory "$WORK/pages" > "$WORK/pages.log" 2>&1 &
PIDS+=($!)
"$STRATO" serve --model-repository "$WORK/repo" --model-control-mode explicit --load-model '*' \
  --http-address 127.0.0.1 --http-port "$HTTP_PORT" --grpc-port "$(free_port)" --metrics-port "$(free_port)" \
  --cors-allow-origin "http://127.0.0.1:$PAGE_PORT" > "$WORK/server.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$HTTP_PORT/v2/health/ready" > /dev/null && break
  sleep 0.1
done
# localhost and 127.0.0.1 are two origins for the browser.
if ! node "$HERE/cross_origin_chromium.mjs" "http://127.0.0.1:$HTTP_PORT" \
    "http://localhost:$PAGE_PORT/page.html" "http://127.0.0.1:$PAGE_PORT/page.html"; then
  echo "--- server log ---"; tail -n 30 "$WORK/server.log"; exit 1
fi
