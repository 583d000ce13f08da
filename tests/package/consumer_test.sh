#!/usr/bin/env bash
# Installs the plateau build BUILD_DIR into a scratch prefix (or, with --deb, unpacks its .deb there),
# copies each example project of EXAMPLES_DIR out of the source tree, configures and builds it against
# that prefix alone (CMAKE_PREFIX_PATH; no path into the source or build tree), and runs it on a few
# hundred images. Usage: consumer_test.sh BUILD_DIR EXAMPLES_DIR [--deb]
set -euo pipefail
build=$(cd "$1" && pwd)
examples=$(cd "$2" && pwd)
source=$(dirname "$examples")
mode=${3:-install}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

if [ "$mode" = --deb ]; then
  (cd "$build" && cpack -G DEB >/dev/null)
  deb=$(ls "$build"/plateau_*_amd64.deb)
  echo "== $(basename "$deb")"
  dpkg-deb -I "$deb" | grep -E '^ (Package|Version|Architecture|Depends):'
  dpkg-deb -c "$deb" | awk '{print $6}' | grep -E 'bin/plateau$|plateau/plateau.h$|libplateau_core|plateauConfig.cmake$|plateau.pc$'
  dpkg -x "$deb" "$scratch/root"
  prefix=$scratch/root/usr
else
  cmake --install "$build" --prefix "$scratch/prefix" >/dev/null
  prefix=$scratch/prefix
fi
"$prefix/bin/plateau" --version
"$prefix/bin/plateau" summary --model mlp | tail -4
# The installed package must not point back at the tree it was built from.
if find "$prefix" \( -name '*.cmake' -o -name '*.pc' \) -exec grep -lF -e "$source/" -e "$build" {} + | grep .; then
  echo "consumer_test: the installed CMake or pkg-config files above refer to plateau's source or build tree" >&2
  exit 1
fi

for example in seed_notebook custom_callback; do
  cp -r "$examples/$example" "$scratch/$example"
  cmake -S "$scratch/$example" -B "$scratch/$example/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
  if grep -qF -e "$source/" -e "$build" "$scratch/$example/build/build.ninja"; then
    echo "consumer_test: $example's build refers to plateau's source or build tree" >&2
    exit 1
  fi
  cmake --build "$scratch/$example/build" >/dev/null
  echo "== $example, built against $prefix"
  "$scratch/$example/build/$example" --limit 300 --epochs 2 --out "$scratch/${example}_run" | tail -3
done
# Without CMake: a one-file program compiled with what pkg-config says.
pc_dir=$(dirname "$(find "$prefix" -name plateau.pc)")
cat > "$scratch/version.cpp" <<'CPP'
#include <cstdio>
#include <plateau/plateau.h>
int main() { std::printf("PLATEAU_VERSION %s: %s\n", PLATEAU_VERSION, plateau::build_description().c_str()); }
CPP
# shellcheck disable=SC2046  # pkg-config's flags are meant to split
c++ -std=c++20 "$scratch/version.cpp" -o "$scratch/version" $(PKG_CONFIG_PATH="$pc_dir" pkg-config --cflags --libs plateau)
echo "== pkg-config --cflags --libs plateau"
# A shared plateau in a prefix the loader does not search is found as any such library is: LD_LIBRARY_PATH.
LD_LIBRARY_PATH="$(dirname "$pc_dir")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$scratch/version"
echo "consumer_test: both examples and a pkg-config build ran against the installed plateau"
