#!/usr/bin/env bash
# The work preview under load (issue 14): `rootzone serve` (Release, build-bench/) on the
# generated 1M-tree city, loaded at the same time by two wrk runs on loopback:
#   previews - POST /collections/works/preview, 50 m trenches beside every 257th protected tree
#              (bench/preview/bodies.sh; 2,000 different bodies in turn, so no answer repeats)
#   tiles    - GET /tiles/city/16/x/y.mvt over the z16 tiles of bench/tiles/tile_list.sh
# Reports wrk's latency distribution (--latency, at the client) and the server's own time per
# request from its access log (bench/preview/server_latency.py), with the machine.
#
#   bash bench/run-preview.sh          # table on stdout, progress on stderr
# Environment: DB (the city store; made by bench/run-conflicts.sh or build-bench/bench/gen_city),
# ROOTZONE (build-bench/app/rootzone), SEC (30 per run), PCONN / TCONN (wrk connections of the
# previews and tiles, 4 / 4), THREADS (server threads, 2). Every load stops by itself (wrk -d).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
here=$root/bench/preview
DB=${DB:-$root/bench/out/city-t1000000-w10000-s4711.sqlite}
ROOTZONE=${ROOTZONE:-$root/build-bench/app/rootzone}
SEC=${SEC:-30}; PCONN=${PCONN:-4}; TCONN=${TCONN:-4}; THREADS=${THREADS:-2}; PORT=${PORT:-18490}
out=$root/bench/out/preview
log() { echo "$*" >&2; }
[[ -f $DB ]] || { log "no city store $DB: run bench/run-conflicts.sh (or gen_city) first"; exit 1; }
[[ -x $ROOTZONE ]] || { log "no $ROOTZONE: cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DROOTZONE_BUILD_BENCH=ON && cmake --build build-bench --target rootzone"; exit 1; }
rm -rf "$out"; mkdir -p "$out"

# A copy of the city, so the user added here never reaches the generated store.
log "copying the city"
sqlite3 "$DB" ".backup '$out/run.sqlite'"
key=$("$ROOTZONE" users add bench-contractor --role contractor --organisation "Bench Tiefbau" \
  --db "$out/run.sqlite" | grep -o 'rz_[A-Za-z0-9_-]*' | head -1)
"$here/bodies.sh" "$out/run.sqlite" 2000 > "$out/bodies.txt"
"$root/bench/tiles/tile_list.sh" "$out/run.sqlite" 400 |
  awk '$1 == 16 { print "/tiles/city/" $1 "/" $2 "/" $3 ".mvt" }' > "$out/tiles.txt"
log "bodies: $(wc -l < "$out/bodies.txt"), z16 tiles: $(wc -l < "$out/tiles.txt")"

# The limiter is not what is measured: one key asks far more than a drawing user.
"$ROOTZONE" serve --db "$out/run.sqlite" --port "$PORT" --threads "$THREADS" \
  --preview-rate 1000000 --preview-burst 1000000 > /dev/null 2> "$out/serve.log" &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 240); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/health" && break; sleep 0.5; done
base=http://127.0.0.1:$PORT
# Warm-up (not measured): the first tiles and previews.
BODIES=$out/bodies.txt KEY=$key wrk -t1 -c2 -d5s -s "$here/preview.lua" "$base" > /dev/null
PATHS=$out/tiles.txt wrk -t1 -c2 -d5s -s "$root/bench/tiles/paths.lua" "$base" > /dev/null
: > "$out/serve.log"  # the measured window only

log "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
BODIES=$out/bodies.txt KEY=$key wrk -t1 -c"$PCONN" -d"${SEC}s" --timeout 10s --latency \
  -s "$here/preview.lua" "$base" > "$out/wrk-preview.txt" 2>&1 &
wp=$!
PATHS=$out/tiles.txt wrk -t1 -c"$TCONN" -d"${SEC}s" --timeout 10s --latency \
  -s "$root/bench/tiles/paths.lua" "$base" > "$out/wrk-tiles.txt" 2>&1 &
wt=$!
sleep $((SEC / 2)); load_mid=$(cut -d' ' -f1-3 /proc/loadavg)
wait $wp $wt

# One answer checked by hand: a preview of the first body, its tree conflicts by severity.
sample=$(head -1 "$out/bodies.txt" | curl -sf -X POST "$base/collections/works/preview" \
  -H "Authorization: Bearer $key" -H 'Content-Type: application/geo+json' \
  -H 'Content-Crs: <http://www.opengis.net/def/crs/EPSG/0/25832>' --data-binary @- |
  jq -c '[.conflicts.trees[].properties.severity] | group_by(.) | map({(.[0]): length}) | add')

field() { sed -nE "s/^ +$2 +([0-9.]+[a-z]+).*/\1/p" "$1"; }
rps() { sed -nE 's/^Requests\/sec: +([0-9.]+)/\1/p' "$1"; }
non2xx() { sed -nE 's/^ +Non-2xx or 3xx responses: ([0-9]+)/\1/p' "$1"; }
echo "## Work preview under load ($(date -u +%F))"
echo
echo "Machine: $(nproc) cores ($(sed -nE 's/^model name\s*: //p' /proc/cpuinfo | head -1)), load $load_mid during the run;"
echo "store: $(basename "$DB") ($(sqlite3 "$out/run.sqlite" 'SELECT count(*) FROM trees') trees, $(sqlite3 "$out/run.sqlite" "SELECT count(*) FROM works") works); serve --threads $THREADS; ${SEC}s, previews $PCONN and tiles $TCONN wrk connections at once."
echo "A sample preview's tree conflicts: $sample"
echo
echo "| load | requests/s | wrk p50 | wrk p90 | wrk p99 | non-2xx |"
echo "|---|---|---|---|---|---|"
for f in preview tiles; do
  w=$out/wrk-$f.txt
  echo "| $f | $(rps "$w") | $(field "$w" 50%) | $(field "$w" 90%) | $(field "$w" 99%) | $(non2xx "$w") |"
done
echo
echo "At the server (access log, request read to answer ready):"
echo
echo '```'
python3 "$here/server_latency.py" "$out/serve.log" /collections/works/preview /tiles/
echo '```'
