#!/usr/bin/env bash
# Configures and builds rootzone into build/ (override with ROOTZONE_BUILD_DIR).
# Extra arguments go to CMake's configure step, e.g. -DROOTZONE_SANITIZE=ON.
# ROOTZONE_BUILD_TARGET builds one target only (the main job: rootzone); default everything.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${ROOTZONE_BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja "$@" >/dev/null
target=()
if [[ -n ${ROOTZONE_BUILD_TARGET:-} ]]; then target=(--target "$ROOTZONE_BUILD_TARGET"); fi
cmake --build "$build" --parallel "$(nproc)" "${target[@]}"
