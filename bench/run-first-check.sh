#!/usr/bin/env bash
# The first `rootzone check` after an import against the SQL peer (issue 16), side by side:
#   build (Release) -> the generated city of run-conflicts.sh with its trees as CSV (made once
#   into bench/out/) -> the state an import leaves: `rootzone init` + `rootzone import trees`
#   of the CSV (which stores the trees' zones), the city's works copied in as they are, no
#   conflicts -> ROUNDS rounds, each timing `rootzone check` on a fresh copy of that store and
#   bench/sql_join.sql on a checked copy (the peer reads the radii from tree_zones), their order
#   swapped every round -> one Markdown table row per round with the ratios, the load average
#   beside each, and medians. NO_ZONES=1 deletes the zones the import stored from the copies
#   (the state an import left before it stored them: the check draws and stores every zone).
#
#   bash bench/run-first-check.sh
#   ROUNDS=7 BASE=/tmp/rootzone-old bash bench/run-first-check.sh   # an older binary beside it
#
# Environment: TREES (1000000), WORKS (10000), SEED (4711), ROUNDS (5), BASE (a rootzone binary
# to time in the same rounds, e.g. one built from the commit before a change), NO_ZONES,
# ROOTZONE_SOURCE_DIR (the repository), ROOTZONE_BENCH_BUILD_DIR (build-bench), ROOTZONE_BUILD_DIR
# (an existing build with app/rootzone and bench/gen_city, used instead: nothing is configured). Exit status 1
# when a check's output differs from the first round's (or from BASE's).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
src=${ROOTZONE_SOURCE_DIR:-$root}
build=${ROOTZONE_BENCH_BUILD_DIR:-$root/build-bench}
out=$root/bench/out
trees=${TREES:-1000000}
works=${WORKS:-10000}
seed=${SEED:-4711}
rounds=${ROUNDS:-5}
base=${BASE:-}
mkdir -p "$out"

if [[ -n ${ROOTZONE_BUILD_DIR:-} ]]; then
  build=$ROOTZONE_BUILD_DIR # an existing build, used as it is (its type is the table's caveat)
else
  echo "== build (Release) in $build" >&2
  cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DROOTZONE_BUILD_BENCH=ON >/dev/null
  cmake --build "$build" --parallel "$(nproc)" --target rootzone gen_city >/dev/null
fi
rootzone=$build/app/rootzone

city=$out/city-t${trees}-w${works}-s${seed}.sqlite
csv=$out/city-t${trees}-w${works}-s${seed}-trees.csv
if [[ ! -f $city || ! -f $csv ]]; then
  echo "== generating $city and $csv" >&2
  rm -f "$city" "$csv"
  "$build/bench/gen_city" --out "$city.part" --trees "$trees" --works "$works" --seed "$seed" \
    --csv "$csv.part" --no-check 2>&1 | tee "$out/gen_city.log" >&2
  mv "$csv.part" "$csv"
  mv "$city.part" "$city"
fi
# A city made by an older rootzone is migrated once here.
"$rootzone" info --db "$city" >/dev/null

# What an import leaves, made once per run by this build: the trees imported (with their
# zones), the works as gen_city wrote them (the same rows, through SQL).
imported=$out/first-check-imported.sqlite
rm -f "$imported" "$imported-wal" "$imported-shm" "$imported-journal"
"$rootzone" init --db "$imported" >/dev/null
"$rootzone" import trees "$csv" --db "$imported" --mapping "$root/bench/import/city-trees-csv.json" \
  2>&1 | tail -2 >&2
sqlite3 -batch -cmd '.load mod_spatialite' "$imported" \
  "ATTACH '$city' AS c; INSERT INTO works SELECT * FROM c.works;" >/dev/null
echo "zones stored by the import: $(sqlite3 "$imported" 'SELECT count(*) FROM tree_zones')" >&2

