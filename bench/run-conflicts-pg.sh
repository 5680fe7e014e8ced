#!/usr/bin/env bash
# `rootzone check` on PostGIS against the same SQL spatial join written for PostGIS
# (bench/sql_join_pg.sql: ST_DWithin on the GiST index of trees.location, with a search
# distance that reaches every zone), issue 16. Alternating rounds on one throw-away server:
#   once: the state an import leaves, kept as a template database: `rootzone init` +
#         `rootzone import trees` of the city's CSV (which stores the trees' zones), the city's
#         works copied in with exact values, no conflicts
#   round i: a fresh copy of it -> check (first after the import) -> join -> check -> join
# NO_ZONES=1 deletes the zones the import stored from each copy (the check draws and stores
# every zone, as after an import before imports stored them).
#
#   bash bench/run-conflicts-pg.sh
#   TREES=100000 WORKS=1000 ROUNDS=2 bash bench/run-conflicts-pg.sh
#
# Environment: TREES (1000000), WORKS (10000), SEED (4711), ROUNDS (3), NO_ZONES,
# ROOTZONE_BUILD_DIR (build: an existing build with app/rootzone and bench/gen_city). The city
# is generated once into bench/out (never committed) by bench/gen_city as a SpatiaLite file
# with its trees as CSV.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${ROOTZONE_BUILD_DIR:-$root/build}
out=$root/bench/out
trees=${TREES:-1000000}
works=${WORKS:-10000}
seed=${SEED:-4711}
rounds=${ROUNDS:-3}
rootzone=$build/app/rootzone
mkdir -p "$out"

city=$out/city-t${trees}-w${works}-s${seed}.sqlite
csv=$out/city-t${trees}-w${works}-s${seed}-trees.csv
if [[ ! -f $city || ! -f $csv ]]; then
  echo "== generating $city and $csv" >&2
  rm -f "$city" "$csv"
  "$build/bench/gen_city" --out "$city.part" --trees "$trees" --works "$works" --seed "$seed" \
    --csv "$csv.part" --no-check >&2
  mv "$csv.part" "$csv"
  mv "$city.part" "$city"
fi

