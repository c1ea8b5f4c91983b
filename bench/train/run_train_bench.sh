#!/usr/bin/env bash
# Training benchmarks, each against a reference measured in the same run:
#   1. ingest rows/s: strato's reader vs a plain getline + strtod reader, on
#      C-MAPSS train_FD001 repeated 10x (206k rows);
#   2. XGBoost training time: strato (C API) vs python3-xgboost 1.7 on the
#      same C-MAPSS window features, parameters and rounds;
#   3. the full C-MAPSS FD001 pipeline (RMSE on the 100 test engines) and the
#      AI4I 2020 pipelines.
# python3-xgboost is not installed system-wide (its Debian package conflicts
# with libboost1.81-dev, which strato builds against): its .deb files are
# unpacked into build/pyxgb and used through PYTHONPATH / LD_LIBRARY_PATH.
# Usage: bench/train/run_train_bench.sh [rounds] [threads]
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BUILD=$ROOT/build/release
SHARED=${STRATO_SHARED_DIR:-$ROOT/../shared}
ROUNDS=${1:-300}
THREADS=${2:-2}
OUT=$ROOT/bench/results/train
mkdir -p "$OUT"
export OMP_WAIT_POLICY=PASSIVE
CMAPSS=$SHARED/datasets/maintenance/cmapss
[ -f "$CMAPSS/train_FD001.txt" ] || { echo "C-MAPSS not found under $SHARED (skip)"; exit 77; }
cmake --build --preset release --target strato train_ingest_bench train_xgb_bench >/dev/null

PYXGB=$ROOT/build/pyxgb
if [ ! -d "$PYXGB/usr/lib/python3/dist-packages/xgboost" ]; then
  mkdir -p "$PYXGB/debs"
  (cd "$PYXGB/debs" && apt-get download python3-xgboost libxgboost0 python3-scipy >/dev/null 2>&1) || true
  for deb in "$PYXGB"/debs/*.deb; do dpkg -x "$deb" "$PYXGB"; done
fi
pyxgb() {
  PYTHONPATH=$PYXGB/usr/lib/python3/dist-packages LD_LIBRARY_PATH=$PYXGB/usr/lib/x86_64-linux-gnu \
    /usr/bin/python3 "$@"
}

echo "== 1. ingest"
for i in $(seq 10); do cat "$CMAPSS/train_FD001.txt"; done > "$OUT/cmapss_x10.txt"
"$BUILD/bench/train/train_ingest_bench" "$OUT/cmapss_x10.txt" 5 | tee "$OUT/ingest.txt"

echo "== 2. XGBoost training time, $ROUNDS rounds, $THREADS threads"
STRATO_JSON=$("$BUILD/bench/train/train_xgb_bench" "$ROOT/examples/maintenance/cmapss_rul.yaml" \
  "$OUT" "$ROUNDS" "$THREADS" 3)
echo "strato:         $STRATO_JSON"
if PY_JSON=$(pyxgb "$ROOT/bench/train/xgb_train_bench.py" "$OUT" "$STRATO_JSON"); then
  echo "python3-xgboost: $PY_JSON"
  /usr/bin/python3 - "$STRATO_JSON" "$PY_JSON" <<'PY' | tee "$OUT/xgb_train.txt"
import json, statistics, sys
s, p = json.loads(sys.argv[1]), json.loads(sys.argv[2])
ms, mp = statistics.median(s["seconds"]), statistics.median(p["seconds"])
print(f"train {s['rows']} rows x {s['features']} features, {s['rounds']} rounds, {s['threads']} threads")
print(f"  strato          median {ms:.2f} s  valid rmse {s['final_valid_rmse']:.4f}")
print(f"  python3-xgboost median {mp:.2f} s  valid rmse {p['final_valid_rmse']:.4f} (xgboost {p['xgboost_version']})")
print(f"  ratio strato/python {ms / mp:.2f}x (goal <= 1.1x)")
PY
else
  echo "python3-xgboost could not run from $PYXGB (see the error above)"
fi

echo "== 3. pipelines"
for p in cmapss_rul ai4i_failure ai4i_failure_type; do
  "$BUILD/src/cli/strato" train "$ROOT/examples/maintenance/$p.yaml" --no-register --quiet \
    | tee "$OUT/$p.txt"
done
