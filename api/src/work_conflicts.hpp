#pragma once
// A work's conflicts as every works endpoint answers them, and how a write brings them up to
// date: the live engine recomputes the work's conflicts incrementally, the store's set for
// the work is replaced in the same transaction (acknowledgements kept while a conflict holds).
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "crs_uris.hpp"
#include "live_conflicts.hpp"
#include "rootzone/geo/conflict.hpp"
#include "rootzone/geo/work.hpp"

namespace rootzone::api {

struct WorkConflicts {
  std::vector<geo::TreeWorkConflict> trees;  // as stored, by id
  std::vector<geo::WorkWorkConflict> works;
  std::string geometry_note;  // GEOS's repair note when the engine had to repair the shape
};

// In a live_conflicts write, after the work was stored: an open work is (re)indexed and its
// conflicts computed; a closed one leaves the engine and loses its conflicts. Adds the work's
// footprint to s.changed.
WorkConflicts refresh_work_conflicts(LiveConflicts::Session& s, const geo::Work& work);

// The work's footprint in the store CRS, its width or radius included.
geo::Bounds work_footprint(const geo::Work& w);

// {"trees": [conflict features at the tree], "works": [work-work clashes]}, the work-work
// ones seen from `work_id` ("other_work_id").
nlohmann::json conflicts_json(storage::Store& store,
                              const std::vector<geo::TreeWorkConflict>& trees,
                              const std::vector<geo::WorkWorkConflict>& works, std::int64_t work_id,
                              const OutputCrs& crs, int store_srid);
nlohmann::json work_clash_json(const geo::WorkWorkConflict& c, std::int64_t work_id);
nlohmann::json status_change_json(const geo::WorkStatusChange& c);

}  // namespace rootzone::api
