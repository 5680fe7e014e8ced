#!/usr/bin/env bash
# The items benchmark of issue 5, in one run: `rootzone serve` (Release) on the generated
# 1M-tree city and MapServer 8 (cgi-mapserver behind lighttpd FastCGI, bench/api/mapserver-serve)
# on the same trees from a GeoPackage, both on 127.0.0.1, each loaded by wrk with the same
# sequence of `/items?limit=100&bbox=...` requests (bench/api/bboxes.txt, one box after the
# other); requests/s and latency percentiles side by side with ratios and the machine.
#
#   bash bench/api/run-items.sh                    # table on stdout, progress on stderr
#   DURATION=30s CONNECTIONS=8 bash bench/api/run-items.sh
#
# Environment: DURATION (20s per measured run), WARMUP (5s, not measured), CONNECTIONS (4),
# WRK_THREADS (1), SERVE_THREADS (0: one per core), TREES/WORKS/SEED (1000000/10000/4711: which
# generated city), ROOTZONE_SOURCE_DIR (the repository), ROOTZONE_BENCH_BUILD_DIR
# (build-bench-api). Exit status 1 when a server answered anything but full pages of 200.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
src=${ROOTZONE_SOURCE_DIR:-$root}
build=${ROOTZONE_BENCH_BUILD_DIR:-$root/build-bench-api}
out=$root/bench/out
here=$root/bench/api
trees=${TREES:-1000000}
works=${WORKS:-10000}
seed=${SEED:-4711}
duration=${DURATION:-20s}
warmup=${WARMUP:-5s}
connections=${CONNECTIONS:-4}
wrk_threads=${WRK_THREADS:-1}
serve_threads=${SERVE_THREADS:-0}
rz_port=${RZ_PORT:-18480}
ms_port=${MS_PORT:-18481}
mkdir -p "$out"

