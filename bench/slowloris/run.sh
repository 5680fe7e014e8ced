#!/usr/bin/env bash
# Slowloris against `rootzone serve` alone and behind deploy/nginx/rootzone.conf (issue 15):
# bench/slowloris/slowloris.cpp opens SLOW connections that dribble one header byte every
# INTERVAL seconds while CLIENTS other clients ask for a page of 10 trees, one request at a
# time; their latency before and during the attack, and what became of the slow connections.
#
#   bash bench/slowloris/run.sh                   # 1,000 slow connections, 45 s each run
#   SLOW=200 SECONDS_RUN=40 MODES=alone bash bench/slowloris/run.sh
#
# Environment: SLOW (1000), INTERVAL (2), SECONDS_RUN (45; the header timeouts are 30 s here and
# in nginx), BASELINE (10), CLIENTS (2), SERVE_THREADS (2), MODES ("alone nginx"), ROOTZONE and
# SLOWLORIS (build/app/rootzone, build/bench/slowloris), RZ_PORT (18492), NGINX_PORT (18493).
# Exit status 1 when a measuring client's request failed or the p99 under attack was 50 ms or
# more.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
here=$root/bench/slowloris
out=$root/bench/out/soak
rootzone=${ROOTZONE:-$root/build/app/rootzone}
slowloris=${SLOWLORIS:-$root/build/bench/slowloris}
slow=${SLOW:-1000}
interval=${INTERVAL:-2}
seconds=${SECONDS_RUN:-45}
baseline=${BASELINE:-10}
clients=${CLIENTS:-2}
serve_threads=${SERVE_THREADS:-2}
modes=${MODES:-alone nginx}
rz_port=${RZ_PORT:-18492}
nginx_port=${NGINX_PORT:-18493}
path='/collections/trees/items?limit=10'

ROOTZONE=$rootzone bash "$root/bench/soak/store.sh"
# shellcheck source=bench/soak/nginx.sh
source "$root/bench/soak/nginx.sh"

rz_pid= nginx_pid=
cleanup() {
  [[ -n $nginx_pid ]] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  [[ -n $rz_pid ]] && kill "$rz_pid" 2>/dev/null && wait "$rz_pid" 2>/dev/null
  return 0
}
trap cleanup EXIT

field() { sed -nE "s/.* $1=([^ ]+).*/\1/p" <<<"$2"; }
bad=0
rows=()
for mode in $modes; do
  store=$out/slowloris-$mode.sqlite
  rm -f "$store" "$store-wal" "$store-shm"
  cp "$out/base.sqlite" "$store"
  echo "== $mode: rootzone serve on 127.0.0.1:$rz_port" >&2
  "$rootzone" serve --db "$store" --host 127.0.0.1 --port "$rz_port" --threads "$serve_threads" \
    2>"$out/slowloris-rootzone-$mode.log" &
  rz_pid=$!
  for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$rz_port/health" && break; sleep 0.2; done
  port=$rz_port
  if [[ $mode == nginx ]]; then
    start_nginx
    port=$nginx_port
  fi
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  echo "== $mode: $slow slow connections for ${seconds}s against port $port" >&2
  "$slowloris" --port "$port" --slow "$slow" --interval "$interval" --seconds "$seconds" \
    --baseline "$baseline" --clients "$clients" --path "$path" | tee "$out/slowloris-$mode.txt" >&2
  load_after=$(cut -d' ' -f1-3 /proc/loadavg)
  r=$(grep '^RESULT ' "$out/slowloris-$mode.txt")
  curl -sf -o /dev/null "http://127.0.0.1:$port/health" || { echo "$mode: /health failed" >&2; bad=1; }
  if [[ -n $nginx_pid ]]; then
    kill "$nginx_pid"
    wait "$nginx_pid" 2>/dev/null || true
    nginx_pid=
  fi
  kill "$rz_pid"
  wait "$rz_pid" 2>/dev/null || true
  rz_pid=
  if [[ $(field failed "$r") != 0 ]] || awk "BEGIN {exit !($(field p99_ms "$r") >= 50)}"; then
    echo "$mode: a failed request or p99 >= 50 ms under slowloris: $r" >&2
    bad=1
  fi
  rows+=("| $mode | $(field base_requests "$r") / $(field base_failed "$r") / $(field base_p99_ms "$r") ms | $(field requests "$r") / $(field failed "$r") | $(field p50_ms "$r") / $(field p99_ms "$r") / $(field max_ms "$r") ms | $(field slow "$r") ($(field refused "$r") refused) | $(field closed_408 "$r") / $(field closed_silent "$r") / $(field closed_other "$r") / $(field still_open "$r") | $(field close_min_s "$r")-$(field close_max_s "$r") s | $load_before / $load_after |")
done

cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
cat <<EOF

### Slowloris of $(date -u '+%Y-%m-%d %H:%M') UTC, commit $(git -C "$root" rev-parse --short HEAD)

Machine: $(nproc) cores, $cpu; $(/usr/sbin/nginx -v 2>&1 | cut -d' ' -f3). Store: Konstanz sample, \`serve --threads $serve_threads\` with its defaults (header timeout 30 s, \`--max-connections 1024\`); nginx with deploy/nginx/rootzone.conf (\`client_header_timeout 30s\`).
Load: $slow connections sending \`GET / HTTP/1.1\` and Host, then one byte of an endless header every ${interval} s; $clients other clients asking \`GET $path\` one at a time with 10 ms pauses, ${baseline} s alone, then ${seconds} s beside the slow connections.
Command: \`SLOW=$slow SECONDS_RUN=$seconds MODES="$modes" bash bench/slowloris/run.sh\`

| run | before: requests / failed / p99 | during: requests / failed | during: p50 / p99 / max | slow connections | closed with 408 / silently / other / still open | closed after | load before / after |
|---|---|---|---|---|---|---|---|
$(printf '%s\n' "${rows[@]}")
EOF
exit "$bad"
