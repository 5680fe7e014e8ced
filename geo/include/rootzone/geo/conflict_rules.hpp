#pragma once
// The severity rules of docs/domain.md in one place: how one work stands to one protected tree,
// and when two works clash. Geometry has been measured before; this decides.
#include <optional>
#include <string>

#include "rootzone/geo/conflict.hpp"
#include "rootzone/geo/rule_set.hpp"
#include "rootzone/geo/time.hpp"
#include "rootzone/geo/work.hpp"
#include "rootzone/geo/zones.hpp"

namespace rootzone::geo {

struct Verdict {
  Severity severity = Severity::medium;
  std::string rule;
};

// min_distance_m: from the stem point to the work; overlap_share: the part of the root-zone
// disc the work covers (0..1). "Reaches inside R" means min_distance_m < R (strictly).
// No verdict when the work is far enough away.
std::optional<Verdict> classify_tree_work(const ProtectionZone& zone, WorkKind kind,
                                          double min_distance_m, double overlap_share,
                                          const RuleSet& rules);

// The time windows overlap once the earlier-ending work is extended by the grace period.
// Returns the overlap (start, end) or nothing.
struct TimeOverlap {
  Timestamp start;
  Timestamp end;
};
std::optional<TimeOverlap> clash_window(const Work& a, const Work& b, const RuleSet& rules);

// Works are coordinated when they lie within the coordination distance (inclusive).
bool within_coordination_distance(double distance_m, const RuleSet& rules);

}  // namespace rootzone::geo
