#!/usr/bin/env bash
# Sentiment serving benchmark (docs/usecases/sentiment.md):
#   - texts/s served by `strato serve` (model `sentiment`, ensemble, dynamic
#     batching, 2 instances) at concurrency 64 over HTTP and gRPC, one text
#     per request, with LABEL, SCORE and EXPLANATION;
#   - the same model's Predict + Explain called in-process on 2 threads (the
#     server's instance count) over the same texts: the ratio is the goal
#     (>= 0.7);
#   - latency p50/p99 of one text at concurrency 1.
# The model trains from ../shared/datasets/sentiment/sst2 when present (texts
# from its dev split), else from the demo's generated sample.
#
# usage: bench/sentiment/run_sentiment_bench.sh [BUILD_DIR]   (default: build/release)
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-build/release}
[[ $BUILD = /* ]] || BUILD="$ROOT/$BUILD"
STRATO="$BUILD/src/cli/strato"
INPROC="$BUILD/bench/sentiment/sentiment_inprocess_bench"
PERF_FLAGS=(--measurement-interval 3000 --max-trials 5 --warmup-ms 500 --quiet)
die() { echo "run_sentiment_bench: $*" >&2; exit 1; }
for f in "$STRATO" "$INPROC"; do [[ -x $f ]] || die "missing $f (build targets strato sentiment_inprocess_bench)"; done

TMP=$(mktemp -d /tmp/strato-sentiment-bench.XXXXXX)
SPID=
cleanup() { [[ -n $SPID ]] && kill "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

SST=$ROOT/../shared/datasets/sentiment/sst2
if [[ -f $SST/train.tsv && -f $SST/dev.tsv ]]; then
  TRAIN=$SST/train.tsv; TEXTS=$SST/dev.tsv; SOURCE="SST-2 (texts: dev.tsv)"
else
  python3 - "$TMP/sample.tsv" <<'PY'
import random, sys
rng = random.Random(1)
pos = ["great", "wonderful", "charming", "moving", "superb"]; neg = ["boring", "awful", "dull", "tedious", "bad"]
with open(sys.argv[1], "w") as f:
    f.write("sentence\tlabel\n")
    for _ in range(5000):
        y = rng.randrange(2)
        f.write(f"the movie was {'really ' if rng.random() < .5 else ''}{rng.choice(pos if y else neg)}\t{y}\n")
PY
  TRAIN=$TMP/sample.tsv; TEXTS=$TMP/sample.tsv; SOURCE="generated sample"
fi
"$STRATO" sentiment train --data "$TRAIN" --family ensemble --model-repository "$TMP/repo" --model sentiment \
  --quiet >/dev/null || die "training failed"
MODEL=$TMP/repo/sentiment/1/sentiment.model

# perf_analyzer input file: one text per request.
python3 - "$TEXTS" "$TMP/input.json" <<'PY'
import json, sys
texts = [line.split("\t")[0] for line in open(sys.argv[1], encoding="utf-8").read().splitlines()[1:]][:2000]
json.dump({"data": [{"TEXT": [t]} for t in texts]}, open(sys.argv[2], "w"))
PY

HP=$(free_port); GP=$(free_port); MP=$(free_port)
"$STRATO" serve --model-repository "$TMP/repo" --http-address 127.0.0.1 --http-port "$HP" --grpc-port "$GP" \
  --metrics-port "$MP" >"$TMP/serve.log" 2>&1 &
SPID=$!
for _ in $(seq 1 300); do
  curl -sf -o /dev/null "http://127.0.0.1:$HP/v2/models/sentiment/ready" && break
  sleep 0.2
done
curl -sf -o /dev/null "http://127.0.0.1:$HP/v2/models/sentiment/ready" || { cat "$TMP/serve.log"; die "server not ready"; }

csv_col() { awk -F, -v row="$2" -v name="$3" 'NR==1 { for (i=1;i<=NF;i++) if ($i==name) c=i; next } NR==row+1 { print $c }' "$1"; }
run_perf() {  # PROTOCOL URL CONCURRENCY CSV
  "$STRATO" perf -m sentiment -i "$1" -u "$2" --input-data "$TMP/input.json" --concurrency-range "$3" \
    "${PERF_FLAGS[@]}" -f "$4" >/dev/null 2>"$4.err" || { cat "$4.err" >&2; echo "perf $1 c=$3 failed" >&2; }
}
run_perf http "127.0.0.1:$HP" 64 "$TMP/http64.csv"
run_perf grpc "127.0.0.1:$GP" 64 "$TMP/grpc64.csv"
run_perf http "127.0.0.1:$HP" 1 "$TMP/http1.csv"
run_perf grpc "127.0.0.1:$GP" 1 "$TMP/grpc1.csv"
kill "$SPID"; wait "$SPID" 2>/dev/null; SPID=
INPROC_OUT=$("$INPROC" "$MODEL" "$TEXTS" 2 5 5)
INPROC_TPS=$(awk '{ for (i=1;i<=NF;i++) if ($i=="texts_per_s") print $(i+1) }' <<<"$INPROC_OUT")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a/b; else print "n/a" }'; }

H64=$(csv_col "$TMP/http64.csv" 1 throughput_infer_s); G64=$(csv_col "$TMP/grpc64.csv" 1 throughput_infer_s)
echo "# sentiment serving benchmark, $(date -u +%Y-%m-%dT%H:%MZ)"
echo
echo "Host: $(nproc) cores; model: ensemble trained on $SOURCE; server: 2 instances, dynamic batching."
echo
echo "| path | texts/s | vs in-process (2 threads) | p50 us (c=1) | p99 us (c=1) |"
echo "|---|---:|---:|---:|---:|"
echo "| in-process Predict+Explain, 2 threads | $INPROC_TPS | 1.00 | | |"
echo "| HTTP, concurrency 64 | $H64 | $(ratio "$H64" "$INPROC_TPS") | $(csv_col "$TMP/http1.csv" 1 p50_us) | $(csv_col "$TMP/http1.csv" 1 p99_us) |"
echo "| gRPC, concurrency 64 | $G64 | $(ratio "$G64" "$INPROC_TPS") | $(csv_col "$TMP/grpc1.csv" 1 p50_us) | $(csv_col "$TMP/grpc1.csv" 1 p99_us) |"
