#pragma once
// A work's conflicts, clashes and status changes as every works endpoint writes them.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "crs_uris.hpp"
#include "rootzone/geo/conflict.hpp"
#include "rootzone/geo/work.hpp"

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
nlohmann::json work_clash_json(const geo::WorkWorkConflict& c, std::int64_t work_id);
nlohmann::json status_change_json(const geo::WorkStatusChange& c);

}  // namespace rootzone::api
