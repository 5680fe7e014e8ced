#!/usr/bin/env bash
# Installs every Debian 12 package rootzone needs to build, test and run.
# Idempotent and non-interactive; uses sudo only when not root.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git ca-certificates
  # scripts/lint.sh (.clang-format, .clang-tidy)
  clang-format clang-tidy
  # geometry, CRS, files
  libgeos-dev libproj-dev proj-data proj-bin libgdal-dev gdal-bin
  # store
  libsqlite3-dev sqlite3 libspatialite-dev libsqlite3-mod-spatialite
  # the allocator of the rootzone binary (docs/architecture.md, "Allocator")
  libtcmalloc-minimal4
  # HTTP, JSON, tiles, compression, hashing of API keys
  libpistache-dev nlohmann-json3-dev libprotozero-dev zlib1g-dev libsodium-dev
  # the main job talks to its own server with curl
  curl
  # command line parsing (header-only CLI11), tests
  libcli11-dev catch2
  libvalijson-dev  # WZDx feeds against the official JSON Schemas (importers/src/wzdx_schema.cpp)
  nginx  # tests/api/test_nginx.cpp runs deploy/nginx/rootzone.conf in front of rootzone serve
  # the map page's browser tests (tests/web): playwright-core drives Debian's chromium; the
  # page names DejaVu Sans, so screenshots look the same on every machine
  chromium fonts-dejavu-core
  # the work statement's print test reads Chromium's PDF back with pdftotext
  poppler-utils
  # the PostGIS store (issue 16): libpq to build against; the server and PostGIS for the
  # throw-away PostgreSQL of the tests (scripts/pg-test-server.sh)
  libpq-dev postgresql-15 postgresql-15-postgis-3
)

if [[ $(id -u) -eq 0 ]]; then sudo=(); else sudo=(sudo); fi
export DEBIAN_FRONTEND=noninteractive

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# Tile tests decode with @mapbox/vector-tile and check against @mapbox/mvt-fixtures (tests/js).
# Any Node.js with npm will do. Machines that carry NodeSource's nodejs (which bundles npm and
# conflicts with Debian's npm package) keep theirs: asking apt for npm there fails the whole set-up.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  missing+=(nodejs npm)
fi
if ((${#missing[@]} == 0)); then
  echo "setup: all ${#packages[@]} Debian packages already installed"
  exit 0
fi
echo "setup: installing ${missing[*]}"
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
