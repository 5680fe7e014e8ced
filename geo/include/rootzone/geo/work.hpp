#pragma once
// A construction work (docs/domain.md "Works"), with the lifecycle modelled on UK Street Manager.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "rootzone/geo/geometry.hpp"
#include "rootzone/geo/time.hpp"

namespace rootzone::geo {

enum class WorkKind {
  trench,
  pit,
  drilling,
  surface,
  site_facility,
  storage,
  scaffolding,
  crane,
  traffic_management,
};
std::string_view to_string(WorkKind k);
std::optional<WorkKind> work_kind_from_string(std::string_view s);
// Excavation is what hurts roots most: the trench-distance rule applies only to these.
bool is_excavation(WorkKind k);

enum class WorkStatus {
  draft,
  submitted,
  approved,
  refused,
  changes_requested,
  in_progress,
  completed,
  cancelled,
};
std::string_view to_string(WorkStatus s);
std::optional<WorkStatus> work_status_from_string(std::string_view s);
// Open works raise conflicts; completed, cancelled and refused ones do not.
bool is_open(WorkStatus s);

struct Work {
  std::int64_t id = 0;    // store id; 0 until stored
  std::string reference;  // external reference number, unique
  std::string title;
  std::string contractor;  // organisation
  std::string contact;     // private: only the contractor itself and planners see it
  WorkKind kind = WorkKind::surface;
  // As given, in the store CRS: a polygon, a line (with width_m) or a point (with radius_m).
  Geometry geometry;
  std::optional<double> width_m;
  std::optional<double> radius_m;
  std::optional<double> depth_m;
  Timestamp starts_at{};
  Timestamp ends_at{};
  WorkStatus status = WorkStatus::draft;
  std::string source;  // where it came from: "api", a file name, a feed
  std::int64_t version = 0;
  Timestamp updated_at{};

  friend bool operator==(const Work&, const Work&) = default;
};

// Every lifecycle transition, with who, when, a comment and approval conditions.
struct WorkStatusChange {
  std::int64_t id = 0;
  std::int64_t work_id = 0;
  std::optional<WorkStatus> from;  // none for the first state
  WorkStatus to = WorkStatus::draft;
  Timestamp at{};
  std::string user;
  std::string comment;
  std::string conditions;  // "hand digging within 5 m of tree 4711"
  friend bool operator==(const WorkStatusChange&, const WorkStatusChange&) = default;
};

}  // namespace rootzone::geo
