#!/usr/bin/env bash
# Per-request costs of a node on PostGIS against a node on SpatiaLite (issue 16), same city,
# same machine, one `rootzone serve --threads 2` each, rounds alternating the stores:
#
#   items   - the 40 bbox pages of bench/api/bboxes.txt (300 m, limit=100), wrk -t1 -c8
#   tiles   - 40 z16 city tiles, the planner's view (trees, zones, works, conflicts), rendered
#             for every request (ROOTZONE_TILE_CACHE_MB=0: cold), wrk -t1 -c4
#   submit  - work submissions (bench/nodes/submit.lua: a 30 m trench at a random place, its
#             conflicts against every tree and clashes with every work), wrk -t1 -c4
#
# For each run: requests/s, p50, and the CPU per request (user + system from /proc/PID/stat
# before and after, over wrk's request count) of the node and of the database server (the
# postmaster and all its children: the node's backends, walwriter, checkpointer, autovacuum);
# on SpatiaLite the database is inside the node.
#
#   CITY=bench/out/city-t1000000-w10000-s4711.sqlite SEC=10 ROUNDS=2 bash bench/run-nodes.sh
#
# CITY: a SpatiaLite city of bench/gen_city (made with TREES/WORKS/SEED when missing); it is
# copied, never changed, and copied exactly into a throw-away PostgreSQL 15 with PostGIS
# (scripts/pg-test-server.sh, fsync off, on the same cores). Both copies get `rootzone check`
# (zones and conflicts stored) before the nodes start.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=${ROOTZONE_BUILD_DIR:-$root/build}
ROOTZONE=${ROOTZONE:-$build/app/rootzone}
trees=${TREES:-1000000}; works=${WORKS:-10000}; seed=${SEED:-4711}
CITY=${CITY:-$root/bench/out/city-t${trees}-w${works}-s${seed}.sqlite}
SEC=${SEC:-10}; ROUNDS=${ROUNDS:-2}; THREADS=${THREADS:-2}
out=$root/bench/out/nodes
port_lite=18491; port_pg=18492
log() { echo "$*" >&2; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

if [[ ! -f $CITY ]]; then
  log "== generating $CITY"
  mkdir -p "$(dirname "$CITY")"
  "$build/bench/gen_city" --out "$CITY.part" --trees "$trees" --works "$works" --seed "$seed" >&2
  mv "$CITY.part" "$CITY"
fi
rm -rf "$out"; mkdir -p "$out"
pids=()
server=$out/pg
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  bash "$root/scripts/pg-test-server.sh" stop "$server" >&2 || true
}
trap cleanup EXIT

