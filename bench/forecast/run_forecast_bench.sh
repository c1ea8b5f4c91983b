#!/usr/bin/env bash
# Forecasting benchmark: every model on M4 Hourly and Weekly (accuracy and
# the time to fit all series), then the inventory comparison.
# The fit-time goal is "all 414 hourly series in under a minute on 2 cores";
# the script prints the wall and CPU seconds of each model and the ratio of
# the combination's fit time to that minute, and the XGBoost model's time
# relative to Theta's measured in the same run (a machine-independent
# figure on a busy machine).
# Usage: bench/forecast/run_forecast_bench.sh [threads]
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
SHARED=${STRATO_SHARED_DIR:-$ROOT/../shared}
M4=$SHARED/datasets/forecasting/m4
THREADS=${1:-2}
OUT=$ROOT/bench/results/forecast
[ -f "$M4/Hourly-train.csv" ] || { echo "M4 not found under $SHARED (skip)"; exit 77; }
mkdir -p "$OUT"
export OMP_WAIT_POLICY=PASSIVE
cmake --build --preset release --target strato >/dev/null
STRATO=$ROOT/build/release/src/cli/strato
for freq in hourly weekly; do
  echo "== M4 $freq"
  "$STRATO" forecast eval --data "$M4" --freq "$freq" --threads "$THREADS" \
    --per-series "$OUT/$freq-per-series.csv" 2>/dev/null | tee "$OUT/$freq.txt"
  awk -v f="$freq" '
    $1 == "theta" { theta = $(NF-1) }
    $1 == "xgb" { xgb = $(NF-1) }
    $1 == "combination" { comb = $(NF-1) }
    END { printf "%s: combination fit %.1f s wall = %.2f x the 60 s goal; xgb / theta wall = %.1f\n",
          f, comb, comb / 60, (theta > 0 ? xgb / theta : 0) }' "$OUT/$freq.txt"
done
echo "== inventory"
"$STRATO" forecast inventory --data "$M4" --freq weekly --lead-time 2 2>/dev/null | tee "$OUT/inventory-weekly.txt"
"$STRATO" forecast inventory --data "$M4" --freq hourly --lead-time 2 --error-correlation 0.5 2>/dev/null | tee "$OUT/inventory-hourly.txt"
