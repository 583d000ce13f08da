#!/usr/bin/env bash
# Builds the release preset (running setup first when the build or a package is missing) and runs
# the whole suite with ctest. The file-format tests (safetensors, IDX, checkpoints: corrupt, truncated
# and foreign files) also run under AddressSanitizer + UndefinedBehaviorSanitizer (the asan preset).
# Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh

echo "== file-format tests under ASan/UBSan"
cmake --preset asan >/dev/null
cmake --build --preset asan --target core_tests datasets_tests training_tests
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
filter='Safetensors*:AtomicFile*:Idx*:Dataset*:Checkpoint*'
for t in core_tests datasets_tests training_tests; do
  build/asan/tests/$t --gtest_filter="$filter" --gtest_brief=1
done

echo "== the whole suite (release)"
ctest --preset release -j "$(nproc)" --timeout 900
