#!/usr/bin/env bash
# The test command of the README and of CI: installs, builds, runs every test through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-debian.sh
bash scripts/npm-install.sh  # tests/js (tile decoders, OpenAPI validators) and web/ (the map page, its browser tests)
# shellcheck source=scripts/node-path.sh
source scripts/node-path.sh  # Node.js 20 from tools/node where the machine's is older
start=$(date +%s)
bash scripts/build.sh
echo "build: $(( $(date +%s) - start )) s"
bash scripts/lint.sh  # clang-format and clang-tidy; needs the build's compile_commands.json
build=${ROOTZONE_BUILD_DIR:-build}
ctest --test-dir "$build" --output-on-failure --parallel "$(nproc)"
