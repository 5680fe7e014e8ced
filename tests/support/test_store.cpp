#include "support/test_store.hpp"

#include <cstdlib>
#include <stdexcept>
#include <string_view>

#include "postgis/pg_fixture.hpp"

namespace rootzone::test {

bool testing_postgis() {
  const char* store = std::getenv("ROOTZONE_TEST_STORE");
  if (store == nullptr || std::string_view(store).empty() || std::string_view(store) == "sqlite") {
    return false;
  }
  if (std::string_view(store) != "postgis") {
    throw std::runtime_error("ROOTZONE_TEST_STORE is '" + std::string(store) +
                             "': sqlite or postgis");
  }
  return true;
}

TestStore::TestStore(const TempDir& dir, const std::string& file_name) {
  if (testing_postgis()) {
    // The build's own throw-away server (fixture "postgis"), unless the caller named one.
    setenv("ROOTZONE_PG_DIR", ROOTZONE_PG_TEST_DIR, 0);
    database_ = std::make_unique<PgTestDatabase>(PgTestDatabase::Start::postgis);
    location_ = database_->url();
  } else {
    location_ = (dir / file_name).string();
  }
}

TestStore::~TestStore() = default;

}  // namespace rootzone::test
