#pragma once
// What the conflict engine reads and writes in bulk. A city holds a million trees: the engine
// gets only the columns its rules read, never whole Trees with their history, and the zones
// it drew are stored for SQL clients only when the trees or the rules changed.
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "rootzone/geo/conflict_engine.hpp"
#include "rootzone/geo/rule_set.hpp"
#include "rootzone/geo/tree.hpp"

namespace rootzone::storage {

class Database;
class Store;

struct ZoneLoad {
  std::vector<geo::ZonedTree> trees;  // protected, existing; zones drawn under the rules; by id
  // The state the zones derive from: the rule set and the trees (their count and the sum of
  // their versions: every insert adds a row, every change bumps a version).
  std::string marker;
  bool from_cache = false;  // the stored zones were current and loaded as they are
};
// The stored zones when nothing changed since they were drawn (the marker matches); else one
// scan of the trees and one of the stems, merged in id order.
ZoneLoad load_zoned_trees(Database& db, const geo::RuleSet& rules);

// Trees with id, source_id, location, stems, crown, columnar, species_botanical, status and
// protection filled; everything else left empty. Ordered by id. (Tests and tools.)
std::vector<geo::Tree> load_engine_trees(Database& db);

// Makes tree_zones hold exactly `zones` unless it already derives from `marker` (of the
// ZoneLoad the zones came from); one
// transaction. Returns the rows written (0 when the stored zones were current).
std::size_t save_tree_zones(Database& db, const geo::RuleSet& rules, const std::string& marker,
                            const std::vector<geo::ZonedTree>& zones);

struct TreeLabel {
  std::string source_id;
  geo::Point location;
};
// The city's numbers and locations of the given trees (for printing conflicts), by id.
std::unordered_map<std::int64_t, TreeLabel> tree_labels(Database& db,
                                                        const std::vector<std::int64_t>& ids);

// The same on any store (store_backend.hpp); the Database& forms are the SpatiaLite ones.
ZoneLoad load_zoned_trees(Store& store, const geo::RuleSet& rules);
std::size_t save_tree_zones(Store& store, const geo::RuleSet& rules, const std::string& marker,
                            const std::vector<geo::ZonedTree>& zones);
std::unordered_map<std::int64_t, TreeLabel> tree_labels(Store& store,
                                                        const std::vector<std::int64_t>& ids);

}  // namespace rootzone::storage
