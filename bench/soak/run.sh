#!/usr/bin/env bash
# The soak of issue 15 ("Load and abuse"): `rootzone serve` under a mixed load (bench/soak/
# soak.lua: tree pages, tiles, works pages, PATCH with If-Match, work submissions) on 256
# connections for 10 minutes, once alone and once behind deploy/nginx/rootzone.conf; the
# server's RSS and open descriptors sampled from /proc every 10 s, drawn by gnuplot into
# bench/soak/soak.svg. A Markdown summary on stdout, progress on stderr.
#
#   bash bench/soak/run.sh                         # 600 s per run, 256 connections
#   SOAK_SECONDS=60 MODES=alone bash bench/soak/run.sh
#
# The write limits are off: one key PATCHes far faster than a person (docs/RELIABILITY.md).
# Environment: SOAK_SECONDS (600), CONNECTIONS (256), WRK_THREADS (2), SERVE_THREADS (2),
# MODES ("alone nginx"), ROOTZONE (build/app/rootzone), RZ_PORT (18490), NGINX_PORT (18491),
# SVG (bench/soak/soak.svg), SUBMIT_EVERY (500: one request in 500 submits a work; 0: none),
# LABEL (a suffix for the run's files in bench/out/soak; no plot then), EDITS (0: no PATCH and no
# submission, reads only), ALLOC_STATS (1: tcmalloc's own accounting every 10 s into
# bench/out/soak/alloc-MODE[LABEL].dat, through bench/soak/alloc_stats.c preloaded; needs cc and a
# tcmalloc build). Exit status 1 when a run saw a 5xx other than 503 with
# Retry-After, a socket error, or a refused PATCH.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
here=$root/bench/soak
out=$root/bench/out/soak
rootzone=${ROOTZONE:-$root/build/app/rootzone}
seconds=${SOAK_SECONDS:-600}
connections=${CONNECTIONS:-256}
wrk_threads=${WRK_THREADS:-2}
serve_threads=${SERVE_THREADS:-2}
modes=${MODES:-alone nginx}
rz_port=${RZ_PORT:-18490}
nginx_port=${NGINX_PORT:-18491}
svg=${SVG:-$here/soak.svg}
label=${LABEL:-}  # appended to the names of a run's files: a control run keeps the main one's
submit_every=${SUBMIT_EVERY:-500}
alloc_stats=${ALLOC_STATS:-0}
export SUBMIT_EVERY=$submit_every
mkdir -p "$out"

