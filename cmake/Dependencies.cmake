# Debian 12 packages only (scripts/setup-debian.sh installs them).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(GEOS 3.11 REQUIRED CONFIG)           # GEOS::geos_c
find_package(PROJ 9 REQUIRED CONFIG)              # PROJ::proj
find_package(nlohmann_json 3.11 REQUIRED)
find_package(GDAL 3.6 REQUIRED CONFIG)             # GDAL::GDAL (importers)
find_package(CLI11 REQUIRED CONFIG)
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
pkg_check_modules(SPATIALITE REQUIRED IMPORTED_TARGET spatialite)
# The PostGIS store (storage/src/pg/, issue 16) talks to PostgreSQL through libpq.
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(PISTACHE REQUIRED IMPORTED_TARGET libpistache)
find_package(ZLIB REQUIRED)                        # ZLIB::ZLIB (api gzip)
find_path(PROTOZERO_INCLUDE_DIR protozero/pbf_writer.hpp REQUIRED)  # libprotozero-dev (MVT)
