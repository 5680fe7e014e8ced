#include <string>

#include "pg/connection.hpp"
#include "pg/pg_queries.hpp"

namespace rootzone::storage::pg {

void for_each_tile_tree(Connection& /*c*/, int /*srid*/, const geo::Bounds* /*box*/,
                        const std::function<void(const TileTree&)>& /*f*/) {
  not_yet("for_each_tile_tree");
}

std::vector<TileWork> tile_works(Connection& /*c*/, int /*srid*/, const geo::Bounds& /*box*/) {
  not_yet("tile_works");
}

std::vector<TileConflict> tile_conflicts(Connection& /*c*/, int /*srid*/,
                                         const geo::Bounds& /*box*/) {
  not_yet("tile_conflicts");
}

}  // namespace rootzone::storage::pg
