#include "rootzone/geo/conflict_rules.hpp"

#include <algorithm>
#include <chrono>

#include "number_text.hpp"

namespace rootzone::geo {

namespace {

std::string metres(double v) { return number_text(v) + " m"; }

}  // namespace

std::optional<Verdict> classify_tree_work(const ProtectionZone& zone, WorkKind kind,
                                          double min_distance_m, double overlap_share,
                                          const RuleSet& rules) {
  const bool excavation = is_excavation(kind);
  const std::string where = std::string(to_string(kind)) + " " + metres(min_distance_m) +
                            " from the stem";
  if (excavation && min_distance_m < zone.trench_radius_m) {
    return Verdict{Severity::critical, "trench distance (RAS-LP 4, DIN 18920): " + where +
                                           " < R_t " + metres(zone.trench_radius_m)};
  }
  const bool inside_root_zone = min_distance_m < zone.root_radius_m;
  if (excavation && inside_root_zone) {
    return Verdict{Severity::high, "root zone, excavation: " + where + " < R_r " +
                                       metres(zone.root_radius_m) + " (" + describe_root_rule(zone) + ")"};
  }
  if (overlap_share > rules.share_threshold) {
    return Verdict{Severity::high, "root zone share (BS 5837): " +
                                       number_text(overlap_share * 100, 1) + " % > " +
                                       number_text(rules.share_threshold * 100, 1) + " %"};
  }
  if (inside_root_zone) {
    return Verdict{Severity::medium, "root zone: " + where + " < R_r " +
                                         metres(zone.root_radius_m) + " (" + describe_root_rule(zone) +
                                         ")"};
  }
  return std::nullopt;
}

std::optional<TimeOverlap> clash_window(const Work& a, const Work& b, const RuleSet& rules) {
  const auto grace = std::chrono::days(rules.grace_days);
  const Timestamp start = std::max(a.starts_at, b.starts_at);
  const Timestamp end = std::min(a.ends_at, b.ends_at) + grace;
  if (start > end) return std::nullopt;
  return TimeOverlap{start, end};
}

bool within_coordination_distance(double distance_m, const RuleSet& rules) {
  return distance_m <= rules.coordination_distance_m;
}

}  // namespace rootzone::geo
