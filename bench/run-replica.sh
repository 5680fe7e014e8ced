#!/usr/bin/env bash
# What a read replica costs per read (issue 16, docs/postgis.md "Read replicas"), in one run:
# a throw-away primary and its hot standby (scripts/pg-test-server.sh start / standby), the
# bundled Konstanz trees imported on the primary, node A `serve --db PRIMARY` and node B
# `serve --db PRIMARY --db-read STANDBY`, both on this machine; per round and request,
# `wrk -t1 -c4 --latency` against A, then B -> requests/s, p50, p99 and the CPU per request of
# the node, the primary and the standby, on stdout, as a Markdown table.
#
#   bash bench/run-replica.sh
#   SEC=5 ROUNDS=1 bash bench/run-replica.sh
#
# Environment: SEC (10), ROUNDS (2), ROOTZONE_BUILD_DIR (build), ROOTZONE (a rootzone binary to
# measure instead of the build's, for example an older commit's).
# The requests: a filtered page of trees (SQL path, about 67 KB), a cold z16 tile, and
# `works/items?limit=1` on the empty works table, a read that is almost nothing but the fence;
# the latter once more
# while another application writes to the same server (pgbench, 200 small transactions a
# second into its own table, synchronous_commit off as for a bulk load): WAL that is none of
# rootzone's.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=${ROOTZONE_BUILD_DIR:-$root/build}
rootzone=${ROOTZONE:-$build/app/rootzone}
SEC=${SEC:-10}; ROUNDS=${ROUNDS:-2}
out=$root/bench/out/replica
port_a=18581; port_b=18582
log() { echo "$*" >&2; }

rm -rf "$out"; mkdir -p "$out"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  bash "$root/scripts/pg-test-server.sh" stop "$out/standby" >&2 || true
  bash "$root/scripts/pg-test-server.sh" stop "$out/primary" >&2 || true
}
trap cleanup EXIT

