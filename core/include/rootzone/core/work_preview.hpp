#pragma once
// The conflicts a work would have, asked while a contractor draws it (docs/works.md "Preview"):
// computed by the live engine's readers without storing anything, without the writer and
// without reading the store, so previews run beside writes and beside each other.
#include <optional>
#include <vector>

#include "rootzone/core/application.hpp"
#include "rootzone/core/policy.hpp"
#include "rootzone/core/work_cases.hpp"
#include "rootzone/geo/work.hpp"

namespace rootzone::core {

// The other work of a clash as the caller may see it: in detail (contact included) for
// planners, admins and its own organisation; otherwise its public layer (contact and source
// cleared).
struct ClashPartner {
  geo::Work work;  // without geometry
  bool details = false;
};

struct WorkPreview {
  geo::Work work;  // as a submission would store it: id 0, version 1, updated_at now
  // Conflicts as a submission would store them, their ids and the work's id 0; with the zones.
  WorkConflicts conflicts;
  std::vector<ClashPartner> partners;  // the other work of each of conflicts.works, in order
};

// Error unauthorized / forbidden by the policy (Action::preview_works); forbidden for a
// contractor naming another organisation; unprocessable for a shape GEOS cannot even repair.
// The work's contractor may be empty for planners and admins: nothing is stored.
WorkPreview preview_work(Application& app, const Caller& caller, geo::Work work);

}  // namespace rootzone::core
