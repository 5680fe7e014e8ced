#!/usr/bin/env bash
# The PostGIS import benchmark of issue 16, in one run:
#   the generated city's trees as CSV (bench/gen_city, seeded, as bench/run-import.sh) -> a
#   throw-away PostgreSQL 15 with PostGIS (scripts/pg-test-server.sh) -> per round, each into a
#   fresh database with the postgis extension: the peer, `ogr2ogr -f PostgreSQL --config
#   PG_USE_COPY YES`, then `rootzone init` + `rootzone import trees`; alternating -> a table with
#   wall time, CPU time of the client, the server's CPU time, ratios and the machine (stdout).
#
#   bash bench/run-import-postgis.sh
#   TREES=100000 ROUNDS=1 bash bench/run-import-postgis.sh
#
# Environment: TREES (1000000), SEED (4711), ROUNDS (3), ROOTZONE_BENCH_BUILD_DIR (build: the
# checkout's own build, RelWithDebInfo -O2), CSV (a CSV made by gen_city, to skip generating),
# FLOOR (1: after the rounds, measure the least such an import costs on this machine; 0: not).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${ROOTZONE_BENCH_BUILD_DIR:-$root/build}
out=$root/bench/out
trees=${TREES:-1000000}
rounds=${ROUNDS:-3}
seed=${SEED:-4711}
mkdir -p "$out"
rootzone=$build/app/rootzone
mapping=$root/bench/import/city-trees-csv.json

csv=${CSV:-$out/city-t${trees}-s${seed}-trees.csv}
if [[ ! -f $csv ]]; then
  echo "== generating $csv" >&2
  cmake --build "$build" --target gen_city >/dev/null
  "$build/bench/gen_city" --out "$out/import-gen.sqlite.part" --trees "$trees" --works 0 \
    --seed "$seed" --csv "$csv.part" --no-check >&2
  rm -f "$out/import-gen.sqlite.part"*
  mv "$csv.part" "$csv"
fi

server=$(mktemp -d "${TMPDIR:-/tmp}/rz-bench-pg.XXXXXX")
trap 'bash "$root/scripts/pg-test-server.sh" stop "$server" >/dev/null 2>&1 || true; rm -rf "$server"' EXIT
bash "$root/scripts/pg-test-server.sh" start "$server" >&2
url=$(cat "$server/url")
socket=$(sed -E 's/.*host=([^&]*).*/\1/' <<<"$url")
data=$(cat "$server/data")
admin() { psql -X -q -v ON_ERROR_STOP=1 "$url" "$@"; }

# fresh NAME: an empty database with the postgis extension (outside the timing, for both).
fresh() {
  admin -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1"
  psql -X -q -v ON_ERROR_STOP=1 "postgresql:///$1?host=$socket&user=rootzone" \
    -c "CREATE EXTENSION postgis"
}

# The server's CPU time so far, in seconds: the postmaster's own and its exited children's
# (it waits for them), plus its running children's.
server_cpu() {
  local pm total=0
  pm=$(head -1 "$data/cluster/postmaster.pid")
  total=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$pm/stat")
  for pid in $(pgrep -P "$pm"); do
    [[ -r /proc/$pid/stat ]] || continue
    total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
  done
  awk -v t="$total" -v k="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", t / k}'
}

# timed NAME CMD...: wall (s), cpu (s, the client), srv (s, the server), rss (MiB).
timed() {
  local name=$1
  shift
  echo "== $name: $*" >&2
  local before
  before=$(server_cpu)
  /usr/bin/time -v -o "$out/pgimport-$name.time" "$@" >"$out/pgimport-$name.log" 2>&1
  local t=$out/pgimport-$name.time
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0;
         for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s}' "$t")
  cpu=$(awk -F': ' '/User time/ {u = $2} /System time/ {s = $2} END {printf "%.2f", u + s}' "$t")
  rss=$(awk -F': ' '/Maximum resident/ {printf "%.0f", $2 / 1024}' "$t")
  srv=$(awk -v a="$(server_cpu)" -v b="$before" 'BEGIN {printf "%.2f", a - b}')
}

