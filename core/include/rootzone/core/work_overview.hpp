#pragma once
// The works overview (issue 14): the planners' review queue and a contractor's "my works" in
// one use case. Planners and admins see every work; a contractor only its own organisation's.
#include "rootzone/core/application.hpp"
#include "rootzone/core/policy.hpp"
#include "rootzone/storage/work_overview_query.hpp"

namespace rootzone::core {

// `filter.contractor` is set here for a contractor (whatever the caller passed); Error
// unauthorized for the public, forbidden for field staff and for a contractor without an
// organisation.
storage::WorkOverviewPage works_overview(Application& app, const Caller& caller,
                                         storage::WorkOverviewFilter filter);

}  // namespace rootzone::core
