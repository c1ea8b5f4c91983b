#!/usr/bin/env bash
# Speech benchmark: every number in docs/usecases/speech.md.
#  1. WER on ../shared/datasets/speech/librivox: Debian's pocketsphinx_continuous
#     (the reference) and strato's `asr` model over /v1/audio/transcriptions, same
#     files, same en-us model, same normalisation (wer.py).
#  2. Real-time factor on one core: strato's Recognizer vs the pocketsphinx C API
#     called directly (speech_eval --direct), same process, same files.
#  3. Concurrent streams through the server (2 instances): per-stream RTF.
#  4. Command and control: 54 commands x 3 TTS voices/speeds, JSGF grammar.
#  5. TTS characters per second: strato's Synthesize vs espeak-ng called directly.
# Usage: run_speech_bench.sh [BUILD_DIR]   (default build/release)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=$(cd "${1:-$ROOT/build/release}" && pwd)
STRATO="$BUILD/src/cli/strato"
EVAL="$BUILD/bench/speech/speech_eval"
DATA="$ROOT/../shared/datasets/speech/librivox"
for f in "$STRATO" "$EVAL"; do [ -x "$f" ] || { echo "build $f first (cmake --build $BUILD --target strato speech_eval)"; exit 1; }; done
[ -f "$DATA/transcription" ] || { echo "SKIP: $DATA is absent"; exit 77; }
command -v pocketsphinx_continuous >/dev/null || { echo "install pocketsphinx (scripts/setup.sh)"; exit 1; }

# The decoder settings chosen on the synthetic dev set (tune.sh); see docs/usecases/speech.md.
SETTINGS=${SPEECH_SETTINGS:-""}
WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill -TERM "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
mapfile -t FILES < <(sed "s|^|$DATA/|; s|\$|.wav|" "$DATA/fileids")
to_hyp() { awk -F'\t' '{n=split($1,a,"/"); sub(".wav$","",a[n]); print a[n]"\t"$4}'; }
rtf() { awk -F'\t' '{a+=$2; d+=$3} END {printf "%.3f", d/a}'; }

echo "== 1. WER on LibriVox (71 words)"
start=$(date +%s.%N)
for f in "${FILES[@]}"; do
  id=$(basename "$f" .wav)
  printf '%s\t%s\n' "$id" "$(pocketsphinx_continuous -infile "$f" -logfn /dev/null 2>/dev/null | tr '\n' ' ')"
done > "$WORK/reference.hyp"
ref_wall=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
echo "pocketsphinx_continuous: $(python3 "$HERE/wer.py" "$DATA/transcription" "$WORK/reference.hyp" | tail -1)  (wall ${ref_wall} s incl. model loading)"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
mkdir -p "$WORK/repo/asr/1"
segment=true; lw=""
[[ "$SETTINGS" == *--no-segment* ]] && segment=false
[[ "$SETTINGS" =~ --lw\ ([0-9.]+) ]] && lw="parameters { key: \"language_weight\" value { string_value: \"${BASH_REMATCH[1]}\" } }"
cat > "$WORK/repo/asr/config.pbtxt" <<CFG
name: "asr"
backend: "pocketsphinx"
instance_group { count: 2 kind: KIND_CPU }
parameters { key: "segment_on_silence" value { string_value: "$segment" } }
$lw
CFG
PORT=$(free_port)
"$STRATO" serve --model-repository "$WORK/repo" --http-address 127.0.0.1 --http-port "$PORT" --grpc-port "$(free_port)" \
  --metrics-port "$(free_port)" > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 300); do curl -sf "127.0.0.1:$PORT/v2/models/asr/ready" >/dev/null 2>&1 && break; sleep 0.1; done
python3 "$HERE/transcribe_http.py" "http://127.0.0.1:$PORT" asr 1 1 "${FILES[@]}" > "$WORK/strato.hyp" 2>/dev/null
echo "strato asr (${SETTINGS:-default settings}) over /v1/audio/transcriptions: $(python3 "$HERE/wer.py" "$DATA/transcription" "$WORK/strato.hyp" | tail -1)"
python3 "$HERE/wer.py" "$DATA/transcription" "$WORK/strato.hyp" | head -n -1 | sed 's/^/  /'

echo "== 2. Real-time factor on one core (decode time / audio time, LibriVox)"
# shellcheck disable=SC2086
taskset -c 0 "$EVAL" $SETTINGS "${FILES[@]}" > "$WORK/strato.tsv"
# shellcheck disable=SC2086
taskset -c 0 "$EVAL" --direct $SETTINGS "${FILES[@]}" > "$WORK/direct.tsv"
s_rtf=$(rtf < "$WORK/strato.tsv"); d_rtf=$(rtf < "$WORK/direct.tsv")
echo "strato Recognizer RTF $s_rtf; pocketsphinx called directly RTF $d_rtf; speed ratio (direct/strato) $(awk -v d="$d_rtf" -v s="$s_rtf" 'BEGIN {printf "%.2f", d / s}')"

echo "== 3. Concurrent streams through the server (2 instances on this machine's cores)"
for streams in 2 4; do
  python3 "$HERE/transcribe_http.py" "http://127.0.0.1:$PORT" asr "$streams" 1 "${FILES[@]}" 2>&1 >/dev/null | tail -1
done

echo "== 4. Command and control: JSGF grammar, TTS voices and speeds"
"$EVAL" --commands "$HERE/commands.txt" --grammar "$HERE/commands.jsgf" --variants 3 | tail -1

echo "== 5. TTS speed"
"$EVAL" --tts "$HERE/dev_sentences.txt"
