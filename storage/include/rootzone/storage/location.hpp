#pragma once
// Where a store lives: a SpatiaLite file (a path) or a PostgreSQL/PostGIS database (a libpq
// URI). One test decides it for every command (docs/postgis.md, "The connection string").
#include <string>
#include <string_view>

namespace rootzone::storage {

// True for postgresql:// and postgres:// (libpq's URI forms, any conninfo keyword may follow
// as a query parameter). libpq's key=value form is not accepted: "host=x" is also a valid
// file name.
bool is_postgis_location(std::string_view db);

// The location as it may be printed or logged: a URI's password ("user:secret@" or a
// password= parameter) becomes ***. Paths come back unchanged.
std::string printable_location(std::string_view db);

}  // namespace rootzone::storage
