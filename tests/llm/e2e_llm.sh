#!/usr/bin/env bash
# End-to-end test of LLM serving: `strato serve` with the llamacpp backend on
# ../shared/datasets/llm/stories260K.gguf, driven by the official `openai`
# npm client (openai_e2e.mjs) and by curl for malformed input.
# Exit 77 (skipped) when the model or the npm client is absent.
# Usage: e2e_llm.sh /path/to/strato SOURCE_DIR [/path/to/greedy_reference]
set -euo pipefail

STRATO=${1:?usage: e2e_llm.sh /path/to/strato SOURCE_DIR}
SRC=${2:?usage: e2e_llm.sh /path/to/strato SOURCE_DIR [greedy_reference]}
REFERENCE=${3:-}
HERE=$(cd "$(dirname "$0")" && pwd)
GGUF="$SRC/../shared/datasets/llm/stories260K.gguf"
[ -f "$GGUF" ] || { echo "SKIP: no test model at $GGUF"; exit 77; }
[ -d "$HERE/node_modules/openai" ] || { echo "SKIP: run scripts/setup.sh (installs the openai npm client into tests/llm)"; exit 77; }

# shellcheck source=../common/server_harness.sh
source "$HERE/../common/server_harness.sh"

mkdir -p "$WORK/repo/stories/1"
ln -s "$GGUF" "$WORK/repo/stories/1/model.gguf"
cat > "$WORK/repo/stories/config.pbtxt" <<'CFG'
name: "stories"
backend: "llamacpp"
parameters { key: "parallel" value { string_value: "8" } }
parameters { key: "context_length" value { string_value: "1024" } }
parameters { key: "threads" value { string_value: "1" } }
CFG
# A one-slot model without a waiting queue, for the queue-full check.
mkdir -p "$WORK/repo/tiny/1"
ln -s "$GGUF" "$WORK/repo/tiny/1/model.gguf"
cat > "$WORK/repo/tiny/config.pbtxt" <<'CFG'
name: "tiny"
backend: "llamacpp"
parameters { key: "parallel" value { string_value: "1" } }
parameters { key: "max_waiting" value { string_value: "0" } }
parameters { key: "context_length" value { string_value: "8192" } }
parameters { key: "threads" value { string_value: "1" } }
CFG
HTTP_PORT=$(free_port); GRPC_PORT=$(free_port); METRICS_PORT=$(free_port)
BASE="http://127.0.0.1:$HTTP_PORT"
"$STRATO" serve --model-repository "$WORK/repo" --http-address 127.0.0.1 --http-port "$HTTP_PORT" \
  --grpc-port "$GRPC_PORT" --metrics-port "$METRICS_PORT" > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  curl -sf "$BASE/v2/models/stories/ready" >/dev/null 2>&1 && curl -sf "$BASE/v2/models/tiny/ready" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || fail "server exited"
  sleep 0.1
done
curl -sf "$BASE/v2/models/stories/ready" >/dev/null || fail "model not ready"

node "$HERE/openai_e2e.mjs" "$BASE" "http://127.0.0.1:$METRICS_PORT/metrics" stories || fail "openai client checks"

# bad_request NAME BODY PARAM: expects a 400 in OpenAI's error shape naming PARAM (or "-" for none).
bad_request() {
  local name=$1 body=$2 param=$3 path=${4:-/v1/chat/completions} code
  code=$(curl -s -o "$WORK/body" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary "$body" "$BASE$path")
  [ "$code" = 400 ] || fail "$name: status $code, want 400; body $(head -c 300 "$WORK/body")"
  "$PY" - "$WORK/body" "$param" <<'PYEOF' || fail "$name: body $(head -c 300 "$WORK/body")"
import json, sys
e = json.load(open(sys.argv[1]))["error"]
assert e["type"] == "invalid_request_error" and len(e["message"]) > 10, e
assert sys.argv[2] == "-" or e["param"] == sys.argv[2], e
PYEOF
  echo "ok - 400 for $name"
}
bad_request "empty messages" '{"model":"stories","messages":[]}' messages
bad_request "unknown role" '{"model":"stories","messages":[{"role":"robot","content":"hi"}]}' 'messages[0].role'
bad_request "negative max_tokens" '{"model":"stories","messages":[{"role":"user","content":"hi"}],"max_tokens":-5}' max_tokens
bad_request "temperature out of range" '{"model":"stories","messages":[{"role":"user","content":"hi"}],"temperature":2.5}' temperature
bad_request "unknown model" '{"model":"nope","messages":[{"role":"user","content":"hi"}]}' model
bad_request "invalid JSON" '{"model":"stories","messages":[' -
bad_request "n > 1" '{"model":"stories","messages":[{"role":"user","content":"hi"}],"n":3}' n
long=$("$PY" -c 'print("word " * 3000)')
bad_request "oversize prompt" "{\"model\":\"stories\",\"messages\":[{\"role\":\"user\",\"content\":\"$long\"}]}" -
grep -q "context holds 1024" "$WORK/body" || fail "oversize prompt error does not name the context length: $(head -c 300 "$WORK/body")"
bad_request "embeddings without input" '{"model":"stories"}' input /v1/embeddings
bad_request "embeddings of token ids" '{"model":"stories","input":[[1,2,3]]}' input /v1/embeddings
bad_request "embeddings empty string" '{"model":"stories","input":["a",""]}' input /v1/embeddings
bad_request "embeddings bad encoding" '{"model":"stories","input":"a","encoding_format":"hex"}' encoding_format /v1/embeddings
bad_request "embeddings oversize input" "{\"model\":\"stories\",\"input\":\"$long\"}" - /v1/embeddings
grep -q "context holds 1024" "$WORK/body" || fail "oversize embedding input error does not name the context length: $(head -c 300 "$WORK/body")"
# The same model through KServe v2: task=embedding, texts as BYTES [N].
curl -sf "$BASE/v2/models/stories/infer" -d '{"parameters":{"task":"embedding"},"inputs":[{"name":"text_input","datatype":"BYTES","shape":[2],"data":["a cat","a dog"]}]}' > "$WORK/emb" || fail "v2 embedding"
"$PY" -c 'import json,sys; o=json.load(open(sys.argv[1]))["outputs"][0]; assert o["name"]=="embedding" and o["datatype"]=="FP32" and o["shape"][0]==2 and len(o["data"])==2*o["shape"][1], o["shape"]' "$WORK/emb" || fail "v2 embedding body $(head -c 300 "$WORK/emb")"
echo "ok - embeddings over KServe v2"

