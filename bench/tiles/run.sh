#!/usr/bin/env bash
# Vector tiles benchmark (issue 6): wrk on loopback over a fixed list of z12-z18 tiles of the
# generated city, side by side in one run:
#   rootzone cold  - `rootzone serve` with ROOTZONE_TILE_CACHE_MB=0: every request renders
#   rootzone warm  - `rootzone serve` with its cache, after one pass over the list
#   MapServer      - ../shared/peers/mapserver-serve on the trees GeoPackage (renders every time)
#   nginx          - the same bytes rootzone served, as static files (the HTTP stack's ceiling)
# The `trees` tileset is what all four serve (the GeoPackage holds only trees); the combined
# `city` tileset (zones, works, trees) is measured for rootzone too. Tile sizes per zoom come
# from the static copies. Markdown on stdout, progress on stderr.
#
#   ROOTZONE=build/app/rootzone bash bench/tiles/run.sh
# Environment: DB, GPKG, ROOTZONE, PEER (mapserver-serve), SEC (per wrk run, 5), N (tiles per
# zoom, 40), THREADS (server threads, 2), CONN (wrk connections, 50).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
DB=${DB:-$root/bench/out/city-t1000000-w10000-s4711.sqlite}
GPKG=${GPKG:-$root/bench/out/city-t1000000-s4711-trees.gpkg}
ROOTZONE=${ROOTZONE:-$root/build-bench/app/rootzone}
PEER=${PEER:-$root/../shared/peers/mapserver-serve}
SEC=${SEC:-5}; N=${N:-40}; THREADS=${THREADS:-2}; CONN=${CONN:-50}
out=$root/bench/out/tiles
rm -rf "$out"; mkdir -p "$out/static"
port_cold=18471; port_warm=18472; port_ms=18473; port_nginx=18474
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [[ -f $out/ms/lighttpd.pid ]] && "$PEER" --stop "$out/ms" >/dev/null 2>&1 || true
  [[ -f $out/nginx.pid ]] && kill "$(cat "$out/nginx.pid")" 2>/dev/null || true
}
trap cleanup EXIT
log() { echo "$*" >&2; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

"$here/tile_list.sh" "$DB" "$N" > "$out/tiles.txt"
log "tiles: $(wc -l < "$out/tiles.txt") over z12-z18"

serve() {  # port cache_mb
  ROOTZONE_TILE_CACHE_MB=$2 "$ROOTZONE" serve --db "$DB" --port "$1" --threads "$THREADS" \
    > "$out/serve-$1.out" 2> /dev/null &
  pids+=($!)
  for _ in $(seq 1 120); do curl -sf -o /dev/null "http://127.0.0.1:$1/tiles" && return; sleep 0.5; done
  log "rootzone serve on $1 did not start"; exit 1
}

# One wrk run; prints requests/s and the median latency.
bench() {  # url_prefix paths_file
  PATHS=$2 wrk -t2 -c"$CONN" -d"${SEC}s" --timeout 30s --latency -s "$here/paths.lua" "$1" > "$out/wrk.txt" 2>&1 || true
  local rps lat errs
  rps=$(sed -nE 's/^Requests\/sec: +([0-9.]+)/\1/p' "$out/wrk.txt")
  lat=$(sed -nE 's/^ +50% +([0-9.]+[a-z]+)/\1/p' "$out/wrk.txt")
  errs=$(sed -nE 's/^ +Non-2xx or 3xx responses: ([0-9]+)/\1/p' "$out/wrk.txt")
  printf '%s|%s%s' "${rps:-0}" "${lat:-?}" "${errs:+ ($errs non-2xx)}"
}

paths_for() {  # zoom tileset -> file of paths for rootzone and nginx
  awk -v z="$1" -v s="$2" '$1 == z { print "/tiles/" s "/" $1 "/" $2 "/" $3 ".mvt" }' "$out/tiles.txt" > "$out/paths-$2-$1.txt"
  echo "$out/paths-$2-$1.txt"
}

log "load before: $(load)"
serve $port_cold 0
serve $port_warm 256
"$PEER" "$GPKG" $port_ms "$out/ms" > "$out/ms.out" 2>&1
ms_map="$out/ms/peer.map"
cat > "$out/nginx.conf" <<CONF
worker_processes $THREADS;
pid $out/nginx.pid;
error_log $out/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  types { application/vnd.mapbox-vector-tile mvt; }
  server { listen 127.0.0.1:$port_nginx; root $out/static; keepalive_requests 100000; }
}
CONF

