#!/usr/bin/env bash
# The main job of the README: installs, builds, creates the default store and shows it.
# Import, conflict check and server join this script as their issues land.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-debian.sh
bash scripts/build.sh
rootzone=build/app/rootzone
db=${ROOTZONE_DB:-var/rootzone.sqlite}
mkdir -p "$(dirname "$db")"
if [[ ! -f $db ]]; then
  "$rootzone" init --db "$db" --srid 25832
fi
"$rootzone" info --db "$db"
