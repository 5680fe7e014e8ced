#!/usr/bin/env bash
# The import benchmark of issue 3, in one run:
#   build (Release) -> the generated city's trees as CSV (bench/gen_city, seeded; bench/out/,
#   never committed) and as a GeoPackage made from it -> the peer, `ogr2ogr -f SQLite -dsco
#   SPATIALITE=YES` of each file into a fresh file -> `rootzone init` + `rootzone import trees`
#   of the same files into fresh stores -> a table with wall time, CPU time, peak RSS, ratios
#   and the machine (stdout; progress on stderr).
#
#   bash bench/run-import.sh
#   TREES=100000 bash bench/run-import.sh        # a smaller city
#   ROUNDS=5 bash bench/run-import.sh            # more rounds (3 by default)
#
# Environment: TREES (1000000), SEED (4711), ROUNDS (3), ROOTZONE_SOURCE_DIR (the repository),
# ROOTZONE_BENCH_BUILD_DIR (build-bench-import), ROOTZONE_BUILD_DIR (an existing build with
# app/rootzone and bench/gen_city, used instead: nothing is configured). Mappings: bench/import/city-trees-{csv,gpkg}.json.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
src=${ROOTZONE_SOURCE_DIR:-$root}
build=${ROOTZONE_BENCH_BUILD_DIR:-$root/build-bench-import}
out=$root/bench/out
trees=${TREES:-1000000}
rounds=${ROUNDS:-3}
seed=${SEED:-4711}
mkdir -p "$out"

if [[ -n ${ROOTZONE_BUILD_DIR:-} ]]; then
  build=$ROOTZONE_BUILD_DIR # an existing build, used as it is
else
  echo "== build (Release) in $build" >&2
  cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DROOTZONE_BUILD_BENCH=ON >/dev/null
  cmake --build "$build" --parallel "$(nproc)" --target rootzone gen_city >/dev/null
fi
rootzone=$build/app/rootzone

csv=$out/city-t${trees}-s${seed}-trees.csv
if [[ ! -f $csv ]]; then
  echo "== generating $csv" >&2
  "$build/bench/gen_city" --out "$out/import-gen.sqlite.part" --trees "$trees" --works 0 \
    --seed "$seed" --csv "$csv.part" --no-check >&2
  rm -f "$out/import-gen.sqlite.part"*
  mv "$csv.part" "$csv"
fi
gpkg=$out/city-t${trees}-s${seed}-trees.gpkg
if [[ ! -f $gpkg ]]; then
  echo "== making $gpkg from the CSV" >&2
  ogr2ogr -f GPKG "$gpkg.part" "$csv" -nln trees -a_srs EPSG:25832 -oo AUTODETECT_TYPE=NO \
    -oo X_POSSIBLE_NAMES=x -oo Y_POSSIBLE_NAMES=y -oo KEEP_GEOM_COLUMNS=NO
  mv "$gpkg.part" "$gpkg"
fi

# timed NAME CMD...: /usr/bin/time -v into $out/import-NAME.time, output into .log;
# sets wall (s), cpu (s), rss (MiB).
timed() {
  local name=$1
  shift
  echo "== $name: $*" >&2
  /usr/bin/time -v -o "$out/import-$name.time" "$@" >"$out/import-$name.log" 2>&1
  local t=$out/import-$name.time
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0;
         for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s}' "$t")
  cpu=$(awk -F': ' '/User time/ {u = $2} /System time/ {s = $2} END {printf "%.2f", u + s}' "$t")
  rss=$(awk -F': ' '/Maximum resident/ {printf "%.0f", $2 / 1024}' "$t")
}

