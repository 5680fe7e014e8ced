#include "rootzone/core/work_overview.hpp"

#include "rootzone/storage/store.hpp"

namespace rootzone::core {

storage::WorkOverviewPage works_overview(Application& app, const Caller& caller,
                                         storage::WorkOverviewFilter filter) {
  require(caller, Action::read_works_overview);
  require_organisation(caller, "its own organisation's works");
  filter.contractor.reset();
  if (caller.has_role(geo::Role::contractor)) filter.contractor = caller.user->organisation;
  auto& store = app.store();
  return storage::work_overview(store, filter);
}

}  // namespace rootzone::core
