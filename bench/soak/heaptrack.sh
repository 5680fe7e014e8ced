#!/usr/bin/env bash
# Where the heap goes (docs/RELIABILITY.md "Soak"): `rootzone serve` of a build without tcmalloc
# (heaptrack sees only malloc; tcmalloc's operator new hides from it) under heaptrack, driven by
# the soak's wrk script, then killed with -9 so that every allocation still alive counts as
# "leaked". Two runs of different lengths, compared per call site, show what grows with the load.
#
#   ROOTZONE_BUILD_DIR=build-heap bash scripts/build.sh -DROOTZONE_TCMALLOC=OFF
#   ROOTZONE=build-heap/app/rootzone MIX=half CONNECTIONS=64 SUBMIT_EVERY=0 \
#     bash bench/soak/heaptrack.sh 40 m40
#   ... bash bench/soak/heaptrack.sh 200 m200
#   heaptrack_print -f bench/out/soak/heaptrack-m200.zst -l 1    # live at the end, by site
#
# Arguments: SECONDS NAME. Environment: ROOTZONE (build-heap/app/rootzone), CONNECTIONS (256),
# SUBMIT_EVERY (500), RZ_PORT (18590), MIX: soak (bench/soak/soak.lua as it is), half (five
# requests in ten a PATCH), edits (every request a PATCH while a tree is ready). Writes
# bench/out/soak/heaptrack-NAME.zst, heaptrack-NAME.log (the server's stderr), wrk-heap-NAME.txt
# and heap-NAME.dat (seconds and RssAnon in KiB every 10 s).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here=$root/bench/soak
out=$root/bench/out/soak
seconds=$1 name=$2
rootzone=${ROOTZONE:-$root/build-heap/app/rootzone}
port=${RZ_PORT:-18590}
export SUBMIT_EVERY=${SUBMIT_EVERY:-500}
command -v heaptrack >/dev/null || { echo "heaptrack is needed (Debian: heaptrack)" >&2; exit 1; }
[[ -f $out/trees.txt && -f $out/tiles.txt ]] || { echo "run bench/soak/run.sh once first" >&2; exit 1; }
# shellcheck disable=SC1091
source "$out/keys.env"
lua=$here/soak.lua
case ${MIX:-soak} in
  soak) ;;
  half) lua=$out/soak-half.lua
    sed 's/if d == 5 and edits then/if (d == 0 or d == 4 or d == 5 or d == 6 or d == 8) and edits then/' \
      "$here/soak.lua" >"$lua" ;;
  edits) lua=$out/soak-edits.lua
    sed 's/if d == 5 and edits then/if edits then/' "$here/soak.lua" >"$lua" ;;
  *) echo "MIX: soak, half or edits" >&2; exit 64 ;;
esac
store=$out/heaptrack-$name.sqlite
rm -f "$store" "$store-wal" "$store-shm"
cp "$out/base.sqlite" "$store"
heaptrack -o "$out/heaptrack-$name" "$rootzone" serve --db "$store" --host 127.0.0.1 \
  --port "$port" --threads 2 --write-rate 0 --write-rate-per-address 0 \
  >/dev/null 2>"$out/heaptrack-$name.log" &
for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/health" && break; sleep 0.3; done
# The server itself, not heaptrack's wrapper script (whose arguments name the binary too).
pid=$(pgrep -f "^$rootzone serve --db $store")
(while kill -0 "$pid" 2>/dev/null; do
  echo "$SECONDS $(awk '/^RssAnon:/ {print $2}' "/proc/$pid/status")"
  sleep 10
done) >"$out/heap-$name.dat" &
TREES=$out/trees.txt TILES=$out/tiles.txt FIELD_KEY=$FIELD_KEY CONTRACTOR_KEY=$CONTRACTOR_KEY \
  wrk -t2 -c"${CONNECTIONS:-256}" -d"${seconds}s" --timeout 10s -s "$lua" \
  "http://127.0.0.1:$port" >"$out/wrk-heap-$name.txt"
sleep 2
kill -9 "$pid"
wait || true
grep '^RESULT ' "$out/wrk-heap-$name.txt"