# The machine's speed drifts by a third within minutes (a shared host): each round runs the
# peer and rootzone back to back, and the table gives the median of the rounds.
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A W C R RATIOS
for round in $(seq 1 "$rounds"); do
for kind in csv gpkg; do
  file=$csv
  [[ $kind == gpkg ]] && file=$gpkg
  oo=()
  [[ $kind == csv ]] && oo=(-oo X_POSSIBLE_NAMES=x -oo Y_POSSIBLE_NAMES=y -oo AUTODETECT_TYPE=NO -a_srs EPSG:25832)
  peer=$out/import-ogr2ogr-$kind.sqlite
  rm -f "$peer" "$peer"-*
  timed "ogr2ogr-$kind" ogr2ogr -f SQLite -dsco SPATIALITE=YES "$peer" "$file" -nln trees "${oo[@]}"
  W[ogr_$kind]+=" $wall" C[ogr_$kind]+=" $cpu" R[ogr_$kind]+=" $rss"
  ogr_wall=$wall
  store=$out/import-rootzone-$kind.sqlite
  rm -f "$store" "$store"-*
  timed "rootzone-$kind" bash -c "'$rootzone' init --db '$store' >/dev/null &&
    exec '$rootzone' import trees '$file' --db '$store' --mapping '$root/bench/import/city-trees-$kind.json'"
  W[rz_$kind]+=" $wall" C[rz_$kind]+=" $cpu" R[rz_$kind]+=" $rss"
  RATIOS[$kind]+=" $(awk -v a="$wall" -v b="$ogr_wall" 'BEGIN {printf "%.2f", a / b}')"
  rows=$(sqlite3 "$store" "SELECT count(*) FROM trees")
  peer_rows=$(sqlite3 "$peer" "SELECT count(*) FROM trees")
  [[ $rows == "$trees" && $peer_rows == "$trees" ]] || {
    echo "row counts differ: rootzone $rows, ogr2ogr $peer_rows, expected $trees" >&2
    exit 1
  }
done
done
for key in "${!W[@]}"; do
  # shellcheck disable=SC2086 # the lists are space-separated numbers
  W[$key]=$(median ${W[$key]}) C[$key]=$(median ${C[$key]}) R[$key]=$(median ${R[$key]})
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
cpu_model=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
mem=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
commit=$(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$src" status --porcelain 2>/dev/null | grep -q . && echo " (working tree with changes)" || true)
cat <<TABLE
### Run of $(date -u '+%Y-%m-%d %H:%M') UTC, commit $commit$dirty

Machine: $(nproc) cores, $cpu_model, $mem RAM, build type $(sed -n "s/^CMAKE_BUILD_TYPE:STRING=//p" "$build/CMakeCache.txt") (load average before/after: $load_before / $(cut -d' ' -f1-3 /proc/loadavg));
$(ogr2ogr --version), $(sqlite3 --version | cut -d' ' -f1 | sed 's/^/SQLite /').
City: $trees trees, seed $seed; CSV $(du -m "$csv" | cut -f1) MiB, GeoPackage $(du -m "$gpkg" | cut -f1) MiB.
$(grep -E '^\s+(inserted|refused|protected|seconds)' "$out/import-rootzone-csv.log" | tr -s ' ' | tr '\n' ';' | sed 's/^ /rootzone CSV summary: /')

Medians of $rounds rounds (each: ogr2ogr, then rootzone, on the same file).

| input | ogr2ogr wall / CPU / peak RSS | rootzone (init + import) wall / CPU / peak RSS | rootzone / ogr2ogr wall, CPU | wall ratio per round | target wall <= 0.5 | met |
|---|---|---|---|---|---|---|
TABLE
for kind in csv gpkg; do
  rw=$(ratio "${W[rz_$kind]}" "${W[ogr_$kind]}")
  rc=$(ratio "${C[rz_$kind]}" "${C[ogr_$kind]}")
  met=$(awk -v r="$rw" 'BEGIN {print (r <= 0.5) ? "yes" : "**no**"}')
  label=CSV
  [[ $kind == gpkg ]] && label=GeoPackage
  echo "| $label | ${W[ogr_$kind]} s / ${C[ogr_$kind]} s / ${R[ogr_$kind]} MiB | ${W[rz_$kind]} s / ${C[rz_$kind]} s / ${R[rz_$kind]} MiB | ${rw}x, ${rc}x |${RATIOS[$kind]} | 0.5 | $met |"
done
