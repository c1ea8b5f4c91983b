#!/usr/bin/env bash
# Builds strato and runs every test: unit and integration tests (release),
# unit tests under AddressSanitizer + UBSan, and each fuzzer for a bounded
# time. The release ctest summary is printed last.
#
# Environment: STRATO_SKIP_SANITIZERS=1 and STRATO_SKIP_FUZZ=1 skip those
# stages; STRATO_FUZZ_SECONDS (default 20) bounds each fuzzer.
set -euo pipefail
cd "$(dirname "$0")/.."

# ccache keys on paths relative to the checkout, so clones share the cache.
export CCACHE_BASEDIR="$PWD"
export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-8G}"
export OMP_WAIT_POLICY=PASSIVE

stage() { printf '\n=== %s (%s)\n' "$1" "$(date +%H:%M:%S)"; }

if [ "${STRATO_SKIP_SANITIZERS:-0}" != 1 ]; then
  stage "AddressSanitizer + UBSan: build and unit tests"
  cmake --preset asan-ubsan >/dev/null
  cmake --build --preset asan-ubsan
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --preset asan-ubsan
fi

if [ "${STRATO_SKIP_FUZZ:-0}" != 1 ]; then
  stage "fuzzers: build and run ${STRATO_FUZZ_SECONDS:-20}s each"
  cmake --preset fuzz >/dev/null
  cmake --build --preset fuzz
  bash scripts/run_fuzzers.sh build/fuzz "${STRATO_FUZZ_SECONDS:-20}"
fi

stage "release: build, unit and integration tests"
cmake --preset release >/dev/null
cmake --build --preset release
ctest --preset release
