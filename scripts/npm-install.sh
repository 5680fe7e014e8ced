#!/usr/bin/env bash
# Installs the npm packages of tests/js (the tile tests' JavaScript decoders, the OpenAPI
# contract test's validators) and of web/ (the map page: MapLibre, esbuild, TypeScript, and
# playwright-core for its browser tests) exactly as their package-lock.json files pin them.
# The build needs web/'s: CMake bundles the page with it.
#
# Some networks reach the npm registry only through a TLS-inspecting proxy whose CA a fresh
# machine does not trust yet (npm: SELF_SIGNED_CERT_IN_CHAIN). Then the install is retried
# without TLS verification. That gives up nothing the tests rely on: `npm ci` still checks
# every tarball against the sha512 `integrity` the lockfile records, so a package that is not
# byte for byte the pinned one is refused either way.
set -euo pipefail
cd "$(dirname "$0")/.."
install() {
  local args=(ci --prefix "$1" --no-audit --no-fund --loglevel=error)
  if ! npm "${args[@]}" 2>/tmp/rootzone-npm.err; then
    if grep -q -E 'SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE' /tmp/rootzone-npm.err; then
      echo "npm: the registry's TLS certificate is not trusted here (a TLS-inspecting proxy?);" \
        "retrying without TLS verification, with every package checked against the lockfile's sha512" >&2
      npm "${args[@]}" --strict-ssl=false
    else
      cat /tmp/rootzone-npm.err >&2
      exit 1
    fi
  fi
}
# Debian 12's nodejs is 18.20; playwright-core (the browser tests) and @axe-core/playwright need
# 20 or newer. Where the machine's node is older, the official Node.js 20 binaries come from the
# npm registry (tools/node, pinned by its lockfile like every other package); scripts/node-path.sh
# puts them first on PATH for the build and the tests.
if (( $(node -p 'process.versions.node.split(".")[0]') < 20 )); then
  install tools/node
fi
install tests/js
install web