median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A W C S R
ratios=""
for round in $(seq 1 "$rounds"); do
  fresh peer
  timed ogr2ogr ogr2ogr --config PG_USE_COPY YES -f PostgreSQL \
    "PG:dbname=peer host=$socket user=rootzone" "$csv" -nln trees \
    -oo X_POSSIBLE_NAMES=x -oo Y_POSSIBLE_NAMES=y -oo AUTODETECT_TYPE=NO -a_srs EPSG:25832
  W[ogr]+=" $wall" C[ogr]+=" $cpu" S[ogr]+=" $srv" R[ogr]+=" $rss"
  ogr_wall=$wall
  fresh store
  store="postgresql:///store?host=$socket&user=rootzone"
  timed rootzone bash -c "'$rootzone' init --db '$store' >/dev/null &&
    exec '$rootzone' import trees '$csv' --db '$store' --mapping '$mapping'"
  W[rz]+=" $wall" C[rz]+=" $cpu" S[rz]+=" $srv" R[rz]+=" $rss"
  ratios+=" $(awk -v a="$wall" -v b="$ogr_wall" 'BEGIN {printf "%.2f", a / b}')"
  rows=$(psql -X -At "$store" -c "SELECT count(*) FROM trees")
  peer_rows=$(psql -X -At "postgresql:///peer?host=$socket&user=rootzone" -c "SELECT count(*) FROM trees")
  [[ $rows == "$trees" && $peer_rows == "$trees" ]] || {
    echo "row counts differ: rootzone $rows, ogr2ogr $peer_rows, expected $trees" >&2
    exit 1
  }
done
for key in "${!W[@]}"; do
  # shellcheck disable=SC2086 # the lists are space-separated numbers
  W[$key]=$(median ${W[$key]}) C[$key]=$(median ${C[$key]}) S[$key]=$(median ${S[$key]}) R[$key]=$(median ${R[$key]})
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
cpu_model=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
mem=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$root" status --porcelain 2>/dev/null | grep -q . && echo " (working tree with changes)" || true)
rw=$(ratio "${W[rz]}" "${W[ogr]}")
met=$(awk -v r="$rw" 'BEGIN {print (r <= 0.5) ? "yes" : "**no**"}')
cat <<TABLE
### Run of $(date -u '+%Y-%m-%d %H:%M') UTC, commit $commit$dirty

Machine: $(nproc) cores, $cpu_model, $mem RAM (load average before/after: $load_before / $(cut -d' ' -f1-3 /proc/loadavg));
$(ogr2ogr --version), $(postgres --version 2>/dev/null || "$(dirname "$(readlink -f "$(command -v initdb 2>/dev/null || echo /usr/lib/postgresql/15/bin/initdb)")")/postgres" --version).
City: $trees trees, seed $seed; CSV $(du -m "$csv" | cut -f1) MiB.
$(grep -E '^\s+(inserted|refused|protected|seconds)' "$out/pgimport-rootzone.log" | tr -s ' ' | tr '\n' ';' | sed 's/^ /rootzone summary (last round): /')

Medians of $rounds rounds (each: ogr2ogr, then rootzone, into fresh databases of one server).

| ogr2ogr wall / CPU / server CPU / peak RSS | rootzone (init + import) wall / CPU / server CPU / peak RSS | rootzone / ogr2ogr wall | wall ratio per round | target wall <= 0.5 | met |
|---|---|---|---|---|---|
| ${W[ogr]} s / ${C[ogr]} s / ${S[ogr]} s / ${R[ogr]} MiB | ${W[rz]} s / ${C[rz]} s / ${S[rz]} s / ${R[rz]} MiB | ${rw}x |$ratios | 0.5 | $met |
TABLE

