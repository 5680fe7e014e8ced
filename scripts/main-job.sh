#!/usr/bin/env bash
# The main job of the README: installs, builds, creates the default store, imports the bundled
# sample (Konstanz tree cadastre, demo works, two real German roadworks feeds), runs the
# conflict check and serves the store. Running it again reuses the store: re-imports change
# nothing and say so.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-debian.sh
bash scripts/npm-install.sh  # the map page is bundled from web/'s npm packages at build time
# shellcheck source=scripts/node-path.sh
source scripts/node-path.sh  # Node.js 20 from tools/node where the machine's is older
ROOTZONE_BUILD_TARGET=rootzone bash scripts/build.sh  # the tests are the test command's
rootzone=build/app/rootzone
db=${ROOTZONE_DB:-var/rootzone.sqlite}
mkdir -p "$(dirname "$db")" var  # var/: problem reports and demo responses
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
echo "== the ordinance in force (rule set) and its citation"
"$rootzone" rules list --db "$db"
echo "== what Berlin's ordinance would change here: a dry run, nothing is written"
"$rootzone" rules use berlin --dry-run --db "$db"

# Demo users, once per store: their keys are printed once by `rootzone users add`, so the job
# keeps them in a file only its owner can read. A keys file left from a store that was deleted
# since holds keys the new store does not know: made again then.
keys=${db%.sqlite}-demo-keys.env
if [[ ! -f $keys ]] || ! "$rootzone" users list --db "$db" | grep -q '^demo-planner'; then
  key_of() { sed -n 's/^key for .*: \(rz_[^ ]*\)$/\1/p'; }
  (
    umask 077
    {
      echo "PLANNER_KEY=$("$rootzone" users add demo-planner --role planner --db "$db" | key_of)"
      echo "FIELD_KEY=$("$rootzone" users add demo-field --role field_staff --db "$db" | key_of)"
      echo "CONTRACTOR_KEY=$("$rootzone" users add demo-stadtwerke --role contractor \
        --organisation "Stadtwerke Konstanz" --db "$db" | key_of)"
    } >"$keys"
  )
  echo "== demo users added (keys in $keys):"
  "$rootzone" users list --db "$db"
fi
# shellcheck disable=SC1090
source "$keys"

port=${ROOTZONE_PORT:-8080}
base=http://127.0.0.1:$port
"$rootzone" serve --db "$db" --port "$port" &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server' INT TERM
for _ in $(seq 100); do
  curl -sf "$base/health" >/dev/null && break
  kill -0 $server 2>/dev/null || exit 1
  sleep 0.1
done

echo "== a contractor submits a pit 1.5 m from a protected plane tree: the answer carries its conflicts"
submission='{"type": "Feature",
  "geometry": {"type": "Point", "coordinates": [9.18964, 47.67930]},
  "properties": {"reference": "KN-2027-DEMO", "title": "Hausanschluss Fernwärme",
    "kind": "pit", "radius_m": 2.0, "depth_m": 1.8, "contact": "bauleitung@example.invalid",
    "starts_at": "2027-04-01T07:00:00+02:00", "ends_at": "2027-04-20T17:00:00+02:00"}}'
echo "   first the preview the map page asks while the contractor draws (nothing is stored):"
curl -s -o var/demo-preview.json -w "   POST /collections/works/preview: %{http_code}\n" \
  -H "Authorization: Bearer $CONTRACTOR_KEY" -H "Content-Type: application/geo+json" \
  -d "$submission" "$base/collections/works/preview"
grep -o '"severity":"[a-z]*"' var/demo-preview.json | sort | uniq -c | sed 's/^ */     would conflict: /' || true
grep -o '"clear_by_m":{[^}]*}' var/demo-preview.json | sed 's/^/     to move: /' || true
curl -s -D var/demo-submission.headers -o var/demo-submission.json \
  -w "POST /collections/works/items: %{http_code}\n" \
  -H "Authorization: Bearer $CONTRACTOR_KEY" -H "Content-Type: application/geo+json" \
  -d "$submission" "$base/collections/works/items"
grep -o '"severity":"[a-z]*"' var/demo-submission.json | sort | uniq -c | sed 's/^ */  tree conflicts: /' || true
grep -o '"rule":"[^"]*"' var/demo-submission.json | sed 's/^/  /' || true
grep -o '"detail":"[^"]*"' var/demo-submission.json || true

# The work's id: from Location when it was created now, from the 409 when an earlier run did.
work_id=$(sed -n 's|^Location: .*/collections/works/items/\([0-9]*\).*|\1|p' var/demo-submission.headers)
[[ -n $work_id ]] || work_id=$(grep -o 'already used by work [0-9]*' var/demo-submission.json | grep -o '[0-9]*$')

echo "== the planner's review queue: submitted works, worst conflict first"
curl -s -H "Authorization: Bearer $PLANNER_KEY" \
  "$base/collections/works/overview?status=submitted&limit=3" |
  grep -o '"reference":"[^"]*"\|"worst":[a-z"]*' | paste - - | sed 's/^/  /' || true

echo "== the planner approves work $work_id with conditions; the statement for the permit"
etag=$(curl -s -o /dev/null -D - -H "Authorization: Bearer $PLANNER_KEY" \
  "$base/collections/works/items/$work_id" | sed -n 's/^ETag: *\(.*\)\r$/\1/ip')
curl -s -o /dev/null -w "  POST .../items/$work_id/status (approved): %{http_code}\n" \
  -H "Authorization: Bearer $PLANNER_KEY" -H "Content-Type: application/json" -H "If-Match: $etag" \
  -d '{"to": "approved", "conditions": "Handschachtung im Wurzelbereich; Wurzelschutz nach DIN 18920"}' \
  "$base/collections/works/items/$work_id/status"
curl -s -o var/demo-statement.html \
  -w "  GET .../items/$work_id/statement: %{http_code}, %{size_download} bytes (var/demo-statement.html)\n" \
  -H "Authorization: Bearer $PLANNER_KEY" "$base/collections/works/items/$work_id/statement"

echo "== who may see what: the conflicts collection"
for who in public field planner; do
  case $who in
    public) auth=() ;;
    field) auth=(-H "Authorization: Bearer $FIELD_KEY") ;;
    planner) auth=(-H "Authorization: Bearer $PLANNER_KEY") ;;
  esac
  curl -s -o /dev/null -w "  $who: %{http_code}\n" "${auth[@]}" "$base/collections/conflicts/items?limit=1"
done

echo "== the vector tile around that tree (z15), as map clients fetch it"
curl -s -o /dev/null -w "  /tiles/city/15/17220/11434.mvt: %{http_code}, %{size_download} bytes\n" \
  -H "Authorization: Bearer $PLANNER_KEY" "$base/tiles/city/15/17220/11434.mvt"

echo "== a backup while the server runs (docs/RELIABILITY.md \"Backups\": how to restore)"
"$rootzone" backup --db "$db" --out var/rootzone-backup.sqlite --force

echo "== serving $db: OGC API Features at $base/ (QGIS, GDAL: OAPIF:$base), tiles at $base/tiles/city.json"
echo "   the map page: $base/map  (sign in with an API key: field staff $FIELD_KEY,"
echo "   planner $PLANNER_KEY, contractor $CONTRACTOR_KEY)"
echo "   API keys of the demo users: $keys (send as 'Authorization: Bearer ...'); Ctrl-C stops"
wait $server
