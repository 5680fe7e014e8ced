#pragma once
// The works overview (issue 14: the planners' review queue, the contractors' "my works"): works
// with their stored conflicts counted by severity, worst first, in one SQL statement with bound
// parameters, so a city with thousands of works is answered without loading them.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rootzone/geo/geometry.hpp"
#include "rootzone/geo/time.hpp"
#include "rootzone/geo/work.hpp"

namespace rootzone::storage {

class Database;
class Store;

struct WorkOverviewFilter {
  std::vector<geo::WorkStatus> statuses;  // empty: every status
  std::optional<std::string> contractor;  // only this organisation's works
  // Works whose time window overlaps [from, to] (either end open).
  std::optional<geo::Timestamp> from;
  std::optional<geo::Timestamp> to;
  // Store CRS. A work is kept when its footprint (the geometry with its width or radius)
  // meets every one of them.
  std::vector<geo::Geometry> areas;
  // An area that misses the store CRS's area of use: nothing can match.
  bool matches_nothing = false;
  int limit = 100;
  std::int64_t offset = 0;
};

struct WorkOverviewRow {
  std::int64_t id = 0;
  std::string reference;
  std::string title;
  std::string contractor;
  geo::WorkKind kind = geo::WorkKind::surface;
  geo::WorkStatus status = geo::WorkStatus::draft;
  geo::Timestamp starts_at{};
  geo::Timestamp ends_at{};
  std::int64_t version = 0;
  geo::Bounds footprint;  // store CRS, width or radius included
  int critical = 0, high = 0, medium = 0;
  int unacknowledged = 0;  // tree conflicts and clashes no planner acknowledged yet
  int clashes = 0;
};

struct WorkOverviewPage {
  std::vector<WorkOverviewRow> rows;
  std::int64_t matched = 0;  // all pages
};

// Worst conflict first (critical, high, medium, none), then by start, then by id.
WorkOverviewPage work_overview(Database& db, int srid, const WorkOverviewFilter& filter);
// The same on any store (store_backend.hpp).
WorkOverviewPage work_overview(Store& store, const WorkOverviewFilter& filter);

}  // namespace rootzone::storage
