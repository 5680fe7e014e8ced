#pragma once
// The web map tile grid (EPSG:3857, "XYZ": x to the east, y to the south, z from 0) and the
// grid of a tile's own coordinates (MVT 2.1 §4.3.1: integer units, `extent` per side, origin at
// the top left, y down).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rootzone/geo/geometry.hpp"

namespace rootzone::tiles {

// Half the width of the EPSG:3857 world: pi * 6378137 m.
inline constexpr double kWorldHalf = 20037508.342789244;
inline constexpr int kDeepestZoom = 24;  // the deepest zoom anything here computes (x, y < 2^24)

struct TileId {
  int z = 0;
  std::uint32_t x = 0;
  std::uint32_t y = 0;
  friend bool operator==(const TileId&, const TileId&) = default;
  friend auto operator<=>(const TileId&, const TileId&) = default;
  std::string to_string() const;  // "15/17173/11180"
};

// The tile's square in EPSG:3857 metres.
geo::Bounds tile_bounds(TileId t);

// The tiles of zoom z whose squares intersect `b` (EPSG:3857), clamped to the world.
struct TileRange {
  int z = 0;
  std::uint32_t min_x = 0, min_y = 0, max_x = 0, max_y = 0;  // inclusive
  std::uint64_t count() const {
    return std::uint64_t{max_x - min_x + 1} * std::uint64_t{max_y - min_y + 1};
  }
};
TileRange tiles_covering(const geo::Bounds& b, int z);

// Why z/x/y is not a tile of a tileset with zooms [minzoom, maxzoom]; none when it is one.
// Texts name the valid range: "x=70 is outside 0..63 at z=6".
std::optional<std::string> invalid_tile(long long z, long long x, long long y, int minzoom,
                                        int maxzoom);

// A tile's own grid: EPSG:3857 metres <-> tile units.
struct TileFrame {
  geo::Bounds bounds;  // EPSG:3857
  int extent = 4096;
  double scale() const { return extent / (bounds.maxx - bounds.minx); }  // units per metre
  geo::Point to_tile(geo::Point merc) const {
    return {(merc.x - bounds.minx) * scale(), (bounds.maxy - merc.y) * scale()};
  }
  geo::Point to_merc(geo::Point tile) const {
    return {bounds.minx + tile.x / scale(), bounds.maxy - tile.y / scale()};
  }
};

// EPSG:4326 lon/lat of a 3857 point (spherical Mercator's closed form: exact, no PROJ needed).
geo::Point merc_to_lonlat(geo::Point merc);
geo::Point lonlat_to_merc(geo::Point lonlat);

}  // namespace rootzone::tiles
