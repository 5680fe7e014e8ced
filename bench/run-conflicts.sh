#!/usr/bin/env bash
# The conflict-check benchmark of issue 4, in one run:
#   build (Release) -> generate the city once (bench/out/, never committed) -> `rootzone check`
#   end to end twice (the second run finds the zones stored) -> the SQL peer (bench/sql_join.sql)
#   -> bench/engine_bench (in-memory full check, per-submission latency, memory, and the
#   (tree, work, severity) comparison with the peer) -> a table with ratios and the machine.
#
#   bash bench/run-conflicts.sh
#   TREES=100000 WORKS=1000 bash bench/run-conflicts.sh        # a smaller city
#
# Environment: TREES (1000000), WORKS (10000), SEED (4711), RUNS (5: in-memory check runs per
# thread count), SQL_RUNS (3), ROOTZONE_SOURCE_DIR (the repository), ROOTZONE_BENCH_BUILD_DIR
# (build-bench). Exit status 1 when the engine's and the peer's conflict sets differ.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
src=${ROOTZONE_SOURCE_DIR:-$root}
build=${ROOTZONE_BENCH_BUILD_DIR:-$root/build-bench}
out=$root/bench/out
trees=${TREES:-1000000}
works=${WORKS:-10000}
seed=${SEED:-4711}
runs=${RUNS:-5}
sql_runs=${SQL_RUNS:-3}
mkdir -p "$out"

echo "== build (Release) in $build" >&2
cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DROOTZONE_BUILD_BENCH=ON >/dev/null
cmake --build "$build" --parallel "$(nproc)" --target rootzone gen_city engine_bench >/dev/null
rootzone=$build/app/rootzone

city=$out/city-t${trees}-w${works}-s${seed}.sqlite
if [[ ! -f $city ]]; then
  echo "== generating $city" >&2
  "$build/bench/gen_city" --out "$city.part" --trees "$trees" --works "$works" --seed "$seed" \
    --csv "$out/city-t${trees}-s${seed}-trees.csv" 2>&1 | tee "$out/gen_city.log" >&2
  mv "$city.part" "$city"
fi

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
# Every run starts from the generated store as it was: no zones, no conflicts stored.
store=$out/run.sqlite
rm -f "$store" "$store-wal" "$store-shm"
cp "$city" "$store"

