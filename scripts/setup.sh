#!/usr/bin/env bash
# One-time setup on a fresh Debian 12 machine (run as root, or with sudo available): installs every
# apt package the build, the tests and the default training run need, then builds the release preset.
# Idempotent: packages already present are not fetched again, and the build is incremental.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  g++ cmake ninja-build pkg-config
  clang libclang-rt-14-dev libomp-dev   # the asan preset: sanitizers, libFuzzer, OpenMP for Clang
  libeigen3-dev          # tensors and GEMM
  libgtest-dev           # tests
  libbenchmark-dev       # bench/
  zlib1g-dev             # gzip'd IDX files
  nlohmann-json3-dev     # JSON specs, safetensors headers
  libcli11-dev           # command-line parsing
  libmuparser-dev        # schedule expressions
  dataset-fashion-mnist  # the data set, in /usr/share/datasets/fashion-mnist
  python3 python3-numpy  # tests: the usage examples' generator; reading plateau's safetensors from Python
  dpkg-dev file          # cpack -G DEB: dpkg-shlibdeps computes the package's Depends
  libopenmpi-dev openmpi-bin procps  # data-parallel train and distributed sweep under mpirun; pgrep in its tests
  pybind11-dev python3-dev python3-pytest  # the Python package (python/) and its tests
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cmake --preset release >/dev/null
cmake --build --preset release
echo "setup: done; the program is build/release/plateau"
