#!/usr/bin/env bash
# Route-planning benchmark: gap to the best known solutions.
#
#   bench/routing/run_routing_bench.sh cvrp    [--per100 10] [--seeds 3] [INSTANCE...]
#   bench/routing/run_routing_bench.sh solomon [--time 30]   [--seeds 1] [INSTANCE...]
#
# Budgets are CPU seconds of the search thread (--cpu-time), so that a run on
# a busy shared machine gets the effort it would get on an idle core. With no
# INSTANCE names every instance of the set is run. Needs ../shared/datasets
# and a release build (cmake --build build/release --target routing_bench).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
data=${STRATO_ROUTING_DATA:-$root/../shared/datasets/routing}
bin=${ROUTING_BENCH:-$root/build/release/bench/routing/routing_bench}
set_name=${1:?usage: run_routing_bench.sh cvrp|solomon [options] [INSTANCE...]}
shift
opts=()
names=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --per100|--time|--seeds|--threads|--curve) opts+=("$1" "$2"); shift 2 ;;
    *) names+=("$1"); shift ;;
  esac
done
case $set_name in
  cvrp) dir=$data/cvrp; ext=vrp; [[ ${#opts[@]} -eq 0 ]] && opts=(--per100 10 --seeds 3) ;;
  solomon) dir=$data/solomon/instances; ext=txt; [[ ${#opts[@]} -eq 0 ]] && opts=(--time 30) ;;
  *) echo "unknown set '$set_name' (cvrp or solomon)" >&2; exit 2 ;;
esac
[[ -d $dir ]] || { echo "no data at $dir" >&2; exit 1; }
files=()
if [[ ${#names[@]} -eq 0 ]]; then
  files=($(ls "$dir"/*."$ext" | sort -V))
else
  for n in "${names[@]}"; do files+=("$dir/$n.$ext"); done
fi
exec nice "$bin" --cpu-time "${opts[@]}" "${files[@]}"