[[ ${FLOOR:-1} == 1 ]] || exit 0
# The floor: what an import of this CSV into one transaction costs at the least on this machine,
# whoever writes the importer. Two parts, each measured here:
# - reading the file through GDAL/OGR and nothing else (bench/ogr_read_floor): client CPU;
# - the server's part with no client at all: the rows rootzone stored, written to a binary file
#   by the server and read back by `COPY ... FROM` that file into an empty store, inside one
#   transaction with trees' other indexes dropped, then the GiST, source-id and version
#   indexes (the GiST is what ogr2ogr builds too). One backend runs these one after the other:
#   PostgreSQL shares no transaction between backends, so they cannot run in parallel.
cmake --build "$build" --target ogr_read_floor >/dev/null
timed floor-read "$build/bench/ogr_read_floor" "$csv" AUTODETECT_TYPE=NO
read_wall=$wall read_cpu=$cpu
columns="id, source_id, site, district, species_botanical, species_german, genus,
  crown_diameter_m, height_m, planting_year, vitality, development_phase, last_inspection,
  next_inspection, status, felled_on, columnar, is_protected, protection_source,
  protection_reason, updated_at, location, version, stems_cm"
rows_file=$data/floor-trees.bin  # the server's own folder: its user writes and reads it
psql -X -q -v ON_ERROR_STOP=1 "$store" -c "COPY (SELECT $columns FROM trees) TO '$rows_file' (FORMAT binary)"
fresh floor
floor_db="postgresql:///floor?host=$socket&user=rootzone"
"$rootzone" init --db "$floor_db" >/dev/null
psql -X -v ON_ERROR_STOP=1 "$floor_db" >"$out/floor-server.log" <<SQL
\timing on
BEGIN;
ALTER TABLE trees DROP CONSTRAINT trees_source_id_key;
DROP INDEX trees_location;
DROP INDEX trees_version;
COPY trees ($columns) FROM '$rows_file' (FORMAT binary);
CREATE INDEX trees_location ON trees USING gist (location);
ALTER TABLE trees ADD CONSTRAINT trees_source_id_key UNIQUE (source_id);
CREATE INDEX trees_version ON trees (version);
ROLLBACK;
SQL
# The other order: the indexes in place while the rows arrive (each row inserted into each).
psql -X -v ON_ERROR_STOP=1 "$floor_db" >"$out/floor-server-indexed.log" <<SQL
\timing on
BEGIN;
COPY trees ($columns) FROM '$rows_file' (FORMAT binary);
ROLLBACK;
SQL
indexed=$(awk '/^COPY/ {c = 1; next} c && /^Time:/ {printf "%.2f", $2 / 1000; exit}' \
  "$out/floor-server-indexed.log")
rm -f "$rows_file"
# The statements' times in order: the COPY, the GiST, the source id, the version index.
mapfile -t took < <(awk '/^Time:/ {printf "%.2f\n", $2 / 1000}' "$out/floor-server.log" | tail -n 5 | head -n 4)
chain=$(printf '%s\n' "${took[@]}" | awk '{s += $1} END {printf "%.2f", s}')
half=$(awk -v w="${W[ogr]}" 'BEGIN {printf "%.2f", w / 2}')
cpu_floor=$(awk -v r="$read_cpu" -v s="$chain" 'BEGIN {printf "%.2f", r + s}')
budget=$(awk -v h="$half" -v n="$(nproc)" 'BEGIN {printf "%.2f", h * n}')
# The least wall time: the indexes wait for the last row, which waits for the read of the file.
least=$(awk -v r="$read_wall" -v c="${took[0]}" -v g="${took[1]}" -v u="${took[2]}" \
  'BEGIN {printf "%.2f", (r > c ? r : c) + g + u}')
cat <<TABLE

Floor (one run after the rounds): the CSV read through GDAL/OGR alone (\`bench/ogr_read_floor\`)
took $read_wall s wall, $read_cpu s CPU; the server, copying rootzone's own 1M rows back from a
binary file in one transaction (no client): COPY ${took[0]} s, GiST ${took[1]} s, unique source id
${took[2]} s, version index ${took[3]} s: **$chain s** one after the other.
The same COPY into trees with every index in place: **$indexed s**. The indexes wait for the
last row and the last row for the read of the file, so such an import takes at least
max(read, COPY) + GiST + source id = **$least s** of wall time, against 0.5x ogr2ogr = $half s.

| 0.5x ogr2ogr's median wall | server chain in one transaction (indexes after, before) | GDAL read + server chain (CPU) | CPU of $(nproc) cores in 0.5x ogr2ogr's wall |
|---|---|---|---|
| $half s | $chain s, $indexed s | $cpu_floor s | $budget s |
TABLE
