#!/usr/bin/env bash
# The latency of a tree PATCH on the Konstanz store (15,936 trees, the five demo works,
# conflicts checked), through the service's router. Moved here from a test that could not fail.
#   bash bench/run-edit-latency.sh [PATCHES]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${ROOTZONE_BENCH_BUILD_DIR:-build}
cmake --build "$build" --target rootzone edit_latency >/dev/null
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
db=$dir/konstanz.sqlite
"$build/app/rootzone" init --db "$db" >/dev/null
"$build/app/rootzone" import trees data/trees/konstanz_baumkataster_2020.csv --db "$db" \
  --mapping mappings/konstanz-baumkataster-2020.json >/dev/null
"$build/app/rootzone" import works data/works/demo/konstanz_demo_works.geojson --db "$db" \
  --mapping mappings/rootzone-works-geojson.json >/dev/null
"$build/app/rootzone" check --db "$db" >/dev/null 2>&1
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
"$build/bench/edit_latency" "$db" "${1:-400}"
