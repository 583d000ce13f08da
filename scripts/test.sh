#!/usr/bin/env bash
# Builds the release preset (running setup first when the build or a package is missing) and runs
# the whole suite with ctest. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
ctest --preset release -j "$(nproc)" --timeout 900
