#!/usr/bin/env bash
# Builds the release preset (running setup first when the build or a package is missing) and runs
# the whole suite with ctest. The file-format tests (safetensors, IDX, checkpoints: corrupt, truncated
# and foreign files) also run under AddressSanitizer + UndefinedBehaviorSanitizer (the asan preset,
# built with Clang), and so does every seed and regression input of the fuzz targets (tests/fuzz/).
# Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh

echo "== file-format tests and fuzz-input replays under ASan/UBSan (Clang)"
cmake --preset asan >/dev/null
cmake --build --preset asan --target core_tests datasets_tests training_tests fuzz_idx fuzz_safetensors fuzz_spec fuzz_checkpoint fuzz_run_files
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
filter='Safetensors*:AtomicFile*:Idx*:Dataset*:Checkpoint*'
for t in core_tests datasets_tests training_tests; do
  build/asan/tests/$t --gtest_filter="$filter" --gtest_brief=1
done
# Every seed input and every committed regression input of each fuzz target, once.
ctest --test-dir build/asan -R '^fuzz_' --output-on-failure

echo "== the whole suite (release)"
ctest --preset release -j "$(nproc)" --timeout 900
