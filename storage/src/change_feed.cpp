#include "rootzone/storage/change_feed.hpp"

#include "pg/pg_change_feed.hpp"
#include "rootzone/storage/location.hpp"
#include "rootzone/storage/store.hpp"

namespace rootzone::storage {

std::int64_t lock_data_generation(Store& store) { return store.backend().lock_data_generation(); }

std::int64_t bump_and_announce(Store& store,
                               const std::function<std::string(std::int64_t)>& announcement) {
  return store.backend().bump_and_announce(announcement);
}

std::unique_ptr<ChangeFeed> open_change_feed(const std::string& location) {
  if (!is_postgis_location(location)) return nullptr;
  return pg::open_change_feed(location);
}

}  // namespace rootzone::storage
