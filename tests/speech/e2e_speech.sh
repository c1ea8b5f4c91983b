#!/usr/bin/env bash
# End-to-end test of the speech models: `strato serve` with a pocketsphinx
# general model (asr), a JSGF command grammar (commands) and tts, driven by
# the official openai npm client (openai_audio.mjs) and by curl for bad audio
# and malformed requests. Exit 77 (skipped) when the npm client is absent.
# Usage: e2e_speech.sh /path/to/strato SOURCE_DIR
set -euo pipefail

STRATO=${1:?usage: e2e_speech.sh /path/to/strato SOURCE_DIR}
SRC=${2:?usage: e2e_speech.sh /path/to/strato SOURCE_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
[ -d "$SRC/tests/llm/node_modules/openai" ] || { echo "SKIP: run scripts/setup.sh (installs the openai npm client into tests/llm)"; exit 77; }
command -v sox >/dev/null || { echo "SKIP: sox is not installed (scripts/setup.sh)"; exit 77; }

# shellcheck source=../common/server_harness.sh
source "$HERE/../common/server_harness.sh"

mkdir -p "$WORK/repo/asr/1" "$WORK/repo/commands/1" "$WORK/repo/tts/1" "$WORK/repo/assistant/1"
cat > "$WORK/repo/asr/config.pbtxt" <<'CFG'
name: "asr"
backend: "pocketsphinx"
parameters { key: "max_audio_seconds" value { string_value: "600" } }
CFG
cat > "$WORK/repo/commands/config.pbtxt" <<'CFG'
name: "commands"
backend: "pocketsphinx"
parameters { key: "mode" value { string_value: "grammar" } }
CFG
cat > "$WORK/repo/commands/1/grammar.jsgf" <<'JSGF'
#JSGF V1.0;
grammar home;
public <command> = (turn on | turn off) the <thing> [in the <room>] | what time is it;
<thing> = light | radio | heater;
<room> = kitchen | bedroom | garage;
JSGF
cp "$WORK/repo/commands/1/grammar.jsgf" "$WORK/repo/assistant/1/grammar.jsgf"
cat > "$WORK/repo/assistant/config.pbtxt" <<'CFG'
name: "assistant"
backend: "voice_assistant"
CFG
cat > "$WORK/repo/tts/config.pbtxt" <<'CFG'
name: "tts"
backend: "tts"
CFG

HTTP_PORT=$(free_port); GRPC_PORT=$(free_port); METRICS_PORT=$(free_port)
BASE="http://127.0.0.1:$HTTP_PORT"
"$STRATO" serve --model-repository "$WORK/repo" --http-address 127.0.0.1 --http-port "$HTTP_PORT" \
  --grpc-port "$GRPC_PORT" --metrics-port "$METRICS_PORT" > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 200); do
  curl -sf "$BASE/v2/health/ready" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || fail "server exited"
  sleep 0.1
done
for m in asr commands tts assistant; do curl -sf "$BASE/v2/models/$m/ready" >/dev/null || fail "model $m not ready"; done

LIBRIVOX="$SRC/../shared/datasets/speech/librivox/sense_and_sensibility_01_austen_64kb-0880.wav"
[ -f "$LIBRIVOX" ] || { echo "note: $LIBRIVOX absent; the LibriVox check is skipped"; LIBRIVOX=""; }
node "$HERE/openai_audio.mjs" "$BASE" $LIBRIVOX || fail "openai client checks"

# KServe v2: the same models over /v2/models/{m}/infer; the audio comes back
# through the binary-data extension (it is not UTF-8 text).
curl -sf -D "$WORK/spoken.headers" -o "$WORK/spoken.bin" -H 'Content-Type: application/json' "$BASE/v2/models/tts/infer" \
  --data-binary '{"inputs":[{"name":"text","datatype":"BYTES","shape":[1],"data":["what time is it"]}],"parameters":{"response_format":"wav","voice":"flite:kal16"},"outputs":[{"name":"audio","parameters":{"binary_data":true}}]}' \
  || fail "tts over v2"
