#include "rootzone/geo/conflict_rules.hpp"

#include <algorithm>
#include <chrono>

#include "rootzone/geo/number_text.hpp"

namespace rootzone::geo {

namespace {

// Rule texts are built for every conflict of a full check: one buffer, appended in place.
class Text {
 public:
  Text() { s_.reserve(192); }
  Text& operator<<(std::string_view v) {
    s_ += v;
    return *this;
  }
  Text& metres(double v) {
    append_number(s_, v);
    s_ += " m";
    return *this;
  }
  Text& percent(double share) {
    append_number(s_, share * 100, {.max_decimals = 1});
    s_ += " %";
    return *this;
  }
  std::string str() && { return std::move(s_); }

 private:
  std::string s_;
};

}  // namespace

std::optional<Verdict> classify_tree_work(const ProtectionZone& zone, WorkKind kind,
                                          double min_distance_m, double overlap_share,
                                          const RuleSet& rules) {
  const bool excavation = is_excavation(kind);
  const auto where = [&](Text& t) -> Text& {
    return (t << to_string(kind) << " ").metres(min_distance_m) << " from the stem";
  };
  if (excavation && min_distance_m < zone.trench_radius_m) {
    Text t;
    where(t << "trench distance (RAS-LP 4, DIN 18920): ") << " < R_t ";
    return Verdict{Severity::critical, std::move(t.metres(zone.trench_radius_m)).str()};
  }
  const bool inside_root_zone = min_distance_m < zone.root_radius_m;
  if (excavation && inside_root_zone) {
    Text t;
    where(t << "root zone, excavation: ") << " < R_r ";
    t.metres(zone.root_radius_m) << " (" << describe_root_rule(zone) << ")";
    return Verdict{Severity::high, std::move(t).str()};
  }
  if (overlap_share > rules.share_threshold) {
    Text t;
    t << "root zone share (BS 5837): ";
    t.percent(overlap_share) << " > ";
    t.percent(rules.share_threshold);
    return Verdict{Severity::high, std::move(t).str()};
  }
  if (inside_root_zone) {
    Text t;
    where(t << "root zone: ") << " < R_r ";
    t.metres(zone.root_radius_m) << " (" << describe_root_rule(zone) << ")";
    return Verdict{Severity::medium, std::move(t).str()};
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
