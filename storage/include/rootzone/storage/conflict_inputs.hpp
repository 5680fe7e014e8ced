#pragma once
// What the conflict engine reads and writes in bulk. A city holds a million trees: the engine
// gets only the columns its rules read, never whole Trees with their history, and the zones
// it drew are stored for SQL clients only when the trees or the rules changed.
#include <cstdint>
#include <future>
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

// The marker of `trees` trees whose versions sum to `version_sum`, under `rules` (ZoneLoad):
// what save_tree_zones is given by a writer that drew the zones of every tree it wrote.
std::string zone_marker(const geo::RuleSet& rules, std::int64_t trees, std::int64_t version_sum);

// What `rootzone check` of everything reads and stores of the zones, at once.
struct ZoneLoadAndSave {
  ZoneLoad load;
  // The rows the zone write stored once it committed (0 when the stored zones were current);
  // get() rethrows its error. The write goes on after the call returns; waiting for it here
  // (get() or the destructor) is the caller's job.
  std::future<std::size_t> written;
};
// load_zoned_trees, then save_tree_zones, but when called outside a transaction and the stored
// zones are not current, a second connection writes them on its own thread while this one
// reads the trees, in its own transaction (with a data generation bump), which commits once
// every zone was handed over; a failure while reading rolls it back. The second connection
// takes the store's write lock before the trees are read, so they are the trees in the store
// when it commits. Inside a transaction (whose writes another connection would not see) both
// run here, in that transaction.
ZoneLoadAndSave load_and_save_zoned_trees(Database& db, const geo::RuleSet& rules);

struct TreeLabel {
  std::string source_id;
  geo::Point location;
};
// The city's numbers and locations of the given trees (for printing conflicts), by id.
std::unordered_map<std::int64_t, TreeLabel> tree_labels(Database& db,
                                                        const std::vector<std::int64_t>& ids);

// The same on any store (store_backend.hpp); the Database& forms are the SpatiaLite ones.
ZoneLoad load_zoned_trees(Store& store, const geo::RuleSet& rules);
ZoneLoadAndSave load_and_save_zoned_trees(Store& store, const geo::RuleSet& rules);
std::size_t save_tree_zones(Store& store, const geo::RuleSet& rules, const std::string& marker,
                            const std::vector<geo::ZonedTree>& zones);
std::unordered_map<std::int64_t, TreeLabel> tree_labels(Store& store,
                                                        const std::vector<std::int64_t>& ids);

}  // namespace rootzone::storage
