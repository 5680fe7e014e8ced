#pragma once
// What both stores' migration runners (migrations.cpp for SpatiaLite, pg/pg_store.cpp for
// PostGIS) do to a migration's text before they run it.
#include <string>

#include "rootzone/storage/migrations.hpp"

namespace rootzone::storage::detail {

// "0001_initial": the file name without ".sql", as in storage/sql/ and storage/sql/postgis/.
std::string migration_label(const Migration& m);

// The script with every {{srid}} replaced by the store's SRID: the SRID is per store, but a
// geometry column (AddGeometryColumn, geometry(Point, N)) needs it literally. It is an int this
// program checked, never text from input. Any other {{...}} is a SchemaError starting with
// `what`.
std::string with_srid(const Migration& m, int srid, const std::string& what);

}  // namespace rootzone::storage::detail
