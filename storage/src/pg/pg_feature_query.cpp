#include <string>

#include "pg/connection.hpp"
#include "pg/pg_queries.hpp"

namespace rootzone::storage::pg {

Page<geo::Tree> query_trees(Connection& /*c*/, int /*srid*/, TreeRepository& /*trees*/,
                            const FeatureQuery& /*q*/) {
  not_yet("query_trees");
}

Page<geo::Work> query_works(Connection& /*c*/, int /*srid*/, WorkRepository& /*works*/,
                            const FeatureQuery& /*q*/) {
  not_yet("query_works");
}

Page<geo::TreeWorkConflict> query_tree_work_conflicts(Connection& /*c*/, int /*srid*/,
                                                      ConflictRepository& /*conflicts*/,
                                                      const FeatureQuery& /*q*/) {
  not_yet("query_tree_work_conflicts");
}

std::optional<geo::Bounds> extent(Connection& /*c*/, Collection /*collection*/) {
  not_yet("extent");
}

std::optional<geo::Bounds> data_extent(Connection& /*c*/) { not_yet("data_extent"); }

std::optional<std::pair<geo::Timestamp, geo::Timestamp>> works_time_extent(Connection& /*c*/) {
  not_yet("works_time_extent");
}

}  // namespace rootzone::storage::pg
