#!/usr/bin/env bash
# At the speed of the wire (issue 18): rootzone beside nginx serving the same bytes as files.
#
#   items  - the 40 bbox pages of bench/api/bboxes.txt (300 m, limit=100) on the 1M-tree city,
#            wrk -t1 -c8: rootzone from memory, rootzone with ROOTZONE_ITEMS_FROM_SQL=1 (the
#            SQL path), nginx serving each page's bytes as a file
#   tiles  - 40 z16 city tiles from rootzone's cache, wrk -t2 -c50, and nginx with their files
#
# ROUNDS rounds, alternating the servers within each (the machine is shared: say the load).
# Also the RssAnon of the memory server (/proc/PID/status) after start and after the load, and
# the server CPU per request (user + system over wrk's requests).
#
#   CITY=bench/out/city-t1000000-w10000-s4711.sqlite bash bench/run-wire.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
ROOTZONE=${ROOTZONE:-$root/build/app/rootzone}
CITY=${CITY:-$root/bench/out/city-t1000000-w10000-s4711.sqlite}
SEC=${SEC:-10}; ROUNDS=${ROUNDS:-2}; THREADS=${THREADS:-2}
out=$root/bench/out/wire
rm -rf "$out"; mkdir -p "$out/static/items"
port_mem=18481; port_sql=18482; port_nginx=18483
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [[ -f $out/nginx.pid ]] && kill "$(cat "$out/nginx.pid")" 2>/dev/null || true
}
trap cleanup EXIT
log() { echo "$*" >&2; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

cp "$CITY" "$out/city.sqlite"
serve() {  # port [env...]; sets served_pid (not in a subshell: the pid must reach cleanup)
  local port=$1; shift
  if curl -sf -o /dev/null "http://127.0.0.1:$port/health"; then
    log "port $port is taken by another server"; exit 1
  fi
  env "$@" "$ROOTZONE" serve --db "$out/city.sqlite" --port "$port" --threads "$THREADS" \
    > "$out/serve-$port.out" 2> "$out/serve-$port.err" &
  served_pid=$!
  pids+=("$served_pid")
  local started; started=$(date +%s)
  for _ in $(seq 1 600); do
    if curl -sf -o /dev/null "http://127.0.0.1:$port/health"; then
      log "rootzone on $port up after $(($(date +%s) - started)) s"
      return
    fi
    kill -0 "$served_pid" 2>/dev/null || { log "rootzone serve on $port exited"; exit 1; }
    sleep 0.5
  done
  log "rootzone serve on $port did not start"; exit 1
}
rss_anon() { awk '/^RssAnon/ { print $2 " " $3 }' "/proc/$1/status"; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

serve $port_mem; pid_mem=$served_pid
rss_start=$(rss_anon "$pid_mem")
serve $port_sql ROOTZONE_ITEMS_FROM_SQL=1; pid_sql=$served_pid

# The pages and tiles, fetched once from the memory server, become nginx's files; the same
# pages from the SQL server must be the same bytes but for the time stamp.
prefix='/collections/trees/items?limit=100&bbox='
: > "$out/items-rootzone.txt"; : > "$out/items-nginx.txt"
n=0; differ=0
while read -r box; do
  n=$((n + 1))
  # One Host for both, as wrk sends it: the pages' links carry it.
  curl -sf -H "Host: 127.0.0.1" -o "$out/static/items/$n.json" "http://127.0.0.1:$port_mem$prefix$box"
  curl -sf -H "Host: 127.0.0.1" -o "$out/sql-$n.json" "http://127.0.0.1:$port_sql$prefix$box"
  strip() { sed -E 's/"timeStamp":"[^"]*"//' "$1"; }
  if [[ "$(strip "$out/static/items/$n.json")" != "$(strip "$out/sql-$n.json")" ]]; then
    differ=$((differ + 1))
  fi
  echo "$prefix$box" >> "$out/items-rootzone.txt"
  echo "/items/$n.json" >> "$out/items-nginx.txt"
done < <(grep -E '^[-0-9]' "$here/api/bboxes.txt")
log "items: $n pages, $differ differ between memory and SQL"

"$here/tiles/tile_list.sh" "$out/city.sqlite" 40 | awk '$1 == 16' | head -40 > "$out/tiles.txt"
: > "$out/tiles-paths.txt"
while read -r z x y; do
  p="/tiles/city/$z/$x/$y.mvt"
  mkdir -p "$out/static/tiles/city/$z/$x"
  curl -sf -o "$out/static$p" "http://127.0.0.1:$port_mem$p" || true
  echo "$p" >> "$out/tiles-paths.txt"
done < "$out/tiles.txt"
log "tiles: $(wc -l < "$out/tiles-paths.txt") at z16"

cat > "$out/nginx.conf" <<CONF
worker_processes $THREADS;
pid $out/nginx.pid;
error_log $out/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  types { application/vnd.mapbox-vector-tile mvt; application/geo+json json; }
  server { listen 127.0.0.1:$port_nginx; root $out/static; keepalive_requests 100000; }
}
CONF
nginx -c "$out/nginx.conf" -p "$out"

# One wrk run: "rps p50 cpu_us_per_request" (cpu only for a rootzone pid).
bench() {  # threads conns url paths_file [pid]
  local t0=0
  [[ -n ${5:-} ]] && t0=$(cpu_ticks "$5")
  PATHS=$4 wrk -t"$1" -c"$2" -d"${SEC}s" --timeout 30s --latency -s "$here/tiles/paths.lua" "$3" \
    > "$out/wrk.txt" 2>&1 || true
  local rps lat reqs cpu="-"
  rps=$(sed -nE 's/^Requests\/sec: +([0-9.]+)/\1/p' "$out/wrk.txt")
  lat=$(sed -nE 's/^ +50% +([0-9.]+[a-z]+)/\1/p' "$out/wrk.txt")
  reqs=$(sed -nE 's/^ +([0-9]+) requests in.*/\1/p' "$out/wrk.txt")
  if [[ -n ${5:-} && -n $reqs && $reqs -gt 0 ]]; then
    cpu=$(( ($(cpu_ticks "$5") - t0) * 1000000 / $(getconf CLK_TCK) / reqs ))
  fi
  grep -q "Non-2xx" "$out/wrk.txt" && log "non-2xx answers: $(grep Non-2xx "$out/wrk.txt")"
  echo "${rps:-0} ${lat:-?} $cpu"
}

echo "## At the speed of the wire (issue 18)"
echo
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); rootzone serve --threads $THREADS, nginx worker_processes $THREADS; ${SEC}s per run."
echo "Items: $n pages ($(wc -c < "$out/static/items/1.json") bytes the first), $differ of them differ between memory and SQL (time stamp aside)."
echo "Tiles: $(wc -l < "$out/tiles-paths.txt") z16 city tiles (public view, no gzip: wrk sends no Accept-Encoding)."
echo
echo "| round | work | server | load before | requests/s | p50 | server CPU µs/request |"
echo "|---|---|---|---|---|---|---|"
for r in $(seq 1 "$ROUNDS"); do
  for run in items-mem items-sql items-nginx tiles-rootzone tiles-nginx; do
    l=$(load)
    case $run in
      items-mem) res=$(bench 1 8 "http://127.0.0.1:$port_mem" "$out/items-rootzone.txt" "$pid_mem") ;;
      items-sql) res=$(bench 1 8 "http://127.0.0.1:$port_sql" "$out/items-rootzone.txt" "$pid_sql") ;;
      items-nginx) res=$(bench 1 8 "http://127.0.0.1:$port_nginx" "$out/items-nginx.txt") ;;
      tiles-rootzone) res=$(bench 2 50 "http://127.0.0.1:$port_mem" "$out/tiles-paths.txt" "$pid_mem") ;;
      tiles-nginx) res=$(bench 2 50 "http://127.0.0.1:$port_nginx" "$out/tiles-paths.txt") ;;
    esac
    read -r rps lat cpu <<< "$res"
    echo "| $r | ${run%%-*} | ${run#*-} | $l | $rps | $lat | $cpu |"
    echo "$r ${run} $rps" >> "$out/rps.txt"
  done
done
echo
echo "Medians over the rounds and ratios to nginx:"
echo
echo "| work | rootzone | nginx | ratio |"
echo "|---|---|---|---|"
median() { grep " $1 " "$out/rps.txt" | awk '{ print $3 }' | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
for w in items-mem items-sql tiles-rootzone; do
  ng=$(median "${w%%-*}-nginx"); rz=$(median "$w")
  echo "| ${w} | $rz | $ng | $(awk -v a="$rz" -v b="$ng" 'BEGIN { printf "%.2fx", a / b }') |"
done
echo
echo "RssAnon of the memory server: $rss_start after start, $(rss_anon "$pid_mem") after the load; the SQL-path server: $(rss_anon "$pid_sql"). Load after: $(load)."
