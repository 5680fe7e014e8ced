#!/usr/bin/env bash
# The store of the soak and the slowloris runs (bench/soak/run.sh, bench/slowloris/run.sh):
# bench/out/soak/base.sqlite and the keys in bench/out/soak/keys.env.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$root/bench/out/soak
rootzone=${ROOTZONE:-$root/build/app/rootzone}
mkdir -p "$out"
# The store: the Konstanz sample (15,936 trees) and the demo works, as scripts/main-job.sh makes
# it, plus a field staff and a contractor key. Made once; every run serves a fresh copy.
base=$out/base.sqlite
if [[ ! -f $base ]]; then
  echo "== making $base" >&2
  rm -f "$base.part"
  "$rootzone" init --db "$base.part" --srid 25832 >&2
  "$rootzone" import trees "$root/data/trees/konstanz_baumkataster_2020.csv" --db "$base.part" \
    --mapping "$root/mappings/konstanz-baumkataster-2020.json" >&2
  "$rootzone" import works "$root/data/works/demo/konstanz_demo_works.geojson" --db "$base.part" \
    --mapping "$root/mappings/rootzone-works-geojson.json" >&2
  key_of() { grep -oE 'rz_[A-Za-z0-9_-]+' | head -1; }
  {
    echo "FIELD_KEY=$("$rootzone" users add soak-field --role field_staff --db "$base.part" 2>&1 | key_of)"
    echo "CONTRACTOR_KEY=$("$rootzone" users add soak-contractor --role contractor \
      --organisation 'Soak Tiefbau GmbH' --db "$base.part" 2>&1 | key_of)"
  } >"$out/keys.env"
  mv "$base.part" "$base"
fi
