#!/usr/bin/env bash
# The soak's plot from the samples of bench/soak/run.sh (bench/out/soak/samples-MODE.dat):
# RSS, its heap part (RssAnon) and open descriptors of `rootzone serve` over time, per run, as SVG.
#   bash bench/soak/plot.sh [SVG=bench/soak/soak.svg]     (MODES, CONNECTIONS, SOAK_SECONDS)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$root/bench/out/soak
svg=${1:-$root/bench/soak/soak.svg}
modes=${MODES:-alone nginx}
title="rootzone serve under the soak: ${CONNECTIONS:-256} connections, ${SOAK_SECONDS:-600} s of load (bench/soak/run.sh)"
rss=() fds=()
for mode in $modes; do
  name=$([[ $mode == nginx ]] && echo "behind nginx" || echo "alone")
  rss+=("'samples-$mode.dat' using 1:2 with linespoints pointtype 7 pointsize 0.5 title '$name: RSS'")
  rss+=("'samples-$mode.dat' using 1:4 with linespoints pointtype 6 pointsize 0.5 title '$name: heap (RssAnon)'")
  fds+=("'samples-$mode.dat' using 1:3 with linespoints pointtype 7 pointsize 0.5 title '$name'")
done
join() { local IFS=,; echo "$*"; }
# Run in $out with relative file names: the committed SVG holds no path of this machine.
(cd "$out" && gnuplot) <<GNUPLOT
set terminal svg size 900,640 dynamic font 'sans,12'
set output '$svg'
set multiplot layout 2,1 title "$title"
set grid
set key bottom right
set xlabel 'seconds since the server started (sampled every 10 s from /proc)'
set ylabel 'MiB'
set yrange [0:*]
plot $(join "${rss[@]}")
set ylabel 'open file descriptors'
plot $(join "${fds[@]}")
unset multiplot
GNUPLOT