# Static copies of what rootzone serves (this pass also warms the warm server's cache).
for set in trees city; do
  while read -r z x y; do
    mkdir -p "$out/static/tiles/$set/$z/$x"
    curl -sf -o "$out/static/tiles/$set/$z/$x/$y.mvt" "http://127.0.0.1:$port_warm/tiles/$set/$z/$x/$y.mvt" || true
  done < "$out/tiles.txt"
done
nginx -c "$out/nginx.conf" -p "$out"

echo "## Vector tiles (issue 6)"
echo
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load average before: $(load)."
echo "wrk -t2 -c$CONN -d${SEC}s over $N tiles per zoom (fewer at z12-13: the city spans few tiles), servers with $THREADS threads."
echo "Tiles: $(wc -l < "$out/tiles.txt") from \`bench/tiles/tile_list.sh\` (the tiles holding every 20011th tree)."
echo
echo "### trees tileset: requests/s (median latency)"
echo
echo "| z | rootzone cold | rootzone warm | MapServer 8 | nginx static | cold / MapServer | warm / nginx |"
echo "|---|---|---|---|---|---|---|"
# From z18 down: MapServer's z12-13 tiles take seconds each, and lighttpd finishes the queued
# ones after wrk stopped, so each MapServer run is followed by a wait until it is idle again.
ms_idle() {
  local probe
  probe=$(head -1 "$out/paths-ms-18.txt")
  for _ in $(seq 1 300); do
    curl -sf -o /dev/null --max-time 1 "http://127.0.0.1:$port_ms$probe" && return
    sleep 1
  done
}
for z in 18 17 16 15 14 13 12; do
  log "trees z$z"
  p=$(paths_for $z trees)
  awk -v m="$ms_map" '{ split($0, a, "/"); sub(/\.mvt$/, "", a[6]);
    print "/mapserv?map=" m "&mode=tile&tilemode=gmap&tile=" a[5] "+" a[6] "+" a[4] "&layers=all&map.imagetype=mvt" }' "$p" > "$out/paths-ms-$z.txt"
  cold=$(bench "http://127.0.0.1:$port_cold" "$p")
  warm=$(bench "http://127.0.0.1:$port_warm" "$p")
  ms=$(bench "http://127.0.0.1:$port_ms" "$out/paths-ms-$z.txt")
  ms_idle
  ng=$(bench "http://127.0.0.1:$port_nginx" "$p")
  ratio() { awk -v a="${1%%|*}" -v b="${2%%|*}" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "-" }'; }
  fmt() { echo "${1%%|*} (${1#*|})"; }
  echo "| $z | $(fmt "$cold") | $(fmt "$warm") | $(fmt "$ms") | $(fmt "$ng") | $(ratio "$cold" "$ms") | $(ratio "$warm" "$ng") |"
done
echo
echo "### city tileset (trees, protection zones from z15, works): rootzone requests/s (median latency)"
echo
echo "| z | cold | warm | nginx static | warm / nginx |"
echo "|---|---|---|---|---|"
for z in 18 17 16 15 14 13 12; do
  log "city z$z"
  p=$(paths_for $z city)
  cold=$(bench "http://127.0.0.1:$port_cold" "$p")
  warm=$(bench "http://127.0.0.1:$port_warm" "$p")
  ng=$(bench "http://127.0.0.1:$port_nginx" "$p")
  fmt() { echo "${1%%|*} (${1#*|})"; }
  echo "| $z | $(fmt "$cold") | $(fmt "$warm") | $(fmt "$ng") | $(awk -v a="${warm%%|*}" -v b="${ng%%|*}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }') |"
done
echo
echo "### Tile sizes (bytes, uncompressed MVT) per zoom"
echo
echo "| z | trees median | trees max | city median | city max | MapServer trees median | MapServer trees max |"
echo "|---|---|---|---|---|---|---|"
stats() {  # files... -> "median|max"
  ls -l "$@" 2>/dev/null | awk '{print $5}' | sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) print "-|-"; else print a[int((NR + 1) / 2)] "|" a[NR] }'
}
for z in 18 17 16 15 14 13 12; do
  t=$(stats "$out"/static/tiles/trees/$z/*/*.mvt)
  c=$(stats "$out"/static/tiles/city/$z/*/*.mvt)
  mkdir -p "$out/ms-tiles/$z"
  i=0
  while read -r line; do
    i=$((i + 1)); curl -sf -o "$out/ms-tiles/$z/$i.mvt" "http://127.0.0.1:$port_ms$line" || true
  done < "$out/paths-ms-$z.txt"
  m=$(stats "$out"/ms-tiles/$z/*.mvt)
  echo "| $z | ${t%%|*} | ${t#*|} | ${c%%|*} | ${c#*|} | ${m%%|*} | ${m#*|} |"
done
echo
echo "Load average after: $(load)."
