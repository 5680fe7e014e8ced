#pragma once
// What vector tiles read: just the columns each tile layer draws. Works and conflicts for a
// rectangle in the store CRS, found through the SpatiaLite R*Tree of the geometry column
// (candidates by float bounds: the caller makes the exact test); trees for the tiles' in-memory
// tree index (tiles/tree_index.hpp), all of them or those of a changed area, through a callback
// so that a million trees are never held twice.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rootzone/geo/geometry.hpp"

namespace rootzone::storage {

class Database;
class Store;

// A tree as the tile layers draw it (the trees layer, and the protection zones of the protected
// standing ones).
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
  bool columnar = false;  // by hand, else by the species name (as the conflict engine zones it)
};
// The trees whose index entry meets `box`, or every tree; in id order for the whole store.
void for_each_tile_tree(Database& db, const geo::Bounds& box,
                        const std::function<void(const TileTree&)>& f);
void for_each_tile_tree(Database& db, const std::function<void(const TileTree&)>& f);

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
std::vector<TileWork> tile_works(Database& db, const geo::Bounds& box);

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
std::vector<TileConflict> tile_conflicts(Database& db, const geo::Bounds& box);

// The same on any store (store_backend.hpp); the Database& forms are the SpatiaLite ones.
void for_each_tile_tree(Store& store, const geo::Bounds& box,
                        const std::function<void(const TileTree&)>& f);
void for_each_tile_tree(Store& store, const std::function<void(const TileTree&)>& f);
std::vector<TileWork> tile_works(Store& store, const geo::Bounds& box);
std::vector<TileConflict> tile_conflicts(Store& store, const geo::Bounds& box);

}  // namespace rootzone::storage