cp "$CITY" "$out/city.sqlite"
lite=$out/city.sqlite
bash "$root/scripts/pg-test-server.sh" start "$server" >&2
admin=$(cat "$server/url")
pg=${admin/\/postgres\?//rz_nodes?}
psql -X -q "$admin" -c "CREATE DATABASE rz_nodes"
srid=$(sqlite3 "$lite" "SELECT value FROM store_meta WHERE key = 'srid'")
"$ROOTZONE" init --db "$pg" --srid "$srid" >&2

log "== copying the city into PostGIS"
# As bench/run-conflicts-pg.sh: NULL as \N, reals with 17 significant digits, geometries as WKB.
real() { echo "CASE WHEN $1 IS NULL THEN NULL ELSE printf('%!.17g', $1) END"; }
export_csv() { sqlite3 -batch -csv -cmd '.load mod_spatialite' -cmd '.nullvalue \\N' "$lite" "$1"; }
export_csv "SELECT id, source_id, site, district, species_botanical, species_german, genus,
  $(real crown_diameter_m), $(real height_m), planting_year, vitality, development_phase,
  last_inspection, next_inspection, status, felled_on, columnar, is_protected, protection_source,
  protection_reason, version, updated_at, hex(AsBinary(location)), stems_cm FROM trees" \
  >"$out/pg-trees.csv"
export_csv "SELECT tree_id, stem_no, $(real circumference_cm) FROM tree_stems" >"$out/pg-stems.csv"
export_csv "SELECT id, reference, title, contractor, contact, kind, $(real width_m), $(real radius_m),
  $(real depth_m), starts_at, ends_at, status, source, version, updated_at, hex(AsBinary(geometry))
  FROM works" >"$out/pg-works.csv"
psql -X -q -v ON_ERROR_STOP=1 "$pg" <<SQL
BEGIN;
CREATE TEMP TABLE t_in (LIKE trees INCLUDING DEFAULTS);
ALTER TABLE t_in ALTER COLUMN location TYPE text;
\copy t_in (id, source_id, site, district, species_botanical, species_german, genus, crown_diameter_m, height_m, planting_year, vitality, development_phase, last_inspection, next_inspection, status, felled_on, columnar, is_protected, protection_source, protection_reason, version, updated_at, location, stems_cm) FROM '$out/pg-trees.csv' (FORMAT csv, NULL '\N')
INSERT INTO trees SELECT id, source_id, site, district, species_botanical, species_german, genus,
  crown_diameter_m, height_m, planting_year, vitality, development_phase, last_inspection,
  next_inspection, status, felled_on, columnar, is_protected, protection_source, protection_reason,
  version, updated_at, ST_GeomFromWKB(decode(location, 'hex'), $srid), stems_cm FROM t_in;
\copy tree_stems (tree_id, stem_no, circumference_cm) FROM '$out/pg-stems.csv' (FORMAT csv, NULL '\N')
CREATE TEMP TABLE w_in (LIKE works INCLUDING DEFAULTS);
ALTER TABLE w_in ALTER COLUMN geometry TYPE text;
\copy w_in (id, reference, title, contractor, contact, kind, width_m, radius_m, depth_m, starts_at, ends_at, status, source, version, updated_at, geometry) FROM '$out/pg-works.csv' (FORMAT csv, NULL '\N')
INSERT INTO works SELECT id, reference, title, contractor, contact, kind, width_m, radius_m,
  depth_m, starts_at, ends_at, status, source, version, updated_at,
  ST_GeomFromWKB(decode(geometry, 'hex'), $srid) FROM w_in;
\o /dev/null
SELECT setval(pg_get_serial_sequence('trees', 'id'), (SELECT max(id) FROM trees));
SELECT setval(pg_get_serial_sequence('works', 'id'), (SELECT max(id) FROM works));
\o
COMMIT;
VACUUM ANALYZE;
SQL
rm -f "$out/pg-trees.csv" "$out/pg-stems.csv" "$out/pg-works.csv"

log "== rootzone check on both stores (zones and conflicts stored)"
"$ROOTZONE" check --db "$lite" >/dev/null
"$ROOTZONE" check --db "$pg" >/dev/null
psql -X -q "$pg" -c "VACUUM ANALYZE"
key_of() { grep -oE 'rz_[^[:space:]]+' | head -1; }
for db in "$lite" "$pg"; do
  name=$([[ $db == "$lite" ]] && echo lite || echo pg)
  "$ROOTZONE" users add "bench-contractor" --role contractor --organisation "Bench Tiefbau" \
    --db "$db" | key_of > "$out/contractor-$name.key"
  "$ROOTZONE" users add "bench-planner" --role planner --db "$db" | key_of > "$out/planner-$name.key"
done

serve() {  # port db; sets served_pid (not in a subshell: the pid must reach cleanup)
  local port=$1 db=$2
  if curl -sf -o /dev/null "http://127.0.0.1:$port/health"; then
    log "port $port is taken by another server"; exit 1
  fi
  ROOTZONE_TILE_CACHE_MB=0 "$ROOTZONE" serve --db "$db" --port "$port" --threads "$THREADS" \
    --write-rate 0 --write-rate-per-address 0 > "$out/serve-$port.out" 2> "$out/serve-$port.err" &
  served_pid=$!
  pids+=("$served_pid")
  local started; started=$(date +%s)
  for _ in $(seq 1 1200); do
    if curl -sf -o /dev/null "http://127.0.0.1:$port/health"; then
      log "rootzone on $port up after $(($(date +%s) - started)) s"
      return
    fi
    kill -0 "$served_pid" 2>/dev/null || { log "rootzone serve on $port exited"; exit 1; }
    sleep 0.5
  done
  log "rootzone serve on $port did not start"; exit 1
}
serve $port_lite "$lite"; pid_lite=$served_pid
serve $port_pg "$pg"; pid_pg=$served_pid
postmaster=$(head -1 "$(cat "$server/data")/cluster/postmaster.pid")

# The same 40 pages from both nodes must be the same bytes but for the time stamp.
prefix='/collections/trees/items?limit=100&bbox='
grep -E '^[-0-9]' "$here/api/bboxes.txt" | awk -v p="$prefix" '{ print p $0 }' > "$out/items.txt"
differ=0; n=0
strip() { sed -E 's/"timeStamp":"[^"]*"//' "$1"; }
while read -r p; do
  n=$((n + 1))
  curl -sf -H "Host: 127.0.0.1" -o "$out/a.json" "http://127.0.0.1:$port_lite$p" || true
  curl -sf -H "Host: 127.0.0.1" -o "$out/b.json" "http://127.0.0.1:$port_pg$p" || true
  [[ "$(strip "$out/a.json")" == "$(strip "$out/b.json")" ]] || differ=$((differ + 1))
done < "$out/items.txt"
log "items: $n pages, $differ differ between the stores"
"$here/tiles/tile_list.sh" "$lite" 40 | awk '$1 == 16 { print "/tiles/city/" $1 "/" $2 "/" $3 ".mvt" }' \
  | head -40 > "$out/tiles.txt"
tiles_differ=0
while read -r p; do
  curl -sf -H "Authorization: Bearer $(cat "$out/planner-lite.key")" -o "$out/a.mvt" "http://127.0.0.1:$port_lite$p" || true
  curl -sf -H "Authorization: Bearer $(cat "$out/planner-pg.key")" -o "$out/b.mvt" "http://127.0.0.1:$port_pg$p" || true
  cmp -s "$out/a.mvt" "$out/b.mvt" || tiles_differ=$((tiles_differ + 1))
done < "$out/tiles.txt"
log "tiles: $(wc -l < "$out/tiles.txt") at z16, $tiles_differ differ between the stores"

ticks() { awk '{ s += $14 + $15 } END { print s + 0 }' "$@" 2>/dev/null || echo 0; }
node_ticks() { ticks "/proc/$1/stat"; }
db_ticks() {  # the postmaster and its children
  local files=("/proc/$postmaster/stat")
  for c in $(pgrep -P "$postmaster"); do [[ -r /proc/$c/stat ]] && files+=("/proc/$c/stat"); done
  ticks "${files[@]}"
}
hz=$(getconf CLK_TCK)
# One wrk run: "rps p50 node_us db_us requests non2xx".
bench() {  # store work
  local store=$1 work=$2 port pid key threads=1 conns script env=()
  [[ $store == lite ]] && { port=$port_lite; pid=$pid_lite; } || { port=$port_pg; pid=$pid_pg; }
  case $work in
    items) conns=8; script=get.lua; env=(PATHS="$out/items.txt") ;;
    tiles) conns=4; script=get.lua; env=(PATHS="$out/tiles.txt" KEY="$(cat "$out/planner-$store.key")") ;;
    submit) conns=4; script=submit.lua
      env=(KEY="$(cat "$out/contractor-$store.key")" PREFIX="B$RANDOM$RANDOM") ;;
  esac
  local n0 d0 n1 d1
  n0=$(node_ticks "$pid"); d0=$(db_ticks)
  env "${env[@]}" wrk -t$threads -c$conns -d"${SEC}s" --timeout 30s --latency \
    -s "$here/nodes/$script" "http://127.0.0.1:$port" > "$out/wrk.txt" 2>&1 || true
  n1=$(node_ticks "$pid"); d1=$(db_ticks)
  local rps lat reqs non2xx node_us db_us="-"
  rps=$(sed -nE 's/^Requests\/sec: +([0-9.]+)/\1/p' "$out/wrk.txt")
  lat=$(sed -nE 's/^ +50% +([0-9.]+[a-z]+)/\1/p' "$out/wrk.txt")
  reqs=$(sed -nE 's/^ +([0-9]+) requests in.*/\1/p' "$out/wrk.txt")
  non2xx=$(sed -nE 's/^ +Non-2xx or 3xx responses: +([0-9]+)/\1/p' "$out/wrk.txt")
  reqs=${reqs:-0}
  if (( reqs > 0 )); then
    node_us=$(( (n1 - n0) * 1000000 / hz / reqs ))
    [[ $store == pg ]] && db_us=$(( (d1 - d0) * 1000000 / hz / reqs ))
  else
    node_us="-"
  fi
  echo "${rps:-0} ${lat:-?} $node_us $db_us $reqs ${non2xx:-0}"
}

