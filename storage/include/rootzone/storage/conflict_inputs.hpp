#pragma once
// What the conflict engine reads and writes, in bulk: the lean load of every protected,
// existing tree (a city holds a million trees: only the columns the
// engine needs, no history), and the zones it drew, kept where they changed.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "rootzone/geo/tree.hpp"
#include "rootzone/geo/zones.hpp"

namespace rootzone::storage {

class Database;

// Trees with id, source_id, location, stems, crown, columnar, species_botanical, status and
// protection filled; everything else left empty. Ordered by id.
std::vector<geo::Tree> load_engine_trees(Database& db);

struct ZoneRow {
  std::int64_t tree_id = 0;
  geo::ProtectionZone zone;
};
// Makes tree_zones hold exactly `zones` (drawn under `rule_set`): rows that differ are
// replaced, rows of trees no longer listed deleted. One transaction. Returns rows written.
std::size_t save_tree_zones(Database& db, const std::string& rule_set,
                            const std::vector<ZoneRow>& zones);

}  // namespace rootzone::storage
