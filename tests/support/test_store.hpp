#pragma once
// The store a test runs against. Tests registered for both stores (rootzone_test(... BOTH_STORES)
// in tests/CMakeLists.txt) run twice in CTest: as themselves on a SpatiaLite file, and with the
// prefix "pg." on a fresh database of the throw-away PostgreSQL (fixture "postgis"), where CTest
// sets ROOTZONE_TEST_STORE=postgis. A test case that can only hold on SpatiaLite (it opens the
// file with sqlite3, say) is tagged [sqlite-only] and is not registered for PostGIS.
#include <memory>
#include <string>

#include "support/temp_dir.hpp"

namespace rootzone::test {

class PgTestDatabase;

// True in the "pg." registration of a test.
bool testing_postgis();

class TestStore {
 public:
  // A location for `rootzone init` / storage::Store::create: `dir / file_name` on SpatiaLite;
  // on PostGIS a fresh database with the PostGIS extension and no store yet, dropped again
  // when this object goes.
  explicit TestStore(const TempDir& dir, const std::string& file_name = "store.sqlite");
  ~TestStore();
  TestStore(const TestStore&) = delete;
  TestStore& operator=(const TestStore&) = delete;

  // What --db takes: a file path or a postgresql:// URI.
  const std::string& location() const { return location_; }
  bool postgis() const { return database_ != nullptr; }

 private:
  std::unique_ptr<PgTestDatabase> database_;
  std::string location_;
};

}  // namespace rootzone::test
