#pragma once
// Trees, their stems, their field-by-field history and their inspections.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
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
  // Appends a history row that is no column's change: who created a tree through the API,
  // the reason given for a felling. note.id is ignored; a zero note.at means now.
  void add_history_note(const geo::TreeChange& note);

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

// Many trees written inside the caller's open transaction (an import): the same rows, stems,
// history and spatial index entries as TreeRepository::insert/update, without their per-call
// SAVEPOINT and lookups. Statements are prepared once. For its lifetime SpatiaLite's per-row
// INSERT triggers on trees.location (geometry constraint, spatial index, last-insert time) are
// replaced by their set-based equivalents: the point is built as MakePoint(x, y, store SRID),
// which satisfies the constraint by construction, its R*Tree entry is written directly (or,
// when the index was empty at the start, all entries are packed into the R*Tree's shadow
// tables by finish(), Sort-Tile-Recursive), and geometry_columns_time is touched once. The triggers
// are dropped and re-created inside the transaction, so a rollback or a crash restores them with
// everything else; finish() (or the destructor) re-creates them before the caller commits. Other
// connections never see the store without them (WAL: they read the last committed state).
class TreeBulkWriter {
 public:
  // StorageError when `db` has no open transaction.
  TreeBulkWriter(Database& db, int srid, std::string user, geo::Timestamp at = geo::now_utc());
  ~TreeBulkWriter();
  TreeBulkWriter(const TreeBulkWriter&) = delete;
  TreeBulkWriter& operator=(const TreeBulkWriter&) = delete;

  // True when the store held no tree as the writer began: then find_by_source_id can only
  // find what this writer inserted.
  bool started_empty() const;
  // The stored tree with its stems, or nullopt.
  std::optional<geo::Tree> find_by_source_id(std::string_view source_id);
  // As TreeRepository::insert: version 1, a zero updated_at means the writer's time. On
  // ConstraintViolation nothing of the tree is left in the store.
  std::int64_t insert(const geo::Tree& tree);
  // `tree` replaces `stored` (found by find_by_source_id; tree.id == stored.id) when they
  // differ: version + 1, one history row per changed field (the writer's user and time).
  // False when nothing differs (nothing written). On ConstraintViolation nothing is written.
  bool update(const geo::Tree& tree, const geo::Tree& stored);
  // Re-creates the triggers and records the insert time. Idempotent; must run before the
  // caller commits (the destructor runs it when it was not called).
  void finish();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace rootzone::storage