# KServe generate extension, and the v2 metadata of the same model.
curl -sf "$BASE/v2/models/stories/generate" -d '{"text_input":"Once upon a time","max_tokens":8,"temperature":0}' > "$WORK/gen" || fail "generate"
"$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["text_output"] and d["completion_tokens"]==8, d' "$WORK/gen" || fail "generate body $(cat "$WORK/gen")"
n=$(curl -sfN "$BASE/v2/models/stories/generate_stream" -d '{"text_input":"Once upon a time","max_tokens":6,"ignore_eos":true}' | grep -c '^data: ') || fail "generate_stream"
[ "$n" = 7 ] || fail "generate_stream sent $n events, want 6 tokens + 1 final"
echo "ok - generate and generate_stream"

# Greedy tokens through the server (HTTP streaming, one token id per event)
# equal llama.cpp called directly, token for token.
if [ -n "$REFERENCE" ]; then
  PROMPT="Once upon a time, there was a little dog named Max."
  "$REFERENCE" "$GGUF" "$PROMPT" 64 > "$WORK/ref_tokens" 2>/dev/null || fail "greedy_reference failed"
  curl -sfN "$BASE/v2/models/stories/generate_stream" -d "{\"text_input\":\"$PROMPT\",\"max_tokens\":64,\"temperature\":0}" |
    "$PY" -c 'import json,sys
for line in sys.stdin:
    if line.startswith("data: "):
        d = json.loads(line[6:])
        if "token_id" in d: print(d["token_id"])' > "$WORK/server_tokens"
  [ "$(wc -l < "$WORK/ref_tokens")" -gt 10 ] || fail "reference generated too few tokens"
  cmp -s "$WORK/ref_tokens" "$WORK/server_tokens" || fail "server tokens differ from llama.cpp's: $(diff "$WORK/ref_tokens" "$WORK/server_tokens" | head -5)"
  echo "ok - greedy tokens through the server equal llama.cpp's ($(wc -l < "$WORK/ref_tokens") tokens)"
fi

# Queue full: while a long stream holds tiny's only slot, the next request
# gets 503 with the reason; dropping the stream frees the slot.
curl -sN "$BASE/v1/completions" -d '{"model":"tiny","prompt":"Once","max_tokens":100000,"ignore_eos":true,"stream":true}' > /dev/null &
HOLDER=$!
running() { curl -s "http://127.0.0.1:$METRICS_PORT/metrics" | grep '^strato_llm_requests_running{' | grep 'model="tiny"' | awk '{print $NF}'; }
for _ in $(seq 1 100); do [ "$(running)" = 1 ] && break; sleep 0.05; done
[ "$(running)" = 1 ] || fail "the long stream did not start"
code=$(curl -s -o "$WORK/body" -w '%{http_code}' "$BASE/v1/completions" -d '{"model":"tiny","prompt":"Once","max_tokens":2}')
[ "$code" = 503 ] || fail "queue full: status $code, want 503; $(head -c 300 "$WORK/body")"
grep -q "waiting queue is full" "$WORK/body" || fail "503 body does not say why: $(head -c 300 "$WORK/body")"
kill "$HOLDER" 2>/dev/null || true
wait "$HOLDER" 2>/dev/null || true
for _ in $(seq 1 100); do [ "$(running)" = 0 ] && break; sleep 0.05; done
[ "$(running)" = 0 ] || fail "slot not freed after the client went away"
echo "ok - 503 when the queue is full; slot freed on disconnect"

# gRPC ModelStreamInfer: one response per token.
if "$PY" -c 'import grpc, grpc_tools' 2>/dev/null; then
  "$PY" "$HERE/grpc_stream.py" "127.0.0.1:$GRPC_PORT" "$SRC/proto" stories || fail "gRPC token streaming"
else
  echo "note: python3-grpcio / grpc_tools missing, gRPC streaming check skipped"
fi
echo "PASS"
