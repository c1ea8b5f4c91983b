#!/usr/bin/env bash
# Runs every fuzzer built in BUILD_DIR for SECONDS each, from its checked-in
# seed corpus (fuzz/<area>/corpus/<target>/). Fails if any fuzzer finds a crash.
set -euo pipefail
build_dir="$1"
seconds="${2:-20}"
root="$(cd "$(dirname "$0")/.." && pwd)"
found=0
while IFS= read -r bin; do
  name="$(basename "$bin")"
  area="$(basename "$(dirname "$bin")")"
  seeds="$root/fuzz/$area/corpus/$name"
  work="$(mktemp -d)"
  [ -d "$seeds" ] && cp -r "$seeds"/. "$work"/ 2>/dev/null || true
  echo "fuzz: $name for ${seconds}s"
  if ! "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$work/" "$work" >"$work/log" 2>&1; then
    echo "fuzz: $name FAILED; last lines:"; tail -n 40 "$work/log"; exit 1
  fi
  grep -E "stat::number_of_executed_units" "$work/log" || true
  rm -rf "$work"
  found=$((found + 1))
done < <(find "$build_dir/fuzz" -type f -name '*_fuzz' -perm -u+x 2>/dev/null | sort)
echo "fuzz: $found fuzzers ran without a crash"
