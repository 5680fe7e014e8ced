#pragma once
// One tree change as every tree endpoint stores it, inside LiveConflicts::write: the row and
// its field-by-field history (TreeRepository), the protected status evaluated under the active
// rule set, the conflict engine told, the tree's conflicts recomputed and persisted in the same
// transaction, and the area the change touched published for the tile cache.
#include <string>
#include <vector>

#include "live_conflicts.hpp"
#include "rootzone/geo/conflict.hpp"
#include "rootzone/geo/tree.hpp"
#include "rootzone/storage/errors.hpp"

namespace rootzone::api {

struct StoredTree {
  geo::Tree tree;        // as stored now
  bool changed = false;  // false: the edit changed nothing, the version was kept
  std::vector<geo::TreeWorkConflict> conflicts;  // the tree's conflicts now, by id
};

// Stores a new tree (409 for a source_id the store has) with a "created" history row naming
// the user.
StoredTree store_new_tree(LiveConflicts::Session& s, geo::Tree tree, const std::string& user,
                          geo::Timestamp at);

// `after` replaces `before` (read in this transaction: its version is the expected one). 409
// when after.source_id is another tree's. An `after` equal to `before` writes nothing.
StoredTree store_tree_change(LiveConflicts::Session& s, const geo::Tree& before, geo::Tree after,
                             const std::string& user, geo::Timestamp at);

// The stored tree or 404.
geo::Tree stored_tree(storage::Store& store, std::int64_t id);

// storage's VersionConflict (a writer outside this server changed the tree between our read
// and our update) as 412. (StoreBusy is LiveConflicts::write's: 503.)
template <class F>
auto mapping_version_conflict(std::int64_t tree_id, F&& write) {
  try {
    return std::forward<F>(write)();
  } catch (const storage::VersionConflict&) {
    throw Problem{412,
                  "Precondition Failed",
                  "tree " + std::to_string(tree_id) +
                      " was changed by someone else while this request ran; GET it and retry",
                  "about:blank",
                  {}};
  }
}

}  // namespace rootzone::api
