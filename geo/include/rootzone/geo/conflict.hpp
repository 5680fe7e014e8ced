#pragma once
// Conflicts between works and protected trees, and between works (docs/domain.md "Conflicts").
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "rootzone/geo/time.hpp"

namespace rootzone::geo {

enum class Severity { medium, high, critical };  // ordered: a larger value is worse
std::string_view to_string(Severity s);
std::optional<Severity> severity_from_string(std::string_view s);

struct Acknowledgement {
  std::string user;
  Timestamp at{};
  std::string comment;
  friend bool operator==(const Acknowledgement&, const Acknowledgement&) = default;
};

struct TreeWorkConflict {
  std::int64_t id = 0;
  std::int64_t tree_id = 0;
  std::int64_t work_id = 0;
  Severity severity = Severity::medium;
  std::string rule;  // "DIN 18920 root zone: excavation within R_r = 7.5 m"
  double min_distance_m = 0;
  double overlap_m2 = 0;
  double overlap_share = 0;  // of the root-zone disc, 0..1
  Timestamp computed_at{};
  std::optional<Acknowledgement> acknowledged;
  friend bool operator==(const TreeWorkConflict&, const TreeWorkConflict&) = default;
};

// Two open works within the coordination distance whose time windows (plus grace) overlap.
// Stored once per pair with work_a < work_b.
struct WorkWorkConflict {
  std::int64_t id = 0;
  std::int64_t work_a = 0;
  std::int64_t work_b = 0;
  double distance_m = 0;
  Timestamp overlap_start{};
  Timestamp overlap_end{};
  Timestamp computed_at{};
  std::optional<Acknowledgement> acknowledged;
  friend bool operator==(const WorkWorkConflict&, const WorkWorkConflict&) = default;
};

}  // namespace rootzone::geo
