#!/usr/bin/env bash
# Builds the development set for tuning the recogniser (never the test set):
# bench/speech/dev_sentences.txt spoken by espeak-ng in several voices and
# speeds, resampled to 16 kHz, with white or pink noise mixed in by sox at
# varying levels. Writes OUT/*.wav, OUT/fileids and OUT/transcription
# (Sphinx format, like the LibriVox set).
# Usage: make_dev_set.sh OUT_DIR
set -euo pipefail
OUT=${1:?usage: make_dev_set.sh OUT_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
for tool in espeak-ng sox; do command -v $tool >/dev/null || { echo "$tool is missing (scripts/setup.sh)"; exit 1; }; done
mkdir -p "$OUT"
: > "$OUT/fileids"; : > "$OUT/transcription"
voices=(en-us en-gb en-us+f3 en-gb-x-rp en-us+m3 en-029 en-gb-scotland en-us+f4)
speeds=(140 155 170 185 200)
noises=("whitenoise vol 0.004" "pinknoise vol 0.01" "whitenoise vol 0.01" "" "pinknoise vol 0.02")
i=0
# Every sentence once, the first 20 a second time in another voice.
mapfile -t sentences < "$HERE/dev_sentences.txt"
for pass in 0 1; do
  for s in "${!sentences[@]}"; do
    [ "$pass" = 1 ] && [ "$s" -ge 20 ] && break
    text=${sentences[$s]}
    voice=${voices[$(( (i * 3 + pass) % ${#voices[@]} ))]}
    speed=${speeds[$(( i % ${#speeds[@]} ))]}
    noise=${noises[$(( (i * 2 + pass) % ${#noises[@]} ))]}
    id=$(printf 'dev-%03d' "$i")
    espeak-ng -v "$voice" -s "$speed" -w "$OUT/$id.raw.wav" "$text"
    sox "$OUT/$id.raw.wav" -r 16000 -c 1 -b 16 "$OUT/$id.clean.wav" pad 0.3 0.3
    if [ -n "$noise" ]; then
      dur=$(soxi -D "$OUT/$id.clean.wav")
      # shellcheck disable=SC2086
      sox -n -r 16000 -c 1 -b 16 "$OUT/$id.noise.wav" synth "$dur" $noise
      sox -m "$OUT/$id.clean.wav" "$OUT/$id.noise.wav" "$OUT/$id.wav"
      rm -f "$OUT/$id.noise.wav"
    else
      mv "$OUT/$id.clean.wav" "$OUT/$id.wav"
    fi
    rm -f "$OUT/$id.raw.wav" "$OUT/$id.clean.wav"
    echo "$id" >> "$OUT/fileids"
    echo "<s> $text </s> ($id)" >> "$OUT/transcription"
    i=$((i + 1))
  done
done
echo "dev set: $i utterances in $OUT"
