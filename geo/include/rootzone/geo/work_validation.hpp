#pragma once
// What makes a work storable (docs/domain.md "Works"): a reference and a title, a geometry of the
// kind the domain knows (polygon; line plus width; point plus radius) that GEOS accepts as
// valid, positive sizes, and a time window that does not end before it starts. Invalid
// geometries are refused with GEOS's reason, never repaired silently: the submitter redraws.
#include <string>
#include <vector>

#include "rootzone/geo/work.hpp"

namespace rootzone::geo {

struct WorkProblem {
  std::string field;  // "geometry", "width_m", "ends_at" ...
  std::string message;
  friend bool operator==(const WorkProblem&, const WorkProblem&) = default;
};

// Sanity bounds, not norms: a radius beyond a kilometre or a trench wider than a street is a
// unit mistake (cm for m), not a work.
inline constexpr double kMaxWidthM = 100;
inline constexpr double kMaxRadiusM = 1000;
inline constexpr double kMaxDepthM = 100;

// Every problem of `w`, in field order; empty when the work may be stored.
std::vector<WorkProblem> work_problems(const Work& w);

}  // namespace rootzone::geo