wall_s() { # seconds from /usr/bin/time -v's "Elapsed (wall clock) time (h:mm:ss or m:ss): 0:02.34"
  awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$1"
}
rss_mib() { awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$1"; }
value() { awk -v k="$1" '$1 == k {print $2}' "$out/engine_bench.txt"; }

for run in 1 2; do
  echo "== rootzone check, run $run" >&2
  /usr/bin/time -v "$rootzone" check --db "$store" --format csv \
    >"$out/check$run.csv" 2>"$out/check$run.err"
  grep -E '^(checked|time:)' "$out/check$run.err" >&2
done

echo "== SQL peer (bench/sql_join.sql), $sql_runs runs" >&2
sql_times=()
sql_cpus=()
for ((i = 1; i <= sql_runs; i++)); do
  sqlite3 -batch "$store" <"$root/bench/sql_join.sql" >"$out/sql$i.out"
  t=$(awk '/^Run Time: real/ {print $4}' "$out/sql$i.out")
  c=$(awk '/^Run Time: real/ {print $6 + $8}' "$out/sql$i.out")
  echo "run $i: $t s wall, $c s CPU" >&2
  sql_times+=("$t")
  sql_cpus+=("$c")
done
grep -v '^Run Time:' "$out/sql1.out" >"$out/sql_pairs.csv"
med() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
sql_median=$(med "${sql_times[@]}")
sql_cpu=$(med "${sql_cpus[@]}")
sql_min=$(printf '%s\n' "${sql_times[@]}" | sort -g | head -1)
sql_pairs=$(($(wc -l <"$out/sql_pairs.csv") - 1))

echo "== engine_bench" >&2
verify=0
"$build/bench/engine_bench" --db "$store" --runs "$runs" --threads 1,2 \
  --sql-pairs "$out/sql_pairs.csv" >"$out/engine_bench.txt" || verify=$?
cat "$out/engine_bench.txt" >&2

cpu_s() { awk -F': ' '/User time \(seconds\)/ {u = $2} /System time \(seconds\)/ {y = $2} END {print u + y}' "$1"; }
check1=$(wall_s "$out/check1.err")
check2=$(wall_s "$out/check2.err")
check1_cpu=$(cpu_s "$out/check1.err")
check2_cpu=$(cpu_s "$out/check2.err")
t1=$(value check_all_t1_median_ms)
t2=$(value check_all_t2_median_ms)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", a / b}'; }
yes_no() { awk "BEGIN {print ($1) ? \"yes\" : \"**no**\"}"; }
to_ms() { awk -v s="$1" 'BEGIN {printf "%.0f", s * 1000}'; }
sql_ms=$(to_ms "$sql_median")
sql_cpu_ms=$(to_ms "$sql_cpu")

cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
mem=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
cat <<EOF

### Run of $(date -u '+%Y-%m-%d %H:%M') UTC, commit $(git -C "$root" rev-parse --short HEAD)

Machine: $(nproc) cores, $cpu, $mem RAM (load average before/after: $load_before / $(cut -d' ' -f1-3 /proc/loadavg));
sqlite3 $(sqlite3 --version | cut -d' ' -f1), SpatiaLite $(sqlite3 :memory: '.load mod_spatialite' 'SELECT spatialite_version()'), GEOS $(sqlite3 :memory: '.load mod_spatialite' 'SELECT geos_version()').
City: $trees trees, $works works, seed $seed ($(value engine_trees) protected existing trees, $(value engine_works) open works).
Command: \`TREES=$trees WORKS=$works SEED=$seed bash bench/run-conflicts.sh\`

| measurement | wall | CPU (user+sys) | SQL join / this: wall, CPU | target | met (wall, CPU) |
|---|---|---|---|---|---|
| SQL join (SpatialIndex + ST_Distance), median of $sql_runs (min $(to_ms "$sql_min") ms) | $sql_ms ms | $sql_cpu_ms ms | 1, 1 | | |
| engine full check in memory, 1 thread, median of $runs (min $(value check_all_t1_min_ms) ms) | $t1 ms | $(value check_all_t1_cpu_ms) ms | $(ratio "$sql_ms" "$t1")x, $(ratio "$sql_cpu_ms" "$(value check_all_t1_cpu_ms)")x | >= 20x | $(yes_no "$sql_ms / $t1 >= 20"), $(yes_no "$sql_cpu_ms / $(value check_all_t1_cpu_ms) >= 20") |
| engine full check in memory, 2 threads, median of $runs (min $(value check_all_t2_min_ms) ms) | $t2 ms | $(value check_all_t2_cpu_ms) ms | $(ratio "$sql_ms" "$t2")x, $(ratio "$sql_cpu_ms" "$(value check_all_t2_cpu_ms)")x | >= 20x | $(yes_no "$sql_ms / $t2 >= 20"), $(yes_no "$sql_cpu_ms / $(value check_all_t2_cpu_ms) >= 20") |
| \`rootzone check\` end to end, first run | $(to_ms "$check1") ms | $(to_ms "$check1_cpu") ms | $(ratio "$sql_median" "$check1")x, $(ratio "$sql_cpu" "$check1_cpu")x | >= 1x | $(yes_no "$sql_median >= $check1"), $(yes_no "$sql_cpu >= $check1_cpu") |
| \`rootzone check\` end to end, second run (zones stored) | $(to_ms "$check2") ms | $(to_ms "$check2_cpu") ms | $(ratio "$sql_median" "$check2")x, $(ratio "$sql_cpu" "$check2_cpu")x | >= 1x | $(yes_no "$sql_median >= $check2"), $(yes_no "$sql_cpu >= $check2_cpu") |
| one submission: tree conflicts of one work, p50 / p99 / p99.9 / max | $(value submission_query_p50_us) / $(value submission_query_p99_us) / $(value submission_query_p999_us) / $(value submission_query_max_us) us | | | p99 < 200 us | $(yes_no "$(value submission_query_p99_us) < 200") |
| whole submission (upsert_work + tree conflicts + work clashes), p50 / p99 / p99.9 / max | $(value submission_full_p50_us) / $(value submission_full_p99_us) / $(value submission_full_p999_us) / $(value submission_full_max_us) us | | | | |
| peak RSS of \`rootzone check\`, first / second run | $(rss_mib "$out/check1.err") / $(rss_mib "$out/check2.err") MiB | | | | |
| server holding the trees: RSS with the engine loaded (input freed) / peak while loading | $(value rss_server_mib) / $(value peak_rss_load_mib) MiB | | | | |

\`rootzone check\` phases (stderr), run 1: $(grep '^time:' "$out/check1.err" | sed 's/^time: //'); run 2: $(grep '^time:' "$out/check2.err" | sed 's/^time: //').
In-memory engine: load from store $(value load_ms) ms, build zones + index $(value index_ms) ms (engine_bench).

Conflicts: engine $(value tree_work_conflicts) (critical $(value critical), high $(value high), medium $(value medium); $(value high_by_share_rule) high by the 20 % share rule), $(value work_work_clashes) work clashes; SQL peer $sql_pairs pairs.
Comparison (tree, work, severity): pairs only in the engine $(value verify_only_engine), only in SQL $(value verify_only_sql); same severity $(value verify_same_severity); medium -> high by the share rule $(value verify_share_rule_raised); other severity differences $(value verify_other_severity_diff) => $( [[ $(value verify_ok) == 1 ]] && echo "sets equal (modulo the share rule)" || echo "**SETS DIFFER**").
EOF
exit "$verify"
