#include "rootzone/storage/data_generation.hpp"

#include "rootzone/storage/database.hpp"

namespace rootzone::storage {

std::int64_t data_generation(Database& db) {
  auto st = db.prepare("SELECT CAST(value AS INTEGER) FROM store_meta WHERE key = 'generation'");
  return st.step() ? st.int64(0) : 0;
}

std::int64_t bump_data_generation(Database& db) {
  auto st = db.prepare(
      "INSERT INTO store_meta (key, value) VALUES ('generation', '1') "
      "ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1 "
      "RETURNING CAST(value AS INTEGER)");
  st.step();
  const auto value = st.int64(0);
  st.reset();
  return value;
}

}  // namespace rootzone::storage
