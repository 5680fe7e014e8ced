#pragma once
// What vector tiles read: for a rectangle in the store CRS, just the columns each tile layer
// draws, found through the SpatiaLite R*Tree of the geometry column (candidates by float
// bounds: the tile renderer makes the exact test after its own transform). Rows arrive in
// id order through a callback, so a z11 tile over a million trees never holds them twice.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rootzone/geo/geometry.hpp"
#include "rootzone/storage/feature_query.hpp"

namespace rootzone::storage {

class Database;

// Trees at full detail.
struct TileTree {
  std::int64_t id = 0;
  geo::Point location;
  std::string_view source_id;  // views valid during the callback only
  std::string_view species_botanical;
  std::string_view genus;
  std::string_view status;
  std::optional<double> crown_diameter_m;
  std::optional<double> height_m;
  std::optional<double> circumference_cm;  // all stems summed; none without stems
  bool is_protected = false;
};
void for_each_tile_tree(Database& db, const BBox& box, const std::function<void(const TileTree&)>& f);

// Trees thinned to their locations (low zooms aggregate them).
void for_each_tree_point(Database& db, const BBox& box,
                         const std::function<void(geo::Point, bool is_protected)>& f);

// The inputs of a protected, existing tree's protection zones (geo::protection_zone).
struct TileZoneInput {
  std::int64_t id = 0;
  geo::Point location;
  double circumference_cm = 0;  // all stems summed
  std::optional<double> crown_diameter_m;
  bool columnar = false;  // by hand, else by the species name
};
void for_each_zone_input(Database& db, const BBox& box,
                         const std::function<void(const TileZoneInput&)>& f);

struct TileWork {
  std::int64_t id = 0;
  std::string reference;
  std::string title;
  std::string contractor;
  std::string contact;  // private: the caller decides who sees it
  std::string kind;
  std::string status;
  std::string starts_at;  // ISO-8601 UTC, as stored
  std::string ends_at;
  std::optional<double> width_m;
  std::optional<double> radius_m;
  geo::Geometry geometry;  // store CRS, as given
};
std::vector<TileWork> tile_works(Database& db, const BBox& box);

struct TileConflict {
  std::int64_t id = 0;
  std::int64_t tree_id = 0;
  std::int64_t work_id = 0;
  geo::Point location;  // the tree's
  std::string severity;
  std::string rule;
  double min_distance_m = 0;
  double overlap_share = 0;
  bool acknowledged = false;
  std::string contractor;  // the work's: a contractor sees only its own
};
std::vector<TileConflict> tile_conflicts(Database& db, const BBox& box);

}  // namespace rootzone::storage
