#pragma once
// What both stores' conflict repositories decide alike when a recompute replaces stored
// conflicts (conflict_repository.cpp, pg/pg_conflict_repository.cpp).
#include "rootzone/geo/conflict.hpp"

namespace rootzone::storage::detail {

// The same finding as stored: a recompute that finds it again writes nothing (a city-wide
// check finds most conflicts unchanged; rewriting them all was most of its persist time).
// computed_at therefore says when the finding took its current form.
inline bool same_finding(const geo::TreeWorkConflict& stored, const geo::TreeWorkConflict& found) {
  return stored.severity == found.severity && stored.rule == found.rule &&
         stored.min_distance_m == found.min_distance_m && stored.overlap_m2 == found.overlap_m2 &&
         stored.overlap_share == found.overlap_share;
}

}  // namespace rootzone::storage::detail
