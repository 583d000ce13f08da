#!/usr/bin/env bash
# Runs a fuzz target once on every file of the given directories (the seed corpus and the committed
# regressions) and fails if any input crashes it or trips a sanitizer. Usage: replay.sh TARGET DIR...
set -euo pipefail
target=$1
shift
files=()
for dir in "$@"; do
  [ -d "$dir" ] || continue
  while IFS= read -r -d '' f; do files+=("$f"); done < <(find "$dir" -type f ! -name '.*' -print0 | sort -z)
done
if [ ${#files[@]} -eq 0 ]; then
  echo "replay: no inputs in $*" >&2
  exit 1
fi
# libFuzzer runs each file named on its command line once and exits non-zero on the first crash.
exec "$target" -rss_limit_mb=4096 "${files[@]}"
