#!/usr/bin/env bash
# Recommender benchmarks. Usage: bench/recsys/run_recsys_bench.sh [build dir] [items]
# Default: the scale, 1,000,000 items x 64 factors.
set -euo pipefail
BUILD="${1:-build/release}"
ITEMS="${2:-1000000}"
"$BUILD/bench/recsys/recsys_topk_bench" --items "$ITEMS" --factors 64 --queries 200 --k 10 \
  --ef 100,400,1000 --m 16 --ef-construction 100 --build-threads "$(nproc)" --concurrency 64
