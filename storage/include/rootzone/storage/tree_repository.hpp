#pragma once
// Trees, their stems, their field-by-field history and their inspections.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rootzone/geo/rule_set.hpp"
#include "rootzone/geo/time.hpp"
#include "rootzone/geo/tree.hpp"

namespace rootzone::storage {

class TreeRepository {
 public:
  virtual ~TreeRepository() = default;

  // Stores a new tree with its stems as version 1 and returns its id. tree.id and
  // tree.version are ignored; a zero updated_at means now. ConstraintViolation for a
  // duplicate source_id or an impossible value (vitality 4, a stem of 0 cm ...).
  virtual std::int64_t insert(const geo::Tree& tree) = 0;

  virtual geo::Tree get(std::int64_t id) = 0;  // NotFound: "tree 4711 not found"
  virtual std::optional<geo::Tree> find(std::int64_t id) = 0;
  virtual std::optional<geo::Tree> find_by_source_id(std::string_view source_id) = 0;
  // Every tree with its stems, by id: what the conflict engine indexes.
  virtual std::vector<geo::Tree> all() = 0;
  virtual std::int64_t count() = 0;

  // Stores `tree` (found by tree.id) when the store still has `expected_version`, writes one
  // history row per changed field (old and new value as text) and bumps the version.
  // Returns the stored tree. VersionConflict when someone else changed it first; an update
  // that changes nothing writes nothing and keeps the version.
  virtual geo::Tree update(const geo::Tree& tree, std::int64_t expected_version,
                           std::string_view user, geo::Timestamp at = geo::now_utc()) = 0;
  // Oldest first.
  virtual std::vector<geo::TreeChange> history(std::int64_t tree_id) = 0;
  // Appends a history row that is no column's change: who created a tree through the API,
  // the reason given for a felling. note.id is ignored; a zero note.at means now.
  virtual void add_history_note(const geo::TreeChange& note) = 0;

  // Appends an inspection (a zero recorded_at means now) and returns its id. The tree's
  // last/next inspection dates are the caller's to update (through update(), so the change
  // is in the history).
  virtual std::int64_t add_inspection(const geo::Inspection& inspection) = 0;
  // Oldest inspection first.
  virtual std::vector<geo::Inspection> inspections(std::int64_t tree_id) = 0;
};

// Many trees written inside the caller's open transaction (an import): the same rows, stems,
// history and spatial index entries as TreeRepository::insert/update, without their per-call
// SAVEPOINT and lookups. Made by Store::tree_bulk_writer. How each store makes it fast is its
// own: SpatiaLite writes the R*Tree itself (storage/src/sqlite_repositories.hpp says how), PostGIS
// streams rows with COPY.
class TreeBulkWriter {
 public:
  virtual ~TreeBulkWriter() = default;

  // True when the store held no tree as the writer began: then find_by_source_id can only
  // find what this writer inserted.
  virtual bool started_empty() const = 0;
  // The stored tree with its stems, or nullopt.
  virtual std::optional<geo::Tree> find_by_source_id(std::string_view source_id) = 0;
  // The source ids find_by_source_id is asked for next: a store that answers a lookup by a
  // round trip (PostGIS) looks them up in one query. Nothing by default.
  virtual void prefetch(const std::vector<std::string_view>& source_ids) { (void)source_ids; }
  // As TreeRepository::insert: version 1, a zero updated_at means the writer's time. On
  // ConstraintViolation nothing of the tree is left in the store.
  virtual std::int64_t insert(const geo::Tree& tree) = 0;
  // `tree` replaces `stored` (found by find_by_source_id; tree.id == stored.id) when they
  // differ: version + 1, one history row per changed field (the writer's user and time).
  // False when nothing differs (nothing written). On ConstraintViolation nothing is written.
  virtual bool update(const geo::Tree& tree, const geo::Tree& stored) = 0;
  // Asks the writer to draw the zones of the trees it inserts under `rules` (the rule set in
  // force) and to store them with finish(), marked current, so that the first check after an
  // import finds them instead of drawing half a million zones itself. Only into a store that
  // held no tree at the start (started_empty) and as long as nothing is updated: otherwise the
  // stored zones stay as they were and the next check redraws them all. Call before the first
  // insert.
  virtual void keep_zones(const geo::RuleSet& rules) = 0;
  // Completes what the writer deferred (indexes, buffered rows). Idempotent; must run before
  // the caller commits (the destructor runs it when it was not called, but cannot report
  // its errors then).
  virtual void finish() = 0;
};

}  // namespace rootzone::storage