bash "$root/scripts/pg-test-server.sh" start "$out/primary" >&2
admin=$(cat "$out/primary/url")
primary=${admin/\/postgres\?//rz_replica?}
psql -X -q "$admin" -c "CREATE DATABASE rz_replica"
"$rootzone" init --db "$primary" --srid 25832 >&2
"$rootzone" import trees "$root/data/trees/konstanz_baumkataster_2020.csv" --db "$primary" \
  --mapping "$root/mappings/konstanz-baumkataster-2020.json" >&2
key=$("$rootzone" users add bench-planner --role planner --db "$primary" |
  grep -oE 'rz_[^[:space:]]+' | head -1)
psql -X -q "$primary" -c "VACUUM ANALYZE"
bash "$root/scripts/pg-test-server.sh" standby "$out/standby" "$out/primary" >&2
standby_admin=$(cat "$out/standby/url")
standby=${standby_admin/\/postgres\?//rz_replica?}

serve() {  # port args...; sets served_pid
  local port=$1
  shift
  ROOTZONE_TILE_CACHE_MB=0 "$rootzone" serve --port "$port" --threads 2 --write-rate 0 \
    --write-rate-per-address 0 "$@" \
    >"$out/serve-$port.out" 2>"$out/serve-$port.err" &
  served_pid=$!
  pids+=("$served_pid")
  for _ in $(seq 1 600); do
    curl -sf -o /dev/null "http://127.0.0.1:$port/health" && return
    kill -0 "$served_pid" 2>/dev/null || { log "rootzone serve on $port exited"; exit 1; }
    sleep 0.2
  done
  log "rootzone serve on $port did not start"; exit 1
}
serve $port_a --db "$primary"
pid_a=$served_pid
serve $port_b --db "$primary" --db-read "$standby"
pid_b=$served_pid

# The z16 tile holding the most of 5,000 trees (their CRS84 points from the API), every request
# cold (ROOTZONE_TILE_CACHE_MB=0): trees, zones, works and conflicts read for each.
tile=$(curl -sf -H "Authorization: Bearer $key" \
  "http://127.0.0.1:$port_a/collections/trees/items?limit=5000" |
  grep -oE '"coordinates":\[[-0-9.]+,[-0-9.]+\]' | grep -oE '[-0-9.]+,[-0-9.]+' |
  awk -F, 'BEGIN { n = 2 ^ 16; pi = atan2(0, -1) }
    { r = $2 * pi / 180
      t = sprintf("/tiles/city/16/%d/%d.mvt", int(($1 + 180) / 360 * n),
                  int((1 - log(sin(r) / cos(r) + 1 / cos(r)) / pi) / 2 * n))
      if (++count[t] > best) { best = count[t]; tile = t } }
    END { print tile }')
paths=(
  "/collections/trees/items?filter=genus%3D%27Tilia%27&limit=100"
  "$tile"
  "/collections/works/items?limit=1"
)
psql -X -q "$admin" -c "CREATE DATABASE other_app"
other=${admin/\/postgres\?//other_app?}
psql -X -q "$other" -c "CREATE TABLE readings (at timestamptz, value float8)"
echo "INSERT INTO readings VALUES (now(), random());" >"$out/other-app.sql"
# Runs "$@" while the other application writes.
with_other_writer() {
  PGOPTIONS="-c synchronous_commit=off" /usr/lib/postgresql/15/bin/pgbench -n -c1 -R 200 \
    -T "$((SEC + 2))" -f "$out/other-app.sql" "$other" >"$out/pgbench.log" 2>&1 &
  local writer=$!
  sleep 1
  "$@"
  wait "$writer" || true
}
# The same answer from both nodes (time stamp aside), or the comparison means nothing.
for p in "${paths[@]}"; do
  for port in $port_a $port_b; do
    curl -sf -H "Authorization: Bearer $key" "http://127.0.0.1:$port$p" |
      sed -E 's/"timeStamp":"[^"]*"//; s/127.0.0.1:[0-9]+//g' >"$out/answer-$port"
  done
  [[ -s $out/answer-$port_a ]] && cmp -s "$out/answer-$port_a" "$out/answer-$port_b" ||
    { log "node A and B answer $p differently"; exit 1; }
done
curl -sf -H "Authorization: Bearer $key" -o "$out/tile.mvt" "http://127.0.0.1:$port_a$tile"
log "tile $tile: $(wc -c <"$out/tile.mvt") bytes from each node"

primary_pm=$(head -1 "$(cat "$out/primary/data")/cluster/postmaster.pid")
standby_pm=$(head -1 "$(cat "$out/standby/data")/cluster/postmaster.pid")
hz=$(getconf CLK_TCK)
ticks() { awk '{ s += $14 + $15 } END { print s + 0 }' "$@" 2>/dev/null || echo 0; }
server_ticks() {  # a postmaster and its children (the nodes' backends among them)
  local files=("/proc/$1/stat") c
  for c in $(pgrep -P "$1"); do [[ -r /proc/$c/stat ]] && files+=("/proc/$c/stat"); done
  ticks "${files[@]}"
}
per_request() { awk -v t="$1" -v n="$2" -v hz="$hz" 'BEGIN {printf "%.0f", n ? t * 1e6 / hz / n : 0}'; }

# One wrk run: "rps p50 p99 node_us primary_us standby_us" (CPU per request, user + system).
bench() {  # port node_pid path
  echo "$3" >"$out/path.txt"
  local n0 p0 s0 n1 p1 s1
  n0=$(ticks "/proc/$2/stat"); p0=$(server_ticks "$primary_pm"); s0=$(server_ticks "$standby_pm")
  PATHS="$out/path.txt" KEY="$key" wrk -t1 -c4 -d"${SEC}s" --timeout 10s --latency \
    -s "$here/nodes/get.lua" "http://127.0.0.1:$1" >"$out/wrk.txt" 2>&1 || true
  n1=$(ticks "/proc/$2/stat"); p1=$(server_ticks "$primary_pm"); s1=$(server_ticks "$standby_pm")
  local rps p50 p99 reqs
  rps=$(sed -nE 's/^Requests\/sec: +([0-9.]+)/\1/p' "$out/wrk.txt")
  p50=$(sed -nE 's/^ +50% +([0-9.]+[a-z]+)/\1/p' "$out/wrk.txt")
  p99=$(sed -nE 's/^ +99% +([0-9.]+[a-z]+)/\1/p' "$out/wrk.txt")
  reqs=$(sed -nE 's/^ +([0-9]+) requests in.*/\1/p' "$out/wrk.txt")
  reqs=${reqs:-0}
  echo "${rps:-0} ${p50:-?} ${p99:-?} $(per_request $((n1 - n0)) "$reqs")" \
    "$(per_request $((p1 - p0)) "$reqs") $(per_request $((s1 - s0)) "$reqs")"
}

echo "## Read replicas: node A on the primary alone, node B reading from a hot standby"
echo
echo "Machine: $(nproc) cores, $(grep -m1 "model name" /proc/cpuinfo | cut -d: -f2 | sed "s/^ //"); PostgreSQL $(psql -X -At "$admin" -c 'SHOW server_version') (primary and standby on the same cores, fsync off); commit $(git -C "$root" rev-parse --short HEAD); ${SEC}s per run, wrk -t1 -c4."
echo
echo "CPU per request (user + system over the run, divided by wrk's requests): the node, the primary's server (postmaster and all its processes, pgbench's backend included when it writes) and the standby's."
echo
echo "| round | request | load before | A: requests/s, p50, p99 | A: CPU µs/request node, primary, standby | B: requests/s, p50, p99 | B: CPU µs/request node, primary, standby |"
echo "|---|---|---|---|---|---|---|"
for round in $(seq 1 "$ROUNDS"); do
  for run in 0 1 2 3; do
    p=${paths[$((run < 3 ? run : 2))]}
    wrap=()
    label="\`$p\`"
    if ((run == 3)); then
      wrap=(with_other_writer)
      label="$label, another application writing"
    fi
    before_load=$(cut -d' ' -f1-3 /proc/loadavg)
    read -r ra la ta na pa sa <<<"$("${wrap[@]}" bench $port_a "$pid_a" "$p")"
    read -r rb lb tb nb pb sb <<<"$("${wrap[@]}" bench $port_b "$pid_b" "$p")"
    echo "| $round | $label | $before_load | $ra, $la, $ta | $na, $pa, $sa | $rb, $lb, $tb | $nb, $pb, $sb |"
  done
done