"$PY" - "$WORK/spoken.headers" "$WORK/spoken.bin" "$WORK/spoken.wav" <<'PYEOF' || fail "tts v2 reply"
import json, struct, sys
headers = open(sys.argv[1]).read().lower()
n = int(headers.split("inference-header-content-length:")[1].split()[0])
body = open(sys.argv[2], "rb").read()
meta = json.loads(body[:n])
out = meta["outputs"][0]
assert out["name"] == "audio" and out["datatype"] == "BYTES", out
assert meta["parameters"]["content_type"] == "audio/wav", meta
blob = body[n:]
size = struct.unpack("<I", blob[:4])[0]  # one BYTES element: 4-byte length, then the bytes
wav = blob[4:4 + size]
assert wav[:4] == b"RIFF", wav[:8]
open(sys.argv[3], "wb").write(wav)
PYEOF
# ... and back through pocketsphinx (grammar) over v2, as BYTES.
"$PY" - "$WORK/spoken.wav" "$BASE" <<'PYEOF' || fail "asr over v2"
import json, struct, sys, urllib.request
wav = open(sys.argv[1], "rb").read()
header = json.dumps({"inputs": [{"name": "audio", "datatype": "BYTES", "shape": [1],
                                 "parameters": {"binary_data_size": len(wav) + 4}}]}).encode()
req = urllib.request.Request(sys.argv[2] + "/v2/models/commands/infer", data=header + struct.pack("<I", len(wav)) + wav,
                             headers={"Content-Type": "application/octet-stream",
                                      "Inference-Header-Content-Length": str(len(header))})
r = json.load(urllib.request.urlopen(req))
text = [o for o in r["outputs"] if o["name"] == "text"][0]["data"][0]
assert text == "what time is it", r
PYEOF
echo "ok - tts and asr over KServe v2 (binary BYTES)"

# Streaming recognition over gRPC: 0.25 s chunks in, partial results out.
sox "$WORK/spoken.wav" -r 16000 "$WORK/spoken16.wav"
"$PY" "$HERE/grpc_stream_asr.py" "127.0.0.1:$GRPC_PORT" "$SRC/proto" commands "$WORK/spoken16.wav" "what time is it" \
  || fail "gRPC streaming recognition"

# The voice assistant: a spoken command in, the spoken answer out, with per-stage timings.
"$PY" - "$WORK/spoken.wav" "$BASE" <<'PYEOF' || fail "voice assistant"
import json, struct, sys, urllib.request
wav = open(sys.argv[1], "rb").read()
header = json.dumps({"inputs": [{"name": "audio", "datatype": "BYTES", "shape": [1],
                                 "parameters": {"binary_data_size": len(wav) + 4}}],
                     "outputs": [{"name": "text"}, {"name": "answer"}]}).encode()
req = urllib.request.Request(sys.argv[2] + "/v2/models/assistant/infer", data=header + struct.pack("<I", len(wav)) + wav,
                             headers={"Content-Type": "application/octet-stream",
                                      "Inference-Header-Content-Length": str(len(header))})
r = json.load(urllib.request.urlopen(req))
out = {o["name"]: o["data"][0] for o in r["outputs"]}
assert out["text"] == "what time is it", out
assert out["answer"].startswith("it is "), out
p = r["parameters"]
assert all(p[k] >= 0 for k in ("asr_ms", "intent_ms", "tts_ms")), p
print(f"ok - voice assistant heard {out['text']!r}, answered {out['answer']!r}; "
      f"asr {p['asr_ms']:.0f} ms, intent {p['intent_ms']:.2f} ms, tts {p['tts_ms']:.0f} ms")
PYEOF

