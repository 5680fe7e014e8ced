#!/usr/bin/env bash
# Preview bodies over a store: for every K-th protected tree of the R*Tree (deterministic for a
# store), a 50 m trench (1 m wide, kind trench) parallel to the x axis, 2 to 8 m beside the stem
# (the offset cycles with the tree), so most previews find conflicts and no two ask the same.
# One JSON body per line, coordinates in the store CRS (sent with Content-Crs).
#   bodies.sh STORE.sqlite [N=2000] [K=257]
set -euo pipefail
db=$1; n=${2:-2000}; k=${3:-257}
sqlite3 -separator ' ' "$db" "
  SELECT (i.xmin + i.xmax) / 2, (i.ymin + i.ymax) / 2, i.pkid
  FROM idx_trees_location i JOIN trees t ON t.id = i.pkid
  WHERE i.pkid % $k = 3 AND t.is_protected = 1 AND t.status = 'existing'
  ORDER BY i.pkid LIMIT $n" |
  awk '{ off = 2 + ($3 % 7); y = $2 + off
         printf "{\"type\":\"Feature\",\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[%.3f,%.3f],[%.3f,%.3f]]},", $1 - 25, y, $1 + 25, y
         printf "\"properties\":{\"reference\":\"BENCH-%d\",\"title\":\"Hausanschluss\",\"kind\":\"trench\",\"width_m\":1.0,", $3
         printf "\"starts_at\":\"2027-05-03T07:00:00+02:00\",\"ends_at\":\"2027-05-21T17:00:00+02:00\"}}\n" }'
