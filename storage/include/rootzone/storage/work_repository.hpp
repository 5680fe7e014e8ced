#pragma once
// Works and their lifecycle transitions.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "rootzone/geo/time.hpp"
#include "rootzone/geo/work.hpp"

namespace rootzone::storage {

class WorkRepository {
 public:
  virtual ~WorkRepository() = default;

  // Stores a new work as version 1 and records its first status (from none to work.status)
  // by `user`; a zero updated_at means now. The geometry must be 2D WKB in the store's CRS
  // (ConstraintViolation otherwise, as for a duplicate reference or ends_at < starts_at).
  virtual std::int64_t insert(const geo::Work& work, std::string_view user) = 0;

  virtual geo::Work get(std::int64_t id) = 0;  // NotFound: "work 12 not found"
  virtual std::optional<geo::Work> find(std::int64_t id) = 0;
  virtual std::optional<geo::Work> find_by_reference(std::string_view reference) = 0;
  virtual std::vector<geo::Work> all() = 0;
  // The works that can conflict (geo::is_open), by id: what the conflict engine indexes.
  virtual std::vector<geo::Work> open() = 0;
  virtual std::int64_t count() = 0;

  // Stores `work` (found by work.id) when the store still has `expected_version`; bumps the
  // version and returns the stored work. The status changes only through set_status, which
  // records the transition: a different work.status is refused (StorageError).
  virtual geo::Work update(const geo::Work& work, std::int64_t expected_version,
                           geo::Timestamp at = geo::now_utc()) = 0;

  // Moves the work to change.to and records the transition (change.from is filled in from
  // the store, a zero change.at means now); bumps the version. Which transitions are
  // allowed is geo's rule, not checked here. Returns the recorded change.
  virtual geo::WorkStatusChange set_status(
      geo::WorkStatusChange change,
      std::optional<std::int64_t> expected_version = std::nullopt) = 0;
  // Oldest first; the first row is the status the work was created with.
  virtual std::vector<geo::WorkStatusChange> status_history(std::int64_t work_id) = 0;
};

}  // namespace rootzone::storage
