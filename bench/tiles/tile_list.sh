#!/usr/bin/env bash
# A fixed list of tiles z12-z18 over a store: the tiles holding every K-th tree of the R*Tree
# (deterministic for a store), one "z x y" line each, deduplicated, at most N per zoom.
#   tile_list.sh STORE.sqlite [N=40] [K=20011]
set -euo pipefail
db=$1; n=${2:-40}; k=${3:-20011}
srid=$(sqlite3 "$db" "SELECT value FROM store_meta WHERE key = 'srid'")
sqlite3 -separator ' ' "$db" "SELECT (xmin + xmax) / 2, (ymin + ymax) / 2 FROM idx_trees_location WHERE pkid % $k = 7 ORDER BY pkid" |
  cs2cs -f %.9f "EPSG:$srid" EPSG:4326 |
  awk -v n="$n" '
    # cs2cs gives EPSG:4326 as lat lon.
    { lat = $1; lon = $2; pi = atan2(0, -1)
      for (z = 12; z <= 18; z++) {
        t = 2 ^ z; x = int((lon + 180) / 360 * t)
        r = lat * pi / 180; y = int((1 - log(sin(r) / cos(r) + 1 / cos(r)) / pi) / 2 * t)
        key = z " " x " " y
        if (!(key in seen) && count[z] < n) { seen[key] = 1; count[z]++; print key }
      } }' | sort -n -k1,1 -s
