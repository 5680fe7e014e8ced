#include "rootzone/tiles/tile_math.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace rootzone::tiles {

std::string TileId::to_string() const {
  return std::to_string(z) + "/" + std::to_string(x) + "/" + std::to_string(y);
}

geo::Bounds tile_bounds(TileId t) {
  const double size = 2 * kWorldHalf / static_cast<double>(std::uint64_t{1} << t.z);
  return {-kWorldHalf + t.x * size, kWorldHalf - (t.y + 1.0) * size,
          -kWorldHalf + (t.x + 1.0) * size, kWorldHalf - t.y * size};
}

TileRange tiles_covering(const geo::Bounds& b, int z) {
  const double n = static_cast<double>(std::uint64_t{1} << z);
  const double size = 2 * kWorldHalf / n;
  const auto index = [&](double v) {
    return static_cast<std::uint32_t>(std::clamp(std::floor(v / size), 0.0, n - 1));
  };
  return {z, index(b.minx + kWorldHalf), index(kWorldHalf - b.maxy), index(b.maxx + kWorldHalf),
          index(kWorldHalf - b.miny)};
}

std::optional<std::string> invalid_tile(long long z, long long x, long long y, int minzoom,
                                        int maxzoom) {
  if (z < minzoom || z > maxzoom) {
    return "z=" + std::to_string(z) + " is outside " + std::to_string(minzoom) + ".." +
           std::to_string(maxzoom);
  }
  const long long last = (1LL << z) - 1;
  const auto range = " at z=" + std::to_string(z);
  if (x < 0 || x > last) {
    return "x=" + std::to_string(x) + " is outside 0.." + std::to_string(last) + range;
  }
  if (y < 0 || y > last) {
    return "y=" + std::to_string(y) + " is outside 0.." + std::to_string(last) + range;
  }
  return std::nullopt;
}

geo::Point merc_to_lonlat(geo::Point m) {
  constexpr double r = kWorldHalf / std::numbers::pi;
  return {m.x / r * 180 / std::numbers::pi,
          (2 * std::atan(std::exp(m.y / r)) - std::numbers::pi / 2) * 180 / std::numbers::pi};
}

geo::Point lonlat_to_merc(geo::Point ll) {
  constexpr double r = kWorldHalf / std::numbers::pi;
  const double lat = std::clamp(ll.y, -85.0511287798066, 85.0511287798066) * std::numbers::pi / 180;
  return {ll.x * std::numbers::pi / 180 * r,
          r * std::log(std::tan(std::numbers::pi / 4 + lat / 2))};
}

}  // namespace rootzone::tiles
