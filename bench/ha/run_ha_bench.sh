#!/usr/bin/env bash
# Longer run of the HA test (tests/deploy/ha_test.sh with HA_MODE=bench):
# 12 s phases, steadier 1/2/3-replica throughput, for the cheap `simple`
# model (the proxy path dominates) and the XGBoost `xgb_fraud` model (model
# compute dominates). Results go to bench/results/ha-<model>.txt.
#
# Usage: bench/ha/run_ha_bench.sh [STRATO_BINARY]   (needs root, haproxy, prometheus)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
binary=${1:-$repo/build/release/src/cli/strato}
mkdir -p "$repo/bench/results"
for model in simple xgb_fraud; do
  echo "=== $model"
  HA_MODE=bench HA_MODEL=$model HA_RESULTS="$repo/bench/results/ha-$model.txt" \
    OMP_WAIT_POLICY=PASSIVE bash "$repo/tests/deploy/ha_test.sh" "$binary"
done
echo "results: $repo/bench/results/ha-*.txt"
