#!/usr/bin/env bash
# Fuzzes every reader of outside data with libFuzzer (tests/fuzz/, built by the asan preset with
# ASan + UBSan) for SECONDS each (default 60), two targets at a time. Each target starts from its
# committed seed corpus plus what earlier runs found (build/fuzz/<format>/corpus). A crash, sanitizer
# report, timeout or out-of-memory leaves its input in build/fuzz/<format>/ and fails this script:
# commit that input under tests/fuzz/regressions/<format>/ with the fix. Not part of the test suite.
# Usage: scripts/fuzz.sh [SECONDS] [FORMAT…]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
formats=("$@")
[ ${#formats[@]} -gt 0 ] || formats=(idx safetensors checkpoint spec run_files)

cmake --preset asan >/dev/null
cmake --build --preset asan --target "${formats[@]/#/fuzz_}"

run_one() {
  local format=$1 root=$PWD dir=$PWD/build/fuzz/$1
  mkdir -p "$dir/corpus" "$dir/cwd"
  cd "$dir/cwd"  # whatever a reader under test might write lands here, not in the source tree
  # -timeout: one input may take at most 30 s; -rss_limit_mb: building a model from a spec may
  # legitimately hold up to 1 GiB of weights (layers/layer.h), so 4 GiB is the out-of-memory line.
  "$root"/build/asan/tests/fuzz/fuzz_"$format" "$dir/corpus" "$root/tests/fuzz/corpus/$format" \
    -max_total_time="$seconds" -timeout=30 -rss_limit_mb=4096 -print_final_stats=1 \
    -artifact_prefix="$dir/" >"$dir/log.txt" 2>&1
}

pids=() status=0
for format in "${formats[@]}"; do
  run_one "$format" &
  pids+=($!)
  if [ ${#pids[@]} -ge "${FUZZ_JOBS:-2}" ]; then
    wait "${pids[0]}" || status=1
    pids=("${pids[@]:1}")
  fi
done
for pid in "${pids[@]}"; do wait "$pid" || status=1; done

printf '%-12s %12s %10s %8s %8s  %s\n' format executions exec/s cov features result
for format in "${formats[@]}"; do
  log=build/fuzz/$format/log.txt
  runs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log")
  speed=$(awk '/stat::average_exec_per_sec/ {print $2}' "$log")
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | awk '{print $2}' || true)
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | awk '{print $2}' || true)
  found=$(find build/fuzz/"$format" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \
          -o -name 'oom-*' \) | head -3 | tr '\n' ' ')
  printf '%-12s %12s %10s %8s %8s  %s\n' "$format" "${runs:-?}" "${speed:-?}" "${cov:-?}" "${ft:-?}" "${found:-ok}"
  [ -z "$found" ] || status=1
done
exit $status
