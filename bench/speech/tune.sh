#!/usr/bin/env bash
# Tunes the general model's decoder settings on the synthetic development set
# (make_dev_set.sh), never on the LibriVox test set: decodes the dev set with
# each setting and prints its WER. The best setting goes into the demo's asr
# config (src/speech_backend/demo_speech_models.cc) and run_speech_bench.sh.
# Usage: tune.sh BUILD_DIR DEV_DIR ["SETTING" ...]   (a SETTING is speech_eval flags)
# DEV_LIMIT=N decodes only the first N dev utterances.
set -euo pipefail
BUILD=${1:?usage: tune.sh BUILD_DIR DEV_DIR [SETTING...]}
DEV=${2:?usage: tune.sh BUILD_DIR DEV_DIR [SETTING...]}
shift 2
HERE=$(cd "$(dirname "$0")" && pwd)
EVAL="$BUILD/bench/speech/speech_eval"
[ -x "$EVAL" ] || { echo "build speech_eval first (cmake --build $BUILD --target speech_eval)"; exit 1; }
settings=("$@")
if [ ${#settings[@]} -eq 0 ]; then
  settings=("" "--no-segment" "--no-segment --lw 4" "--no-segment --lw 8" "--no-segment --lw 10"
            "--no-segment --lw 8 --wip 0.2" "--no-segment --lw 8 --arg -remove_noise=no")
fi
mapfile -t files < <(sed "s|^|$DEV/|; s|\$|.wav|" "$DEV/fileids" | head -n "${DEV_LIMIT:-100000}")
HYP=$(mktemp); REF=$(mktemp)
trap 'rm -f "$HYP" "$REF"' EXIT
head -n "${DEV_LIMIT:-100000}" "$DEV/transcription" > "$REF"
for s in "${settings[@]}"; do
  # shellcheck disable=SC2086
  "$EVAL" $s "${files[@]}" | awk -F'\t' '{n=split($1,a,"/"); sub(".wav$","",a[n]); print a[n]"\t"$4}' > "$HYP"
  printf '%-50s %s\n' "[${s:-default}]" "$(python3 "$HERE/wer.py" "$REF" "$HYP" | tail -1)"
done
