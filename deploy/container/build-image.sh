#!/usr/bin/env bash
# Builds the strato container image offline with buildah: makes the runtime
# root filesystem from an already-built strato binary (make-rootfs.sh) and
# runs the Containerfile's runtime stage on it (no base image is pulled, no
# compiler runs inside the build).
#
# Usage: deploy/container/build-image.sh [--binary PATH] [--tag NAME]
#                                        [--storage DIR] [--archive FILE]
#   --binary   strato binary (default build/release/src/cli/strato)
#   --tag      image name (default localhost/strato:dev)
#   --storage  private containers storage (buildah/podman --root DIR/root
#              --runroot DIR/run); default: the system storage
#   --archive  also write the image as an OCI archive (podman load / skopeo copy)
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
binary=$repo/build/release/src/cli/strato
tag=localhost/strato:dev
storage=""
archive=""
while [ "$#" -gt 0 ]; do
  case "$1" in
    --binary) binary=$2; shift 2 ;;
    --tag) tag=$2; shift 2 ;;
    --storage) storage=$2; shift 2 ;;
    --archive) archive=$2; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-image: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
if ! command -v buildah >/dev/null; then
  echo "build-image: buildah is missing; run scripts/setup.sh (Debian package buildah)" >&2
  exit 1
fi

buildah_args=(--storage-driver vfs)
if [ -n "$storage" ]; then
  buildah_args+=(--root "$storage/root" --runroot "$storage/run")
fi

context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
bash "$repo/deploy/container/make-rootfs.sh" "$binary" "$context/rootfs"

buildah "${buildah_args[@]}" bud --quiet --isolation chroot --layers=false \
  -f "$repo/deploy/container/Containerfile" --build-arg ROOTFS_FROM=prebuilt \
  -t "$tag" "$context" >/dev/null
# The prebuilt stage leaves an untagged intermediate image; keep only the result.
dangling=$(buildah "${buildah_args[@]}" images --quiet --filter dangling=true)
if [ -n "$dangling" ]; then buildah "${buildah_args[@]}" rmi $dangling >/dev/null 2>&1 || true; fi

size=$(buildah "${buildah_args[@]}" images --format '{{.Size}}' "$tag" | head -n1)
echo "build-image: built $tag ($size)"
if [ -n "$archive" ]; then
  buildah "${buildah_args[@]}" push --quiet "$tag" "oci-archive:$archive:$tag" >/dev/null
  echo "build-image: wrote $archive ($(du -h "$archive" | cut -f1))"
fi
