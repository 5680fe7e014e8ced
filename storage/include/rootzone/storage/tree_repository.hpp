#pragma once
// Trees, their stems, their field-by-field history and their inspections.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "rootzone/geo/time.hpp"
#include "rootzone/geo/tree.hpp"

namespace rootzone::storage {

class Database;

class TreeRepository {
 public:
  TreeRepository(Database& db, int srid);

  // Stores a new tree with its stems as version 1 and returns its id. tree.id and
  // tree.version are ignored; a zero updated_at means now. ConstraintViolation for a
  // duplicate source_id or an impossible value (vitality 4, a stem of 0 cm ...).
  std::int64_t insert(const geo::Tree& tree);

  geo::Tree get(std::int64_t id);  // NotFound: "tree 4711 not found"
  std::optional<geo::Tree> find(std::int64_t id);
  std::optional<geo::Tree> find_by_source_id(std::string_view source_id);
  // Every tree with its stems, by id: what the conflict engine indexes.
  std::vector<geo::Tree> all();
  std::int64_t count();

  // Stores `tree` (found by tree.id) when the store still has `expected_version`, writes one
  // history row per changed field (old and new value as text) and bumps the version.
  // Returns the stored tree. VersionConflict when someone else changed it first; an update
  // that changes nothing writes nothing and keeps the version.
  geo::Tree update(const geo::Tree& tree, std::int64_t expected_version, std::string_view user,
                   geo::Timestamp at = geo::now_utc());
  // Oldest first.
  std::vector<geo::TreeChange> history(std::int64_t tree_id);

  // Appends an inspection (a zero recorded_at means now) and returns its id. The tree's
  // last/next inspection dates are the caller's to update (through update(), so the change
  // is in the history).
  std::int64_t add_inspection(const geo::Inspection& inspection);
  // Oldest inspection first.
  std::vector<geo::Inspection> inspections(std::int64_t tree_id);

 private:
  Database& db_;
  int srid_;
};

}  // namespace rootzone::storage