need=()
for p in wrk nginx gnuplot-nox sqlite3 proj-bin curl; do dpkg -s $p >/dev/null 2>&1 || need+=($p); done
if ((${#need[@]})); then
  echo "== installing ${need[*]}" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
[[ -x $rootzone ]] || { echo "no $rootzone: build first (scripts/build.sh)" >&2; exit 1; }

ROOTZONE=$rootzone bash "$here/store.sh"
if [[ $alloc_stats == 1 ]]; then
  cc -O2 -shared -fPIC -o "$out/alloc_stats.so" "$here/alloc_stats.c" -ldl -lpthread
fi
base=$out/base.sqlite
# shellcheck disable=SC1091
source "$out/keys.env"
sqlite3 -separator ' ' "$base" "
  SELECT t.id, (i.xmin + i.xmax) / 2, (i.ymin + i.ymax) / 2
  FROM idx_trees_location i JOIN trees t ON t.id = i.pkid
  WHERE t.status = 'existing' ORDER BY i.pkid" >"$out/trees.txt"
bash "$root/bench/tiles/tile_list.sh" "$base" 40 97 >"$out/tiles.txt"

rz_pid= nginx_pid= sampler_pid=
cleanup() {
  [[ -n $sampler_pid ]] && kill "$sampler_pid" 2>/dev/null
  [[ -n $nginx_pid ]] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  [[ -n $rz_pid ]] && kill "$rz_pid" 2>/dev/null && wait "$rz_pid" 2>/dev/null
  return 0
}
trap cleanup EXIT

# shellcheck source=bench/soak/nginx.sh
source "$here/nginx.sh"

# "seconds rss_mib open_fds anon_mib file_mib" every 10 s from /proc until killed: RSS, and of
# it the heap and other anonymous memory (RssAnon) apart from pages of mapped files (RssFile:
# the store is read through a memory map, so the store's pages the server touched count too).
sample() { # PID FILE
  local pid=$1 file=$2 t0=$SECONDS
  echo "# seconds rss_mib open_fds anon_mib file_mib (rootzone serve, pid $pid)" >"$file"
  while kill -0 "$pid" 2>/dev/null; do
    local mem fds rss anon mapped
    mem=$(awk '/^(VmRSS|RssAnon|RssFile):/ {v[$1] = $2 / 1024}
      END {printf "%.1f %.1f %.1f", v["VmRSS:"], v["RssAnon:"], v["RssFile:"]}' "/proc/$pid/status")
    fds=$(find "/proc/$pid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
    read -r rss anon mapped <<<"$mem"
    echo "$((SECONDS - t0)) $rss $fds $anon $mapped" >>"$file"
    sleep 10
  done
}

field() { sed -nE "s/.* $1=([^ ]+).*/\1/p" <<<"$2"; }
col() { awk -v c="$2" '!/^#/ {print $c}' "$1"; }
bad=0
rows=()
for mode in $modes; do
  store=$out/run-$mode$label.sqlite
  rm -f "$store" "$store-wal" "$store-shm"
  cp "$base" "$store"
  echo "== $mode: rootzone serve on 127.0.0.1:$rz_port" >&2
  preload=()
  if [[ $alloc_stats == 1 ]]; then
    preload=(env "LD_PRELOAD=$out/alloc_stats.so" "ALLOC_STATS_FILE=$out/alloc-$mode$label.dat")
  fi
  nice -n 10 "${preload[@]}" "$rootzone" serve --db "$store" --host 127.0.0.1 --port "$rz_port" \
    --threads "$serve_threads" --write-rate 0 --write-rate-per-address 0 \
    2>"$out/rootzone-$mode$label.log" &
  rz_pid=$!
  for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$rz_port/health" && break; sleep 0.2; done
  url=http://127.0.0.1:$rz_port
  if [[ $mode == nginx ]]; then
    start_nginx
    url=http://127.0.0.1:$nginx_port
  fi
  works0=$(sqlite3 "$store" 'SELECT count(*) FROM works')
  history0=$(sqlite3 "$store" 'SELECT count(*) FROM tree_history')
  sample "$rz_pid" "$out/samples-$mode$label.dat" &
  sampler_pid=$!
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  echo "== $mode: wrk -t$wrk_threads -c$connections -d${seconds}s against $url" >&2
  TREES=$out/trees.txt TILES=$out/tiles.txt FIELD_KEY=$FIELD_KEY CONTRACTOR_KEY=$CONTRACTOR_KEY \
    nice -n 10 wrk -t"$wrk_threads" -c"$connections" -d"${seconds}s" --timeout 10s --latency \
    -s "$here/soak.lua" "$url" >"$out/wrk-$mode$label.txt"
  load_after=$(cut -d' ' -f1-3 /proc/loadavg)
  sleep 11  # one more sample after the load
  kill "$sampler_pid" 2>/dev/null || true
  sampler_pid=
  cat "$out/wrk-$mode$label.txt" >&2
  result=$(grep '^RESULT ' "$out/wrk-$mode$label.txt")
  curl -sf -o /dev/null "$url/health" || { echo "$mode: /health failed after the soak" >&2; bad=1; }
  if [[ -n $nginx_pid ]]; then
    kill "$nginx_pid"
    wait "$nginx_pid" 2>/dev/null || true
    nginx_pid=
  fi
  kill "$rz_pid"
  wait "$rz_pid" 2>/dev/null || true
  rz_pid=
  works=$(($(sqlite3 "$store" 'SELECT count(*) FROM works') - works0))
  history=$(($(sqlite3 "$store" 'SELECT count(*) FROM tree_history') - history0))
  s5xx=$(field s5xx "$result")
  s503ra=$(field s503_retry_after "$result")
  # Every PATCH rootzone answered 200 (its access log, which also logs those whose client had
  # gone: wrk stops with requests in flight) is one tree_history row; wrk saw at most as many.
  patch_ok=$(field patch_ok "$result")
  patch_200=$(grep '"method":"PATCH"' "$out/rootzone-$mode$label.log" | grep -c '"status":200' || true)
  if ((s5xx != s503ra)) || [[ $(field errors "$result") != 0 || $(field patch_other "$result") != 0 ]] ||
    ((patch_ok > patch_200 || history != patch_200)); then
    echo "$mode: a 5xx without Retry-After, a socket error, a refused PATCH or lost edit: $result, PATCH 200 by rootzone $patch_200, history +$history" >&2
    bad=1
  fi
  f=$out/samples-$mode$label.dat
  rss_60=$(awk '!/^#/ && $1 >= 60 {print $2; exit}' "$f")
  heap_60=$(awk '!/^#/ && $1 >= 60 {print $4; exit}' "$f")
  heap_end=$(col "$f" 4 | tail -1)
  rss_end=$(col "$f" 2 | tail -1)
  rss_max=$(col "$f" 2 | sort -n | tail -1)
  fds_min=$(col "$f" 3 | sort -n | head -1)
  fds_max=$(col "$f" 3 | sort -n | tail -1)
  fds_end=$(col "$f" 3 | tail -1)
  rows+=("| $mode | $(field requests "$result") | $(field rps "$result") | $(field p50_ms "$result") / $(field p99_ms "$result") / $(field max_ms "$result") ms | $(field s2xx "$result") / $(field s4xx "$result") / $s5xx ($s503ra with Retry-After) | $(field errors "$result") | $patch_ok / $(field s412 "$result") / $(field patch_other "$result") ($patch_200 answered 200 by rootzone, $history rows) | $(field posted "$result") ($works) | $rss_60 / $rss_max / $rss_end | $heap_60 / $heap_end | $fds_min / $fds_max / $fds_end | $load_before / $load_after |")
done

# RSS and descriptors over time, one line per run (only for the full set of modes).
if [[ -z $label ]]; then
  MODES=$modes CONNECTIONS=$connections SOAK_SECONDS=$seconds bash "$here/plot.sh" "$svg"
fi

cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
cat <<EOF

### Soak of $(date -u '+%Y-%m-%d %H:%M') UTC, commit $(git -C "$root" rev-parse --short HEAD)

Machine: $(nproc) cores, $cpu; $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), $(/usr/sbin/nginx -v 2>&1 | cut -d' ' -f3), $(gnuplot --version).
Store: Konstanz sample ($(wc -l <"$out/trees.txt") existing trees) and the demo works; \`serve --threads $serve_threads\` at nice 10, wrk at nice 10.
Load: \`wrk -t$wrk_threads -c$connections -d${seconds}s --timeout 10s -s bench/soak/soak.lua\`: of 100 requests ~48 tree pages (120 m boxes), 30 tiles ($(wc -l <"$out/tiles.txt") tiles z12-18), 10 works pages, 10 tree GET/PATCH with If-Match (field staff); one request in $submit_every (0: none) a work submission (contractor).
Command: \`SOAK_SECONDS=$seconds CONNECTIONS=$connections SUBMIT_EVERY=$submit_every EDITS=${EDITS:-1} ALLOC_STATS=$alloc_stats LABEL=$label MODES="$modes" bash bench/soak/run.sh\`

| run | requests | requests/s | p50 / p99 / max | 2xx / 4xx / 5xx | socket errors | PATCH 200 / 412 / other seen by wrk (server's count, tree_history rows added) | works submitted (stored) | RSS MiB at 60 s / max / end | heap (RssAnon) MiB at 60 s / end | open fds min / max / end | load before / after |
|---|---|---|---|---|---|---|---|---|---|---|---|
$(printf '%s\n' "${rows[@]}")
EOF
exit "$bad"
