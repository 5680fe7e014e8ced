#include <string>

#include "pg/connection.hpp"
#include "pg/pg_queries.hpp"

namespace rootzone::storage::pg {

ZoneLoad load_zoned_trees(Connection& /*c*/, const geo::RuleSet& /*rules*/) {
  not_yet("load_zoned_trees");
}

std::size_t save_tree_zones(Connection& /*c*/, int /*srid*/, const geo::RuleSet& /*rules*/,
                            const std::string& /*marker*/,
                            const std::vector<geo::ZonedTree>& /*zones*/) {
  not_yet("save_tree_zones");
}

std::unordered_map<std::int64_t, TreeLabel> tree_labels(Connection& /*c*/,
                                                        const std::vector<std::int64_t>& /*ids*/) {
  not_yet("tree_labels");
}

}  // namespace rootzone::storage::pg