fresh() { # $1: path; a copy of the store as an import leaves it: no conflicts
  rm -f "$1" "$1-wal" "$1-shm"
  cp "$imported" "$1"
  if [[ ${NO_ZONES:-0} == 1 ]]; then
    sqlite3 "$1" "DELETE FROM tree_zones; DELETE FROM store_meta WHERE key = 'zones_marker'"
  fi
  # On disk, as the import's commit leaves its store: else the check's first fdatasync writes
  # the copy's 400 MB of dirty pages (220 ms of its commit, measured).
  sync "$1"
}
wall_s() { awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$1"; }
cpu_s() { awk -F': ' '/User time \(seconds\)/ {u = $2} /System time \(seconds\)/ {y = $2} END {print u + y}' "$1"; }
load1() { cut -d' ' -f1 /proc/loadavg; }

# The peer's store: checked once, so tree_zones holds the radii it joins against.
peer=$out/first-check-peer.sqlite
fresh "$peer"
"$rootzone" check --db "$peer" --format csv >"$out/first-check-expected.csv" 2>/dev/null

differs=$out/first-check-differs
rm -f "$differs"
time_check() { # $1: binary, $2: label, $3: round -> "wall cpu load"
  local store=$out/first-check-run.sqlite err=$out/first-check-$2-$3.err
  fresh "$store"
  local l
  l=$(load1)
  /usr/bin/time -v "$1" check --db "$store" --format csv >"$out/first-check-$2.csv" 2>"$err"
  if ! cmp -s "$out/first-check-$2.csv" "$out/first-check-expected.csv"; then
    echo "round $3: $2's output differs from the first check's" | tee -a "$differs" >&2
  fi
  grep -E '^(checked|time:)' "$err" >&2
  echo "$(wall_s "$err") $(cpu_s "$err") $l"
}
time_peer() { # $1: round -> "wall cpu load" (sqlite3's .timer: the join alone, no start-up)
  local l
  l=$(load1)
  sqlite3 -batch "$peer" <"$root/bench/sql_join.sql" >"$out/first-check-sql.out"
  awk -v l="$l" '/^Run Time: real/ {print $4, $6 + $8, l}' "$out/first-check-sql.out"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
rows=()
checks=()
peers=()
ratios=()
cpu_ratios=()
base_ratios=()
for ((r = 1; r <= rounds; r++)); do
  echo "== round $r of $rounds" >&2
  if ((r % 2)); then
    c=$(time_check "$rootzone" new "$r")
    p=$(time_peer "$r")
  else
    p=$(time_peer "$r")
    c=$(time_check "$rootzone" new "$r")
  fi
  b=""
  if [[ -n $base ]]; then b=$(time_check "$base" base "$r"); fi
  read -r cw cc cl <<<"$c"
  read -r pw pc pl <<<"$p"
  ratio=$(awk -v a="$cw" -v b="$pw" 'BEGIN {printf "%.2f", a / b}')
  cpu_ratio=$(awk -v a="$cc" -v b="$pc" 'BEGIN {printf "%.2f", a / b}')
  checks+=("$cw")
  peers+=("$pw")
  ratios+=("$ratio")
  cpu_ratios+=("$cpu_ratio")
  base_cell=""
  if [[ -n $b ]]; then
    read -r bw bc bl <<<"$b"
    base_ratio=$(awk -v a="$bw" -v b="$pw" 'BEGIN {printf "%.2f", a / b}')
    base_ratios+=("$base_ratio")
    base_cell=" | ${bw} s, ${bc} s CPU (load $bl) | ${base_ratio}x"
  fi
  order=$( ((r % 2)) && echo "check, join" || echo "join, check")
  rows+=("| $r ($order) | ${cw} s, ${cc} s CPU (load $cl) | ${pw} s, ${pc} s CPU (load $pl) | ${ratio}x | ${cpu_ratio}x${base_cell} |")
done

med() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
mem=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
base_head=""
base_rule=""
base_median=""
if [[ -n $base ]]; then
  base_head=" | BASE \`rootzone check\` | BASE / join"
  base_rule="|---|---"
  base_median=" | | $(med "${base_ratios[@]}")x"
fi
cat <<EOF

### Run of $(date -u '+%Y-%m-%d %H:%M') UTC, commit $(git -C "$root" rev-parse --short HEAD)

Machine: $(nproc) cores, $cpu, $mem RAM (load average before/after: $load_before / $(cut -d' ' -f1-3 /proc/loadavg));
build type $(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build/CMakeCache.txt"); sqlite3 $(sqlite3 --version | cut -d' ' -f1), SpatiaLite $(sqlite3 :memory: '.load mod_spatialite' 'SELECT spatialite_version()').
City: $trees trees, $works works, seed $seed; the trees imported from gen_city's CSV$( [[ ${NO_ZONES:-0} == 1 ]] && echo ", their zones deleted (NO_ZONES=1)"). Command: \`TREES=$trees WORKS=$works SEED=$seed ROUNDS=$rounds${base:+ BASE=...}$( [[ ${NO_ZONES:-0} == 1 ]] && echo " NO_ZONES=1") bash bench/run-first-check.sh\`

| round (order) | first \`rootzone check\` (wall, CPU) | SQL join (wall, CPU) | check / join, wall | check / join, CPU$base_head |
|---|---|---|---|---$base_rule|
$(printf '%s\n' "${rows[@]}")
| median | $(med "${checks[@]}") s | $(med "${peers[@]}") s | $(med "${ratios[@]}")x | $(med "${cpu_ratios[@]}")x$base_median |
EOF
if [[ -f $differs ]]; then exit 1; fi
