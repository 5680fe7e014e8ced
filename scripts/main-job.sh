#!/usr/bin/env bash
# The main job of the README: installs, builds, creates the default store, imports the bundled
# sample (Konstanz tree cadastre, demo works, two real German roadworks feeds), runs the
# conflict check and serves the store. Running it again reuses the store: re-imports change
# nothing and say so.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-debian.sh
bash scripts/build.sh
rootzone=build/app/rootzone
db=${ROOTZONE_DB:-var/rootzone.sqlite}
mkdir -p "$(dirname "$db")"
if [[ ! -f $db ]]; then
  "$rootzone" init --db "$db" --srid 25832
fi

"$rootzone" import trees data/trees/konstanz_baumkataster_2020.csv --db "$db" \
  --mapping mappings/konstanz-baumkataster-2020.json --report var/konstanz-problems.csv
"$rootzone" import works data/works/demo/konstanz_demo_works.geojson --db "$db" \
  --mapping mappings/rootzone-works-geojson.json
"$rootzone" import works data/works/feeds/ogc_rlp_baustelle.json --db "$db" \
  --mapping mappings/rlp-baustellen-ogc.json
"$rootzone" import works data/works/feeds/ogc_hamburg_baustellen.json --db "$db" \
  --mapping mappings/hamburg-baustellen-ogc.json

echo "== conflicts between open works and protected trees"
"$rootzone" check --db "$db"
echo "== works that clash in place and time"
"$rootzone" check --db "$db" --clashes
"$rootzone" info --db "$db"

port=${ROOTZONE_PORT:-8080}
echo "== serving the store: OGC API Features at http://127.0.0.1:$port/ (QGIS, GDAL: OAPIF:http://127.0.0.1:$port)"
echo "   try: curl 'http://127.0.0.1:$port/collections/conflicts/items?severity=critical'"
exec "$rootzone" serve --db "$db" --port "$port"