echo "## Per-request costs of a node, PostGIS against SpatiaLite (issue 16)"
echo
echo "Machine: $(nproc) cores, $(grep -m1 "model name" /proc/cpuinfo | cut -d: -f2 | sed "s/^ //"); PostgreSQL $(psql -X -At "$admin" -c 'SHOW server_version'), PostGIS $(psql -X -At "$pg" -c 'SELECT postgis_lib_version()') on the same cores (fsync off); rootzone serve --threads $THREADS, tile cache off; ${SEC}s per run."
echo "City: $CITY ($(sqlite3 "$lite" 'SELECT count(*) FROM trees') trees, $(sqlite3 "$lite" 'SELECT count(*) FROM works') works, $(sqlite3 "$lite" 'SELECT count(*) FROM tree_work_conflicts') tree conflicts after check)."
echo "Items: $n pages, $differ of them differ between the stores (time stamp aside). Tiles: $(wc -l < "$out/tiles.txt") z16 city tiles, planner's view, $tiles_differ differ between the stores."
echo
echo "| round | work | store | load before | requests/s | p50 | node CPU µs/request | database server CPU µs/request | requests | non-2xx |"
echo "|---|---|---|---|---|---|---|---|---|---|"
: > "$out/results.txt"
for r in $(seq 1 "$ROUNDS"); do
  order=(lite pg); (( r % 2 == 0 )) && order=(pg lite)
  for work in items tiles submit; do
    for store in "${order[@]}"; do
      l=$(load)
      read -r rps lat node_us db_us reqs non2xx <<< "$(bench "$store" "$work")"
      name=$([[ $store == lite ]] && echo SpatiaLite || echo PostGIS)
      echo "| $r | $work | $name | $l | $rps | $lat | $node_us | $db_us | $reqs | $non2xx |"
      echo "$work $store $rps $node_us $db_us" >> "$out/results.txt"
    done
  done
