#!/usr/bin/env bash
# Runs bench/llm/llm_bench against a fresh `strato serve`, both with the same
# GGUF, threads and context. Usage (from the build folder or anywhere):
#   bench/llm/run_llm_bench.sh [BUILD_DIR] [GGUF] [THREADS] [GEN_TOKENS]
# Defaults: build/release, ../shared/datasets/llm/stories260K.gguf, 1 thread, 256 tokens.
# A larger model: pass its GGUF, e.g. run_llm_bench.sh build/release ~/models/qwen2.5-0.5b-instruct-q4_k_m.gguf 8 128
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$ROOT/build/release}
GGUF=$(realpath "${2:-$ROOT/../shared/datasets/llm/stories260K.gguf}")
THREADS=${3:-1}
GEN=${4:-256}
CTX=${CTX:-1024}
SLOTS=${SLOTS:-32}
[ -f "$GGUF" ] || { echo "no GGUF at $GGUF" >&2; exit 1; }
WORK=$(mktemp -d)
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
mkdir -p "$WORK/repo/bench/1"
ln -s "$GGUF" "$WORK/repo/bench/1/model.gguf"
cat > "$WORK/repo/bench/config.pbtxt" <<CFG
name: "bench"
backend: "llamacpp"
parameters { key: "parallel" value { string_value: "$SLOTS" } }
parameters { key: "context_length" value { string_value: "$CTX" } }
parameters { key: "threads" value { string_value: "$THREADS" } }
CFG
PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
GPORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
MPORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BUILD/src/cli/strato" serve --model-repository "$WORK/repo" --http-address 127.0.0.1 --http-port "$PORT" \
  --grpc-port "$GPORT" --metrics-port "$MPORT" > "$WORK/server.log" 2>&1 &
PID=$!
for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$PORT/v2/models/bench/ready" >/dev/null && break; sleep 0.1; done
"$BUILD/bench/llm/llm_bench" --model "$GGUF" --url "http://127.0.0.1:$PORT" --name bench --threads "$THREADS" \
  --ctx "$CTX" --slots "$SLOTS" --gen "$GEN" --streams 8,32
