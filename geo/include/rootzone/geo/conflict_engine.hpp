#pragma once
// The conflict engine: holds the protection zones of all protected trees and the prepared
// geometries of all open works in memory, indexed, and answers
//  - the full check (every work against every zone, every pair of works), on all cores;
//  - incremental questions (one work submitted or changed, one tree changed) in microseconds.
// Not thread-safe for writes: the owner serialises changes (the server: core::LiveEngine, one
// writer at a time under a mutex). The const members only read and may run on many threads at
// once while nothing changes the engine.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "rootzone/geo/conflict.hpp"
#include "rootzone/geo/rule_set.hpp"
#include "rootzone/geo/tree.hpp"
#include "rootzone/geo/work.hpp"
#include "rootzone/geo/zones.hpp"

namespace rootzone::geo {

struct ConflictSet {
  std::vector<TreeWorkConflict> tree_work;  // sorted by (work_id, tree_id)
  std::vector<WorkWorkConflict> work_work;  // sorted by (work_a, work_b), work_a < work_b
};

// What happened to a work's geometry on the way in: repaired (with GEOS's reason) or refused.
struct GeometryNote {
  std::int64_t work_id = 0;
  std::string reference;
  bool refused = false;
  std::string message;
};

// A protected, existing tree reduced to what the engine needs: bulk loads build these
// without ever building a Tree (a city has a million).
struct ZonedTree {
  std::int64_t id = 0;
  Point location;
  ProtectionZone zone;
};

// What a work would conflict with if it were added: nothing in the engine changes.
struct HypotheticalConflicts {
  std::vector<TreeWorkConflict> trees;  // by tree id; work_id is the work's id as given
  std::vector<WorkWorkConflict> works;  // by (work_a, work_b)
  std::string repair_note;              // GEOS's note when the shape had to be repaired
};

class ConflictEngine {
 public:
  explicit ConflictEngine(RuleSet rules);
  ~ConflictEngine();
  ConflictEngine(ConflictEngine&&) noexcept;
  ConflictEngine& operator=(ConflictEngine&&) noexcept;
  ConflictEngine(const ConflictEngine&) = delete;
  ConflictEngine& operator=(const ConflictEngine&) = delete;

  const RuleSet& rules() const;

  // Replaces all trees and works. Only protected, existing trees and open works take part.
  // Works whose geometry is refused are left out and reported, never used silently.
  std::vector<GeometryNote> load(std::span<const Tree> trees, std::span<const Work> works,
                                 unsigned threads = 0);
  // The same with the zones already drawn (under this engine's rules) and only the trees
  // that take part.
  std::vector<GeometryNote> load(std::span<const ZonedTree> trees, std::span<const Work> works,
                                 unsigned threads = 0);

  // Incremental changes. upsert_work throws GeometryError for a refused geometry and
  // returns the repair note (empty when the input was valid).
  void upsert_tree(const Tree& tree);
  void remove_tree(std::int64_t tree_id);
  std::string upsert_work(const Work& work);
  void remove_work(std::int64_t work_id);

  // Conflicts touching one work or one tree, computed now from the index.
  std::vector<TreeWorkConflict> tree_conflicts_of_work(std::int64_t work_id) const;
  std::vector<TreeWorkConflict> tree_conflicts_of_tree(std::int64_t tree_id) const;
  std::vector<WorkWorkConflict> work_conflicts_of_work(std::int64_t work_id) const;

  // The conflicts `work` would have after upsert_work(work), computed the same way without
  // holding it: for a preview. Its id should be one no held work has (0 for a new work), else
  // that work is left out as the work itself. A closed work has none. Throws GeometryError for
  // a shape GEOS cannot even repair, as upsert_work does.
  HypotheticalConflicts conflicts_if_added(const Work& work) const;

  // Everything, split over `threads` (0: all cores).
  ConflictSet check_all(unsigned threads = 0) const;

  std::optional<ProtectionZone> zone_of(std::int64_t tree_id) const;
  // A held tree with its location and zone (none: not protected, felled or unknown).
  std::optional<ZonedTree> zoned_tree(std::int64_t tree_id) const;
  // A held open work as it was given, without its geometry (none: closed or unknown).
  std::optional<Work> open_work(std::int64_t work_id) const;
  std::size_t tree_count() const;  // protected existing trees held
  std::size_t work_count() const;  // open works held

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rootzone::geo
