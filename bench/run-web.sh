#!/usr/bin/env bash
# bench/web: from navigation to the map page's first idle with trees drawn, and the script and
# style bytes of the first load, on the Konstanz store and on the 1M-tree city (made by
# bench/run-conflicts.sh), headless chromium on loopback.
#   bash bench/run-web.sh
# ROOTZONE_BENCH_BUILD_DIR (build-bench, Release); ROOTZONE_WEB_RUNS (10).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${ROOTZONE_BENCH_BUILD_DIR:-build-bench}
cmake --build "$build" --parallel "$(nproc)" --target rootzone >/dev/null
out=bench/out
mkdir -p "$out"
konstanz=$out/web-konstanz.sqlite
if [[ ! -f $konstanz ]]; then
  "$build/app/rootzone" init --db "$konstanz.part" >/dev/null
  "$build/app/rootzone" import trees data/trees/konstanz_baumkataster_2020.csv --db "$konstanz.part" \
    --mapping mappings/konstanz-baumkataster-2020.json >/dev/null
  "$build/app/rootzone" import works data/works/demo/konstanz_demo_works.geojson \
    --db "$konstanz.part" --mapping mappings/rootzone-works-geojson.json >/dev/null
  mv "$konstanz.part" "$konstanz"
fi
city=$out/city-t1000000-w10000-s4711.sqlite
[[ -f $city ]] || bash bench/run-conflicts.sh >/dev/null
# The city's middle, in lat/lon for the page's URL (the store is EPSG:25832).
centre=$(sqlite3 "$city" "SELECT (min(xmin)+max(xmax))/2 || ' ' || (min(ymin)+max(ymax))/2 FROM idx_trees_location")
read -r lon lat < <(echo "$centre" | cs2cs -f %.6f EPSG:25832 EPSG:4326 | awk '{print $2, $1}')
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(chromium --version)"
# Konstanz: the old town around the Münster (a street full of trees) at z17; the city at z16.
node bench/web/first_idle.mjs "$build/app/rootzone" \
  "Konstanz (15,936 trees)=$konstanz@17/47.6630/9.1750" \
  "1M-tree city=$city@16/$lat/$lon"
