#!/usr/bin/env bash
# Installs the build into a temporary prefix, then configures, builds and runs
# examples/embed against it with find_package(docket): the way a platform
# embeds the library.
#
#   tests/cli/embed_install.sh <path-to-docket-binary> <source-dir>
#
# The build directory is the directory holding the docket binary.
set -euo pipefail

docket_bin=$1
src=$2
build_dir=$(cd "$(dirname "$docket_bin")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/docket_embed.XXXXXX")
trap 'rm -rf "$work"' EXIT

fail() {
  echo "embed_install: $*" >&2
  exit 1
}

cmake --install "$build_dir" --prefix "$work/prefix" > "$work/install.log" 2>&1 ||
  { cat "$work/install.log" >&2; fail "cmake --install failed"; }
[[ -f "$work/prefix/include/docket/program.h" ]] || fail "headers were not installed"
ls "$work"/prefix/lib*/cmake/docket/docketConfig.cmake > /dev/null 2>&1 || fail "no CMake package config installed"

generator=()
if command -v ninja > /dev/null 2>&1 && [[ -f "$build_dir/build.ninja" ]]; then generator=(-G Ninja); fi
cmake -S "$src/examples/embed" -B "$work/build" "${generator[@]}" \
  -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release > "$work/configure.log" 2>&1 ||
  { cat "$work/configure.log" >&2; fail "configuring examples/embed against the installed package failed"; }
cmake --build "$work/build" -j 2 > "$work/build.log" 2>&1 ||
  { cat "$work/build.log" >&2; fail "building examples/embed failed"; }

output=$("$work/build/embed") || fail "examples/embed exited with status $?: $output"
expected="matching accounts: 1"
[[ "$output" == "$expected" ]] || fail "expected '$expected', got '$output'"
echo "embed_install: ok ($output)"
