#!/usr/bin/env bash
# Installs what is missing, builds, and runs the test suite through ctest
# three times: the whole suite in an optimised build and in an ASan+UBSan
# build, then the tests labelled "threads" in a ThreadSanitizer build.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
jobs=$(nproc)

build() {
  local dir=$1; shift
  cmake -S . -B "$dir" "$@" >/dev/null
  cmake --build "$dir" -j"$jobs"
}

run_suite() {
  local dir=$1; shift
  build "$dir" "$@"
  (cd "$dir" && ctest --output-on-failure -j"$jobs" --timeout 600)
}

echo "== optimised build =="
run_suite build -DCMAKE_BUILD_TYPE=RelWithDebInfo
echo "== ASan + UBSan build =="
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run_suite build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DES_SANITIZE=address,undefined
echo "== ThreadSanitizer build (tests labelled threads) =="
build build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DES_SANITIZE=thread
(cd build-tsan && TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
  ctest -L threads --no-tests=error --output-on-failure -j"$jobs" --timeout 600)
echo "test: all suites passed"
