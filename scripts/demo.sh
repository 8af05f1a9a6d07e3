#!/usr/bin/env bash
# Installs what is missing, builds, and runs the engine on the bundled demo
# scene (simulated, then replayed; no microphones needed).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target earshot >/dev/null
exec build/earshot demo "$@"
