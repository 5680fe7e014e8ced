#include <string>

#include "pg/connection.hpp"
#include "pg/pg_queries.hpp"

namespace rootzone::storage::pg {

std::unique_ptr<TreeBulkWriter> make_tree_bulk_writer(Connection& /*c*/, int /*srid*/,
                                                      std::string /*user*/, geo::Timestamp /*at*/) {
  not_yet("the bulk tree writer");
}

}  // namespace rootzone::storage::pg
