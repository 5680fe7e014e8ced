#include <string>

#include "pg/connection.hpp"
#include "pg/pg_queries.hpp"

namespace rootzone::storage::pg {

std::vector<geo::Tree> trees_for_protection(Connection& /*c*/) { not_yet("trees_for_protection"); }

void write_protection_changes(Connection& /*c*/, const std::vector<ProtectionChange>& /*changes*/,
                              const RuleSetSwitchStamp& /*stamp*/) {
  not_yet("write_protection_changes");
}

}  // namespace rootzone::storage::pg
