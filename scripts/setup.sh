#!/usr/bin/env bash
# Installs every Debian package strato needs to build, test and benchmark.
# Idempotent: packages already present are skipped, so a second run is fast.
# Usage: scripts/setup.sh            (build + test + bench dependencies)
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config clang libclang-rt-14-dev
  clang-format clang-tidy git curl ca-certificates
  # libraries
  libboost1.81-dev libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libsimdjson-dev rapidjson-dev libcli11-dev libxgboost-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # real components used by tests and benchmarks
  prometheus nginx wrk python3-grpcio python3-grpc-tools python3-protobuf python3-numpy
  procps psmisc iproute2
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages present"
  exit 0
fi

echo "setup: installing ${#missing[@]} missing packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends "${missing[@]}"
# nginx and prometheus packages start system services; tests start their own instances.
for svc in nginx prometheus prometheus-node-exporter; do
  $SUDO systemctl disable --now "$svc" >/dev/null 2>&1 || $SUDO service "$svc" stop >/dev/null 2>&1 || true
done
echo "setup: done"
