#pragma once
// What a store holds, read by SQL that means the same on SpatiaLite and PostGIS: for the API
// tests that prove a refused request changed nothing (every table's row count) and for the few
// counts no repository gives. The location is what --db takes (test::TestStore::location()).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace rootzone::test {

// Every row of `sql` (no parameters), each column as text ("" for NULL).
std::vector<std::vector<std::string>> store_rows(const std::string& location,
                                                 const std::string& sql);
// The first column of the first row of `sql` as an integer (a count).
std::int64_t store_count(const std::string& location, const std::string& sql);
// The row count of every ordinary table of the store (SpatiaLite's metadata and R*Tree shadow
// tables, PostGIS's spatial_ref_sys included), plus "(data generation)", which every writer
// bumps.
std::map<std::string, std::int64_t> table_row_counts(const std::string& location);

}  // namespace rootzone::test
