#!/usr/bin/env bash
# Configures and builds rootzone into build/ (override with ROOTZONE_BUILD_DIR).
# Extra arguments go to CMake's configure step, e.g. -DROOTZONE_SANITIZE=ON.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${ROOTZONE_BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja "$@" >/dev/null
cmake --build "$build" --parallel "$(nproc)"