done
echo
echo "Medians over the rounds; ratio PostGIS / SpatiaLite (requests/s; CPU per request of node + database server):"
echo
echo "| work | SpatiaLite req/s | PostGIS req/s | req/s ratio | SpatiaLite node µs | PostGIS node µs | PostGIS database µs | CPU ratio |"
echo "|---|---|---|---|---|---|---|---|"
median() {  # work store column
  awk -v w="$1" -v s="$2" -v c="$3" '$1 == w && $2 == s { print $c }' "$out/results.txt" | sort -g |
    awk '{ a[NR] = $1 } END { if (NR == 0) print 0; else print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
for work in items tiles submit; do
  lr=$(median $work lite 3); pr=$(median $work pg 3)
  ln=$(median $work lite 4); pn=$(median $work pg 4); pd=$(median $work pg 5)
  echo "| $work | $lr | $pr | $(awk -v a="$pr" -v b="$lr" 'BEGIN { printf "%.2fx", (b > 0) ? a / b : 0 }') | $ln | $pn | $pd | $(awk -v a="$pn" -v d="$pd" -v b="$ln" 'BEGIN { printf "%.2fx", (b > 0) ? (a + d) / b : 0 }') |"
done
echo
echo "Load after: $(load). Works submitted: SpatiaLite $(sqlite3 "$lite" 'SELECT count(*) FROM works'), PostGIS $(psql -X -At "$pg" -c 'SELECT count(*) FROM works')."