server=$out/pg-server
bash "$root/scripts/pg-test-server.sh" start "$server" >&2
# KEEP_SERVER=1 leaves the server running afterwards (for EXPLAIN and the server's log).
[[ ${KEEP_SERVER:-0} == 1 ]] || trap 'bash "$root/scripts/pg-test-server.sh" stop "$server" >&2 || true' EXIT
admin=$(cat "$server/url")
url=${admin/\/postgres\?//rz_bench?}
imported=${admin/\/postgres\?//rz_imported?}
psql -X -q "$admin" -c "DROP DATABASE IF EXISTS rz_bench" -c "DROP DATABASE IF EXISTS rz_imported" \
  -c "CREATE DATABASE rz_imported"
srid=$(sqlite3 "$city" "SELECT value FROM store_meta WHERE key = 'srid'")
"$rootzone" init --db "$imported" --srid "$srid" >&2

echo "== importing the trees, copying the works into PostGIS" >&2
t0=$(date +%s.%N)
"$rootzone" import trees "$csv" --db "$imported" --mapping "$root/bench/import/city-trees-csv.json" \
  2>&1 | tail -2 >&2
echo "imported in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}') s" >&2
# NULL as \N; reals with 17 significant digits (exact); geometries as hex WKB.
real() { echo "CASE WHEN $1 IS NULL THEN NULL ELSE printf('%!.17g', $1) END"; }
export_csv() { sqlite3 -batch -csv -cmd '.load mod_spatialite' -cmd '.nullvalue \\N' "$city" "$1"; }
export_csv "SELECT id, reference, title, contractor, contact, kind, $(real width_m), $(real radius_m),
  $(real depth_m), starts_at, ends_at, status, source, version, updated_at, hex(AsBinary(geometry))
  FROM works" >"$out/pg-works.csv"
psql -X -q -v ON_ERROR_STOP=1 "$imported" <<SQL
BEGIN;
CREATE TEMP TABLE w_in (LIKE works INCLUDING DEFAULTS);
ALTER TABLE w_in ALTER COLUMN geometry TYPE text;
\copy w_in (id, reference, title, contractor, contact, kind, width_m, radius_m, depth_m, starts_at, ends_at, status, source, version, updated_at, geometry) FROM '$out/pg-works.csv' (FORMAT csv, NULL '\N')
INSERT INTO works SELECT id, reference, title, contractor, contact, kind, width_m, radius_m,
  depth_m, starts_at, ends_at, status, source, version, updated_at,
  ST_GeomFromWKB(decode(geometry, 'hex'), $srid) FROM w_in;
SELECT setval(pg_get_serial_sequence('works', 'id'), (SELECT max(id) FROM works)) \g /dev/null
COMMIT;
VACUUM ANALYZE;
SQL
rm -f "$out/pg-works.csv"
echo "zones stored by the import: $(psql -X -At "$imported" -c 'SELECT count(*) FROM tree_zones')" >&2

reset_store() { # the state right after the import: a fresh copy of it
  psql -X -q -v ON_ERROR_STOP=1 "$admin" -c "DROP DATABASE IF EXISTS rz_bench" \
    -c "CREATE DATABASE rz_bench TEMPLATE rz_imported"
  if [[ ${NO_ZONES:-0} == 1 ]]; then
    psql -X -q -v ON_ERROR_STOP=1 "$url" -c "DELETE FROM tree_zones" \
      -c "DELETE FROM store_meta WHERE key = 'zones_marker'" -c "VACUUM ANALYZE tree_zones"
  fi
}
wall_s() { awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$1"; }
cpu_s() { awk -F': ' '/User time \(seconds\)/ {u = $2} /System time \(seconds\)/ {y = $2} END {print u + y}' "$1"; }

check() { # $1: label
  /usr/bin/time -v "$rootzone" check --db "$url" --format csv >"$out/pg-check.csv" 2>"$out/pg-check.err"
  grep -E '^(checked|time:)' "$out/pg-check.err" | sed "s/^/  /" >&2
  echo "$1 $(wall_s "$out/pg-check.err") $(cpu_s "$out/pg-check.err") $(cut -d' ' -f1 /proc/loadavg)"
}
join() { # with fresh statistics, as autovacuum would give the analyst (not timed)
  psql -X -q "$url" -c "ANALYZE tree_zones"
  /usr/bin/time -v psql -X -q -v ON_ERROR_STOP=1 --csv "$url" -f "$root/bench/sql_join_pg.sql" \
    >"$out/pg-join.csv" 2>"$out/pg-join.err"
  echo "join $(wall_s "$out/pg-join.err") $(cpu_s "$out/pg-join.err") $(cut -d' ' -f1 /proc/loadavg)"
}

if [[ -n ${LOG_STATEMENTS:-} ]]; then # the server logs every statement slower than this (ms)
  psql -X -q "$admin" -c "ALTER SYSTEM SET log_min_duration_statement = ${LOG_STATEMENTS}" \
    -c "SELECT pg_reload_conf()" >/dev/null
fi
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
results=$out/pg-rounds.txt
: >"$results"
for ((r = 1; r <= rounds; r++)); do
  echo "== round $r" >&2
  reset_store
  check first | tee -a "$results" >&2
  join | tee -a "$results" >&2
  check second | tee -a "$results" >&2
  join | tee -a "$results" >&2
done
pairs=$(($(wc -l <"$out/pg-join.csv") - 1))
conflicts=$(($(wc -l <"$out/pg-check.csv") - 1))

med() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
col() { awk -v k="$1" -v c="$2" '$1 == k {print $c}' "$results" | med; }
all() { awk -v k="$1" '$1 == k {printf "%s%.2f", sep, $2; sep = ", "}' "$results"; }
ms() { awk -v s="$1" 'BEGIN {printf "%.0f", s * 1000}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
join_w=$(col join 2)
first_w=$(col first 2)
second_w=$(col second 2)
cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
cat <<EOF

### Run of $(date -u '+%Y-%m-%d %H:%M') UTC, commit $(git -C "$root" rev-parse --short HEAD)

Machine: $(nproc) cores, $cpu (load average before/after: $load_before / $(cut -d' ' -f1-3 /proc/loadavg));
PostgreSQL $(psql -X -At "$url" -c 'SHOW server_version'), PostGIS $(psql -X -At "$url" -c 'SELECT postgis_lib_version()'), the throw-away server of scripts/pg-test-server.sh (fsync off) on the same machine.
City: $trees trees, $works works, seed $seed; the trees imported from gen_city's CSV$( [[ ${NO_ZONES:-0} == 1 ]] && echo ", their zones deleted (NO_ZONES=1)"). Command: \`TREES=$trees WORKS=$works SEED=$seed ROUNDS=$rounds$( [[ ${NO_ZONES:-0} == 1 ]] && echo " NO_ZONES=1") bash bench/run-conflicts-pg.sh\`

| measurement (wall, median of $rounds) | wall | CPU of the client (user+sys) | this / join | each round (s) |
|---|---|---|---|---|
| SQL join on PostGIS (bench/sql_join_pg.sql, $pairs pairs) | $(ms "$join_w") ms | $(ms "$(col join 3)") ms (psql; the work is the server's) | 1 | $(all join) |
| \`rootzone check\` on PostGIS, first after the import | $(ms "$first_w") ms | $(ms "$(col first 3)") ms | $(ratio "$first_w" "$join_w")x | $(all first) |
| \`rootzone check\` on PostGIS, zones stored ($conflicts conflicts) | $(ms "$second_w") ms | $(ms "$(col second 3)") ms | $(ratio "$second_w" "$join_w")x | $(all second) |
EOF
