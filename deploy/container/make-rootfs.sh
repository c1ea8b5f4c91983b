#!/usr/bin/env bash
# Makes the runtime root filesystem of the strato image: the binary, every
# shared library it links (found with ldd, including the dynamic loader),
# /etc/passwd and /etc/group with a non-root user, and empty /tmp and
# /models. Nothing else: no shell, no package manager.
#
# Usage: deploy/container/make-rootfs.sh STRATO_BINARY OUT_DIR
set -euo pipefail

if [ "$#" -ne 2 ] || [ "$1" = "--help" ] || [ "$1" = "-h" ]; then
  echo "usage: $0 STRATO_BINARY OUT_DIR   (writes the image's root filesystem into OUT_DIR)" >&2
  [ "$#" -eq 2 ] || exit 2
  exit 0
fi
binary=$1
out=$2
if [ ! -x "$binary" ]; then
  echo "make-rootfs: '$binary' is not an executable; build it first:" \
       "cmake --preset release && cmake --build --preset release --target strato" >&2
  exit 1
fi

mkdir -p "$out"/usr/local/bin "$out"/etc "$out"/tmp "$out"/models
install -m 0755 "$binary" "$out"/usr/local/bin/strato
strip --strip-unneeded "$out"/usr/local/bin/strato 2>/dev/null || true

# Copy each library to the same path it has on the build machine, following
# symlinks, so the loader finds it exactly where ldd did.
copy_lib() {
  local lib=$1
  local real
  real=$(readlink -f "$lib")
  mkdir -p "$out$(dirname "$lib")"
  cp -L "$real" "$out$lib"
  strip --strip-unneeded "$out$lib" 2>/dev/null || true
}
# ldd lines: "libx.so.1 => /path/libx.so.1 (0x...)" or "/lib64/ld-linux-x86-64.so.2 (0x...)".
while read -r lib; do
  copy_lib "$lib"
done < <(ldd "$binary" | awk '/=> \// {print $3} /^\t\// {print $1}' | sort -u)

# glibc resolves names through NSS even for numeric addresses in some paths;
# a minimal nsswitch keeps it to files and dns without loading more modules.
cat > "$out"/etc/passwd <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
strato:x:65532:65532:strato server:/tmp:/sbin/nologin
PASSWD
cat > "$out"/etc/group <<'GROUP'
root:x:0:
strato:x:65532:
GROUP
echo "hosts: files dns" > "$out"/etc/nsswitch.conf
# `strato model pull https://...` (e.g. in an init container) verifies TLS
# against the CA bundle at libcurl's built-in path.
# Data the speech backends read at run time: pocketsphinx's en-us acoustic
# model, dictionary and language model, and espeak-ng's phoneme tables/voices.
for data in /usr/share/pocketsphinx/model/en-us /usr/lib/x86_64-linux-gnu/espeak-ng-data; do
  if [ -d "$data" ]; then
    mkdir -p "$out$(dirname "$data")"
    cp -rL "$data" "$out$data"
  fi
done

if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  mkdir -p "$out"/etc/ssl/certs
  cp -L /etc/ssl/certs/ca-certificates.crt "$out"/etc/ssl/certs/
fi
chmod 1777 "$out"/tmp
echo "make-rootfs: $(find "$out" -type f | wc -l) files, $(du -sh "$out" | cut -f1) in $out"
