#include <string>

#include "pg/connection.hpp"
#include "pg/pg_queries.hpp"

namespace rootzone::storage::pg {

WorkOverviewPage work_overview(Connection& /*c*/, int /*srid*/,
                               const WorkOverviewFilter& /*filter*/) {
  not_yet("work_overview");
}

}  // namespace rootzone::storage::pg
