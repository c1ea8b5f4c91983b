#!/usr/bin/env bash
# Runs clang-tidy (checks in .clang-tidy) on the C++ sources a change touches.
# Usage: scripts/tidy.sh [BASE]   (default BASE: origin/main if present, else HEAD~1)
# Needs build/release/compile_commands.json (cmake --preset release). Exits 1
# when clang-tidy reports a warning.
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in -h|--help) sed -n '2,6p' "$0"; exit 0 ;; esac
BASE=${1:-$(git rev-parse -q --verify origin/main >/dev/null && echo origin/main || echo HEAD~1)}
DB=build/release
[ -f "$DB/compile_commands.json" ] || { echo "tidy: run 'cmake --preset release' first (needs $DB/compile_commands.json)" >&2; exit 2; }
mapfile -t files < <(git diff --name-only --diff-filter=AM "$BASE" -- 'src/*.cc' 'bench/*.cc' | grep -v '_fuzz\.cc$' || true)
if [ "${#files[@]}" -eq 0 ]; then echo "tidy: no C++ sources changed since $BASE"; exit 0; fi
echo "tidy: ${#files[@]} files changed since $BASE"
status=0
for f in "${files[@]}"; do
  out=$(clang-tidy -p "$DB" --quiet "$f" 2>/dev/null | grep -E 'warning:|error:' -A3 || true)
  if [ -n "$out" ]; then
    echo "$out"
    status=1
  fi
done
[ "$status" -eq 0 ] && echo "tidy: clean"
exit "$status"
