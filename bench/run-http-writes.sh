#!/usr/bin/env bash
# The cost of writing responses ourselves (issue 15, defect 7): two `rootzone serve` binaries,
# BEFORE and AFTER, on copies of the soak store (bench/soak/store.sh), loaded in turn by the same
# wrk command on /health (tiny), a cached vector tile (39 KB) and a 1,000-tree page (670 KB),
# ROUNDS times, alternating, so a load shared with other work falls on both alike.
#
#   BEFORE=/tmp/rootzone-old AFTER=build/app/rootzone bash bench/run-http-writes.sh
#
# Environment: PATHS (the three above, space-separated), ROUNDS (3), DURATION (10s), CONNECTIONS (50), WRK_THREADS (2), SERVE_THREADS (2).
# Prints one Markdown row per run and the median req/s per binary and path.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
before=${BEFORE:?the old binary}
after=${AFTER:-$root/build/app/rootzone}
rounds=${ROUNDS:-3}
duration=${DURATION:-10s}
connections=${CONNECTIONS:-50}
wrk_threads=${WRK_THREADS:-2}
serve_threads=${SERVE_THREADS:-2}
port=${PORT:-18591}
ROOTZONE=$before bash "$root/bench/soak/store.sh"
base=$root/bench/out/soak/base.sqlite
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
read -r -a paths <<<"${PATHS:-/health /tiles/city/14/8608/5712.mvt /collections/trees/items?limit=1000}"
declare -A results cpu
echo "| round | binary | path | req/s | transfer/s | server CPU µs/request |"
echo "|---|---|---|---|---|---|"
for ((round = 1; round <= rounds; round++)); do
  for which in before after; do
    bin=$before
    [[ $which == after ]] && bin=$after
    cp "$base" "$work/store.sqlite"
    "$bin" serve --db "$work/store.sqlite" --port "$port" --threads "$serve_threads" \
      >"$work/serve.log" 2>&1 &
    pid=$!
    for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done
    for path in "${paths[@]}"; do
      curl -sf -o /dev/null "http://127.0.0.1:$port$path"  # warm: the tile cache, the pages
      cpu0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
      out=$(wrk -t"$wrk_threads" -c"$connections" -d"$duration" "http://127.0.0.1:$port$path")
      cpu1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
      rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
      n=$(awk '/requests in/ {print $1}' <<<"$out")
      # The server's CPU (user + system) per request: unlike req/s, hardly moved by other load.
      us=$(awk -v c=$((cpu1 - cpu0)) -v n="$n" -v hz="$(getconf CLK_TCK)" \
        'BEGIN {printf "%.0f", c * 1e6 / hz / n}')
      tps=$(awk '/^Transfer\/sec/ {print $2}' <<<"$out")
      if grep -q "Non-2xx\|Socket errors" <<<"$out"; then echo "errors: $out" >&2; fi
      echo "| $round | $which | \`$path\` | $rps | $tps | $us |"
      results[$which $path]+="$rps "
      cpu[$which $path]+="$us "
    done
    kill "$pid"
    wait "$pid" 2>/dev/null || true
  done
done
echo
median() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "| path | req/s before (median) | after | after / before | CPU µs/request before (median) | after | after / before |"
echo "|---|---|---|---|---|---|---|"
for path in "${paths[@]}"; do
  b=$(median "${results[before $path]}")
  a=$(median "${results[after $path]}")
  cb=$(median "${cpu[before $path]}")
  ca=$(median "${cpu[after $path]}")
  echo "| \`$path\` | $b | $a | $(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.3f", a / b}') | $cb | $ca | $(awk -v a="$ca" -v b="$cb" 'BEGIN {printf "%.3f", a / b}') |"
done
echo
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load before: $(cut -d' ' -f1-3 /proc/loadavg); wrk -t$wrk_threads -c$connections -d$duration; serve --threads $serve_threads."
