#pragma once
// The same city in both stores, for tests that hold the PostGIS store to the SpatiaLite one:
// a SpatiaLite store is filled through its repositories (the reference), and its rows are
// copied into a PostGIS store with plain SQL, every value exact (doubles as the shortest text
// that reads back the same, geometries as WKB).
#include <string>

#include "rootzone/storage/store.hpp"

namespace rootzone::test {

// Copies trees (their stems with them) and works (ids kept) from `from` into the PostGIS store at
// `url`, which must be empty (made by Store::create).
void copy_city_to_postgis(storage::Store& from, const std::string& url);

// A SpatiaLite store at `path` holding every hand-computed conflict case of
// tests/cases/conflicts, case i moved 1 km east of case i-1 in Mainz (EPSG:25832), its trees'
// numbers and works' references prefixed with the case's name: conflicts of every severity,
// zones of every rule, work clashes, felled and unprotected trees.
storage::Store city_of_all_cases(const std::string& path);

}  // namespace rootzone::test
