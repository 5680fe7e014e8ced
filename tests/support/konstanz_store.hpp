#pragma once
// The Konstanz sample (data/trees, 15,936 trees, EPSG:25832 by default) imported into a fresh
// store through the rootzone command, as a newcomer would: the store of the tests that check
// answers against the sample CSV (CQL2, GDAL as a client).
#include <catch2/catch.hpp>
#include <string>

#include "support/run.hpp"
#include "support/temp_dir.hpp"
#include "support/test_store.hpp"

namespace rootzone::test {

// Into `db`, a location for --db with no store yet (a file path, or test::TestStore's).
inline void import_konstanz(const std::string& db) {
  const std::string source = ROOTZONE_SOURCE_DIR;
  REQUIRE(run_rootzone({"init", "--db", db}).exit_code == 0);
  REQUIRE(
      run_rootzone({"import", "trees", source + "/data/trees/konstanz_baumkataster_2020.csv",
                    "--db", db, "--mapping", source + "/mappings/konstanz-baumkataster-2020.json"})
          .exit_code == 0);
}

// Into `dir`/konstanz.sqlite (SpatiaLite).
inline std::string konstanz_store(const TempDir& dir) {
  const auto db = (dir / "konstanz.sqlite").string();
  import_konstanz(db);
  return db;
}

// The same into the test's store (support/test_store.hpp): a file, or a PostGIS database.
inline std::string konstanz_store(const TestStore& store) {
  const std::string source = ROOTZONE_SOURCE_DIR;
  const auto& db = store.location();
  REQUIRE(run_rootzone({"init", "--db", db}).exit_code == 0);
  REQUIRE(
      run_rootzone({"import", "trees", source + "/data/trees/konstanz_baumkataster_2020.csv",
                    "--db", db, "--mapping", source + "/mappings/konstanz-baumkataster-2020.json"})
          .exit_code == 0);
  return db;
}

}  // namespace rootzone::test
