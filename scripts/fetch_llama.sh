#!/usr/bin/env bash
# Obtains llama.cpp, pinned, from the npm registry into third_party/llama/
# (git-ignored). Idempotent: does nothing when the folder is complete.
#   third_party/llama/src/  llama.cpp source (headers; -DSTRATO_LLAMA_FROM_SOURCE=ON builds it)
#   third_party/llama/lib/  prebuilt libllama / libggml shared libraries (linux-x64)
# node-llama-cpp carries the source as a git bundle; its linux-x64 companion
# package carries the libraries built from that same source.
set -euo pipefail
VERSION=3.21.1
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/third_party/llama"
if [ -f "$dest/src/include/llama.h" ] && [ -f "$dest/lib/libllama.v0.4.0.so" ] && [ -f "$dest/VERSION" ] &&
   [ "$(cat "$dest/VERSION")" = "$VERSION" ]; then
  exit 0
fi
command -v npm >/dev/null || { echo "fetch_llama: npm is needed (scripts/setup.sh installs it)" >&2; exit 1; }
echo "setup: fetching llama.cpp (node-llama-cpp@$VERSION) from npm into third_party/llama"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && if [ -n "${STRATO_NPM_PACK_DIR:-}" ]; then cp "$STRATO_NPM_PACK_DIR"/node-llama-cpp*-$VERSION.tgz .; else npm pack --silent "node-llama-cpp@$VERSION" "@node-llama-cpp/linux-x64@$VERSION"; fi >/dev/null)
mkdir -p "$tmp/src-pkg" "$tmp/bin-pkg"
tar -xzf "$tmp/node-llama-cpp-$VERSION.tgz" -C "$tmp/src-pkg"
tar -xzf "$tmp/node-llama-cpp-linux-x64-$VERSION.tgz" -C "$tmp/bin-pkg"
rm -rf "$dest"
mkdir -p "$dest"
git -c advice.detachedHead=false clone --quiet "$tmp/src-pkg/package/llama/gitRelease.bundle" "$dest/src"
cp "$tmp/src-pkg/package/llama/llama.cpp.info.json" "$dest/"
mkdir -p "$dest/lib"
cp "$tmp"/bin-pkg/package/bins/linux-x64/*.so "$dest/lib/"
echo "$VERSION" > "$dest/VERSION"
echo "setup: llama.cpp ready in $dest"