need=()
for p in wrk cgi-mapserver lighttpd gdal-bin curl jq; do dpkg -s $p >/dev/null 2>&1 || need+=($p); done
if ((${#need[@]})); then
  echo "== installing ${need[*]}" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

echo "== build (Release) in $build" >&2
cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DROOTZONE_BUILD_BENCH=ON >/dev/null
cmake --build "$build" --parallel "$(nproc)" --target rootzone >/dev/null
rootzone=$build/app/rootzone

city=$out/city-t${trees}-w${works}-s${seed}.sqlite
csv=$out/city-t${trees}-s${seed}-trees.csv
gpkg=$out/city-t${trees}-s${seed}-trees.gpkg
if [[ ! -f $city || ! -f $csv ]]; then  # as bench/run-conflicts.sh makes them
  echo "== generating $city and $csv" >&2
  cmake --build "$build" --parallel "$(nproc)" --target gen_city >/dev/null
  "$build/bench/gen_city" --out "$city.part" --trees "$trees" --works "$works" --seed "$seed" \
    --csv "$csv" >&2
  mv "$city.part" "$city"
fi
if [[ ! -f $gpkg ]]; then  # as bench/run-import.sh makes it
  echo "== making $gpkg from the CSV" >&2
  ogr2ogr -f GPKG "$gpkg.part" "$csv" -nln trees -a_srs EPSG:25832 -oo AUTODETECT_TYPE=NO \
    -oo X_POSSIBLE_NAMES=x -oo Y_POSSIBLE_NAMES=y -oo KEEP_GEOM_COLUMNS=NO
  mv "$gpkg.part" "$gpkg"
fi

# The servers read a copy: the generated city stays as it was. The mixed load edits as field
# staff, with a key of its own.
store=$out/api-run.sqlite
rm -f "$store" "$store-wal" "$store-shm"
cp "$city" "$store"
api_key=$("$rootzone" users add bench-field-staff --role field_staff --db "$store" 2>&1 |
  grep -oE 'rz_[A-Za-z0-9_-]+' | head -1)

ms_work=$out/mapserver-peer
rz_log=$out/api-rootzone.log
rz_pid=
cleanup() {
  [[ -n $rz_pid ]] && kill "$rz_pid" 2>/dev/null && wait "$rz_pid" 2>/dev/null
  [[ -f $ms_work/lighttpd.pid ]] && bash "$here/mapserver-serve" --stop "$ms_work" 2>/dev/null
  return 0
}
trap cleanup EXIT

echo "== rootzone serve on 127.0.0.1:$rz_port" >&2
# No write limits: the mixed load's one field-staff key PATCHes about 100 times a second, over
# the per-key limit of issue 15 (20/s after a burst of 1000), which would answer 429 after ~10 s.
"$rootzone" serve --db "$store" --host 127.0.0.1 --port "$rz_port" --threads "$serve_threads" \
  --write-rate 0 --write-rate-per-address 0 2>"$rz_log" &
rz_pid=$!
for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$rz_port/health" && break; sleep 0.2; done
echo "== MapServer on 127.0.0.1:$ms_port" >&2
ID_FIELD=source_id bash "$here/mapserver-serve" "$gpkg" "$ms_port" "$ms_work" >&2

rz_prefix="/collections/trees/items?limit=100&bbox="
ms_prefix="/mapserv/peer/ogcapi/collections/trees/items?f=json&limit=100&bbox="

# rootzone must answer every box with a full page of 100 trees (each box holds more). MapServer
# 8.0 often returns fewer than `limit` from an OGR source although the box holds more (seen
# here: 91-100 per page), so its mean count per page is reported and only an empty page fails.
echo "== checking every box on both servers" >&2
bad=0
boxes=0
ms_features=0
while read -r box; do
  [[ $box =~ ^[-0-9] ]] || continue
  n_rz=$(curl -sf "http://127.0.0.1:$rz_port$rz_prefix$box" | jq '.features | length')
  n_ms=$(curl -sf "http://127.0.0.1:$ms_port$ms_prefix$box" | jq '.features | length')
  boxes=$((boxes + 1))
  ms_features=$((ms_features + n_ms))
  if [[ $n_rz != 100 || $n_ms == 0 ]]; then
    echo "box $box: rootzone $n_rz, MapServer $n_ms features (want 100, more than 0)" >&2
    bad=1
  fi
done <"$here/bboxes.txt"
((bad == 0)) || exit 1

# wrk with bench/api/items.lua; prints its report to a file and returns the RESULT line.
run_wrk() { # NAME PORT PREFIX
  local name=$1 port=$2 prefix=$3
  ITEMS_PREFIX=$prefix BBOXES=$here/bboxes.txt wrk -t"$wrk_threads" -c"$connections" -d"$warmup" \
    -s "$here/items.lua" "http://127.0.0.1:$port" >/dev/null
  ITEMS_PREFIX=$prefix BBOXES=$here/bboxes.txt wrk -t"$wrk_threads" -c"$connections" -d"$duration" \
    --latency -s "$here/items.lua" "http://127.0.0.1:$port" >"$out/api-wrk-$name.txt"
  cat "$out/api-wrk-$name.txt" >&2
  grep '^RESULT ' "$out/api-wrk-$name.txt"
}
field() { sed -nE "s/.* $1=([^ ]+).*/\1/p" <<<"$2"; }
cpu_of() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # user + system ticks

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "== wrk against rootzone" >&2
ticks0=$(cpu_of "$rz_pid")
rz_result=$(run_wrk rootzone "$rz_port" "$rz_prefix")
rz_ticks=$(($(cpu_of "$rz_pid") - ticks0))
load_mid=$(cut -d' ' -f1-3 /proc/loadavg)
echo "== wrk against MapServer" >&2
ms_result=$(run_wrk mapserver "$ms_port" "$ms_prefix")
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# Mixed load on rootzone: 90 % the same reads, 10 % PATCHes with If-Match (bench/api/mixed.lua).
# Every PATCH answered 200 must be one new tree_history row: no write lost.
echo "== wrk mixed load (90 % reads, 10 % PATCH) against rootzone" >&2
history() { sqlite3 "$store" 'SELECT count(*) FROM tree_history'; }
history0=$(history)
ITEMS_PREFIX=$rz_prefix BBOXES=$here/bboxes.txt API_KEY=$api_key FIRST_TREE=1001 wrk \
  -t"$wrk_threads" -c"$connections" -d"$duration" --latency -s "$here/mixed.lua" \
  "http://127.0.0.1:$rz_port" >"$out/api-wrk-mixed.txt"
cat "$out/api-wrk-mixed.txt" >&2
mixed_result=$(grep '^RESULT ' "$out/api-wrk-mixed.txt")
history_rows=$(($(history) - history0))
# A PATCH still in flight when wrk stops is stored but never counted: at most one per
# connection more history rows than counted PATCHes, never fewer.
patched=$(field patch_ok "$mixed_result")
if [[ $(field non2xx "$mixed_result") != 0 || $(field errors "$mixed_result") != 0 ||
  $(field patch_412 "$mixed_result") != 0 || $(field patch_other "$mixed_result") != 0 ||
  $history_rows -lt $patched || $history_rows -gt $((patched + connections)) ]]; then
  echo "mixed load: errors, a refused PATCH or history rows other than the PATCHes (+ those in flight at the end): $mixed_result, history +$history_rows" >&2
  bad=1
fi
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

for r in "$rz_result" "$ms_result"; do
  if [[ $(field non2xx "$r") != 0 || $(field errors "$r") != 0 ]]; then
    echo "errors during the run: $r" >&2
    bad=1
  fi
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", a / b}'; }
yes_no() { awk "BEGIN {print ($1) ? \"yes\" : \"**no**\"}"; }
rz_rps=$(field rps "$rz_result")
ms_rps=$(field rps "$ms_result")
rz_p99=$(field p99_ms "$rz_result")
ms_p99=$(field p99_ms "$ms_result")
hz=$(getconf CLK_TCK)
# rootzone's CPU per request over warm-up and measured run together (both its wrk runs).
rz_cpu_us=$(awk -v t="$rz_ticks" -v hz="$hz" -v r="$rz_rps" -v d="$duration" -v w="$warmup" \
  'BEGIN {gsub(/s/, "", d); gsub(/s/, "", w); printf "%.0f", t / hz * 1e6 / (r * (d + w))}')
cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
mem=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
page_rz=$(curl -s "http://127.0.0.1:$rz_port$rz_prefix$(grep -m1 '^[0-9]' "$here/bboxes.txt")" | wc -c)
page_ms=$(curl -s "http://127.0.0.1:$ms_port$ms_prefix$(grep -m1 '^[0-9]' "$here/bboxes.txt")" | wc -c)

cat <<EOF

### Run of $(date -u '+%Y-%m-%d %H:%M') UTC, commit $(git -C "$root" rev-parse --short HEAD)

Machine: $(nproc) cores, $cpu, $mem RAM; load average before / after rootzone / after MapServer / after the mixed load: $load_before / $load_mid / $load_after / $load_end.
$(mapserv -v | cut -d' ' -f1-3), lighttpd $(lighttpd -v | sed -nE 's/lighttpd\/([0-9.]+).*/\1/p') FastCGI with $(nproc) mapserv processes; $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2).
City: $trees trees, seed $seed: rootzone serves \`$(basename "$city")\` (a copy), MapServer \`$(basename "$gpkg")\` (layer trees, EPSG:25832).
Load: wrk -t$wrk_threads -c$connections, $warmup warm-up then $duration measured per server, the $(grep -c '^[0-9]' "$here/bboxes.txt") boxes of \`bench/api/bboxes.txt\` in turn, no gzip (wrk sends no Accept-Encoding); rootzone \`serve --threads $serve_threads\` (0: one per core).
Pages: rootzone 100 features on every box ($page_rz bytes for the first box, application/geo+json); MapServer $(awk -v f="$ms_features" -v b="$boxes" 'BEGIN {printf "%.1f", f / b}') features per page on average ($page_ms bytes for the first box).
Command: \`DURATION=$duration WARMUP=$warmup CONNECTIONS=$connections bash bench/api/run-items.sh\`

| server | requests/s | p50 | p90 | p99 | max | rootzone / MapServer requests/s | p99 rootzone <= MapServer | target >= 20x | met |
|---|---|---|---|---|---|---|---|---|---|
| MapServer 8 (GeoPackage) | $ms_rps | $(field p50_ms "$ms_result") ms | $(field p90_ms "$ms_result") ms | $ms_p99 ms | $(field max_ms "$ms_result") ms | 1 | | | |
| rootzone serve | $rz_rps | $(field p50_ms "$rz_result") ms | $(field p90_ms "$rz_result") ms | $rz_p99 ms | $(field max_ms "$rz_result") ms | $(ratio "$rz_rps" "$ms_rps")x | $(yes_no "$rz_p99 <= $ms_p99") | 20x | $(yes_no "$rz_rps / $ms_rps >= 20 && $rz_p99 <= $ms_p99") |

rootzone CPU per request (user + system of the server process): $rz_cpu_us us.

Mixed load on rootzone (\`bench/api/mixed.lua\`, same wrk settings, $duration): 9 of 10 requests the same item pages, every 10th a PATCH of one tree's \`height_m\` as field staff with the If-Match of its last answer (50 trees per wrk thread, one request per tree at a time; the first touch of a tree is a GET of it).

| load | requests/s | p50 | p90 | p99 | max | PATCH 200 / 412 / other | tree_history rows added |
|---|---|---|---|---|---|---|---|
| 90 % items, 10 % PATCH | $(field rps "$mixed_result") | $(field p50_ms "$mixed_result") ms | $(field p90_ms "$mixed_result") ms | $(field p99_ms "$mixed_result") ms | $(field max_ms "$mixed_result") ms | $(field patch_ok "$mixed_result") / $(field patch_412 "$mixed_result") / $(field patch_other "$mixed_result") | $history_rows |
EOF
exit "$bad"
