#pragma once
// A work's conflicts, clashes and status changes as every works endpoint writes them.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "crs_uris.hpp"
#include "rootzone/core/work_cases.hpp"
#include "rootzone/geo/conflict.hpp"
#include "rootzone/geo/work.hpp"
#include "rootzone/geo/zones.hpp"

namespace rootzone::storage {
class Store;
}

namespace rootzone::api {

// {"trees": [conflict features at the tree], "works": [work-work clashes]}, the work-work
// ones seen from `work_id` ("other_work_id").
nlohmann::json conflicts_json(storage::Store& store,
                              const std::vector<geo::TreeWorkConflict>& trees,
                              const std::vector<geo::WorkWorkConflict>& works, std::int64_t work_id,
                              const OutputCrs& crs, int store_srid);
// A write's conflicts: as above, each tree conflict with how far `work` must move to leave the
// tree's zones (add_clearance), the trees' locations as the engine holds them.
nlohmann::json conflicts_json(const core::WorkConflicts& conflicts, const geo::Work& work,
                              const OutputCrs& crs, int store_srid);
// Adds to a tree conflict's properties the zones it was measured against and how far the work
// must move out of each: zone {trench_distance_m: R_t, root_zone_m: R_r, rule: the rule that
// drew R_r}, clear_by_m {trench_distance: max(0, R_t - d), null for a work that does not dig;
// root_zone: max(0, R_r - d)}, d the conflict's min_distance_m (docs/domain.md).
void add_clearance(nlohmann::json& properties, const geo::ProtectionZone& zone, geo::WorkKind kind,
                   double min_distance_m);
nlohmann::json work_clash_json(const geo::WorkWorkConflict& c, std::int64_t work_id);
nlohmann::json status_change_json(const geo::WorkStatusChange& c);

}  // namespace rootzone::api
