#pragma once
// Works and their lifecycle transitions.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "rootzone/geo/time.hpp"
#include "rootzone/geo/work.hpp"

namespace rootzone::storage {

class Database;

class WorkRepository {
 public:
  WorkRepository(Database& db, int srid);

  // Stores a new work as version 1 and records its first status (from none to work.status)
  // by `user`; a zero updated_at means now. The geometry must be 2D WKB in the store's CRS
  // (ConstraintViolation otherwise, as for a duplicate reference or ends_at < starts_at).
  std::int64_t insert(const geo::Work& work, std::string_view user);

  geo::Work get(std::int64_t id);  // NotFound: "work 12 not found"
  std::optional<geo::Work> find(std::int64_t id);
  std::optional<geo::Work> find_by_reference(std::string_view reference);
  std::vector<geo::Work> all();
  // The works that can conflict (geo::is_open), by id: what the conflict engine indexes.
  std::vector<geo::Work> open();
  std::int64_t count();

  // Stores `work` (found by work.id) when the store still has `expected_version`; bumps the
  // version and returns the stored work. The status changes only through set_status, which
  // records the transition: a different work.status is refused (StorageError).
  geo::Work update(const geo::Work& work, std::int64_t expected_version,
                   geo::Timestamp at = geo::now_utc());

  // Moves the work to change.to and records the transition (change.from is filled in from
  // the store, a zero change.at means now); bumps the version. Which transitions are
  // allowed is geo's rule, not checked here. Returns the recorded change.
  geo::WorkStatusChange set_status(geo::WorkStatusChange change,
                                   std::optional<std::int64_t> expected_version = std::nullopt);
  // Oldest first; the first row is the status the work was created with.
  std::vector<geo::WorkStatusChange> status_history(std::int64_t work_id);

 private:
  Database& db_;
  int srid_;
};

}  // namespace rootzone::storage