# expect_400 NAME PARAM FRAGMENT CURL_ARGS...: a 400 in OpenAI's error shape
# naming PARAM ("-": any) whose message contains FRAGMENT.
expect_400() {
  local name=$1 param=$2 fragment=$3 code
  shift 3
  code=$(curl -s -o "$WORK/body" -w '%{http_code}' "$@")
  [ "$code" = 400 ] || fail "$name: status $code, want 400; body $(head -c 300 "$WORK/body")"
  "$PY" - "$WORK/body" "$param" "$fragment" <<'PYEOF' || fail "$name: body $(head -c 400 "$WORK/body")"
import json, sys
e = json.load(open(sys.argv[1]))["error"]
assert e["type"] == "invalid_request_error", e
assert sys.argv[2] == "-" or e["param"] == sys.argv[2], e
assert sys.argv[3].lower() in e["message"].lower(), e
PYEOF
  echo "ok - 400 for $name"
}
T="$BASE/v1/audio/transcriptions"
: > "$WORK/empty.wav"
head -c 30 "$WORK/spoken.wav" > "$WORK/truncated.wav"
# Wrong sample format: the WAV header's format code set to 0x1234 (unknown).
"$PY" -c "import sys; b=bytearray(open(sys.argv[1],'rb').read()); b[20:22]=(0x1234).to_bytes(2,'little'); open(sys.argv[2],'wb').write(b)" \
  "$WORK/spoken.wav" "$WORK/format.wav"
sox -n -r 8000 -c 1 "$WORK/hour.flac" trim 0 3600
expect_400 "an empty file" file "empty" -F model=asr -F "file=@$WORK/empty.wav" "$T"
expect_400 "a truncated WAV header" - "cannot decode" -F model=asr -F "file=@$WORK/truncated.wav" "$T"
expect_400 "an unknown WAV sample format" - "cannot decode" -F model=asr -F "file=@$WORK/format.wav" "$T"
expect_400 "one hour of audio" - "3600.0 s long" -F model=asr -F "file=@$WORK/hour.flac" "$T"
expect_400 "no file part" file "required" -F model=asr "$T"
expect_400 "no model" model "required" -F "file=@$WORK/spoken.wav" "$T"
expect_400 "an unknown model" model "does not exist" -F model=nope -F "file=@$WORK/spoken.wav" "$T"
expect_400 "a bad response_format" response_format "verbose_json" -F model=asr -F response_format=xml -F "file=@$WORK/spoken.wav" "$T"
expect_400 "a language other than English" language "not supported" -F model=asr -F language=fr -F "file=@$WORK/spoken.wav" "$T"
expect_400 "a JSON body" - "multipart/form-data" -H 'Content-Type: application/json' --data-binary '{"model":"asr"}' "$T"
expect_400 "a multipart body without its closing boundary" - "truncated" -H 'Content-Type: multipart/form-data; boundary=zz' \
  --data-binary $'--zz\r\nContent-Disposition: form-data; name="model"\r\n\r\nasr' "$T"
S="$BASE/v1/audio/speech"
J=(-H 'Content-Type: application/json')
expect_400 "speech without input" input "required" "${J[@]}" --data-binary '{"model":"tts","voice":"alloy"}' "$S"
expect_400 "speech as aac" response_format "not supported" "${J[@]}" --data-binary '{"model":"tts","input":"hi","response_format":"aac"}' "$S"
expect_400 "speech too fast" speed "between" "${J[@]}" --data-binary '{"model":"tts","input":"hi","speed":9}' "$S"
expect_400 "an unknown voice" - "voice" "${J[@]}" --data-binary '{"model":"tts","input":"hi","voice":"flite:nobody"}' "$S"
expect_400 "speech input too long" input "4096" "${J[@]}" --data-binary "{\"model\":\"tts\",\"input\":\"$(head -c 5000 /dev/zero | tr '\0' a)\"}" "$S"
code=$(curl -s -o /dev/null -w '%{http_code}' "$T")
[ "$code" = 405 ] || fail "GET on transcriptions: $code, want 405"
echo "ok - 405 for GET"
kill -0 "$SERVER_PID" 2>/dev/null || fail "server died during the bad-input checks"
echo "PASS"
