// Geometry on the tile grid: the interpolated transform against PROJ, discs, and GEOS's
// clip/simplify/snap/repair (geo/tile_clip.hpp).
#include <catch2/catch.hpp>
#include <cmath>

#include "mvt_decode.hpp"
#include "rootzone/geo/crs.hpp"
#include "rootzone/geo/tile_clip.hpp"
#include "rootzone/tiles/disc.hpp"
#include "rootzone/tiles/grid_transform.hpp"

using namespace rootzone;
using namespace rootzone::tiles;

TEST_CASE("Grid transform: within 0.01 tile units of PROJ from z11 to z20 (EPSG:25832, Mainz)") {
  const geo::Transformer to_merc(25832, 3857);
  const auto center = lonlat_to_merc({8.2711, 49.9929});
  for (int z : {11, 12, 14, 16, 18, 20}) {
    const auto r = tiles_covering({center.x, center.y, center.x, center.y}, z);
    const TileId t{z, r.min_x, r.min_y};
    const TileFrame frame{tile_bounds(t), 4096};
    const auto area = store_area(to_merc, t, 4096, 64);
    const GridTransform grid(to_merc, area, frame);
    double worst = 0;
    for (int i = 0; i <= 20; ++i) {
      for (int j = 0; j <= 20; ++j) {
        const geo::Point p{area.minx + (area.maxx - area.minx) * i / 20.0,
                           area.miny + (area.maxy - area.miny) * j / 20.0};
        const auto exact = frame.to_tile(to_merc.forward(p));
        const auto fast = grid(p);
        worst = std::max(worst, std::hypot(exact.x - fast.x, exact.y - fast.y));
      }
    }
    INFO("z" << z << " cells " << grid.cells());
    CHECK(worst < 0.01);
  }
}

TEST_CASE("Store area: the tile's footprint in the store CRS covers the tile and its buffer") {
  const geo::Transformer to_merc(25832, 3857);
  const TileId t{16, 34273, 22228};
  const auto area = store_area(to_merc, t, 4096, 64);
  const TileFrame frame{tile_bounds(t), 4096};
  // Every corner of the buffered tile maps back inside the area.
  for (const geo::Point c : {geo::Point{-64, -64}, {4160, -64}, {-64, 4160}, {4160, 4160}}) {
    const auto s = to_merc.inverse(frame.to_merc(c));
    CHECK(s.x >= area.minx - 1e-6);
    CHECK(s.x <= area.maxx + 1e-6);
    CHECK(s.y >= area.miny - 1e-6);
    CHECK(s.y <= area.maxy + 1e-6);
  }
}

TEST_CASE("Disc on the grid: a convex ring of positive area, clipped to the buffer, no repeats") {
  const geo::Bounds clip{-64, -64, 4160, 4160};
  const auto whole = disc_on_grid({2000, 2000}, 100, clip, 4);
  REQUIRE(whole.size() >= 8);
  // An inscribed polygon whose chords stay within 4 units: between the discs of radius 96 and 100.
  CHECK(ring_area(whole) > 3.14159 * 96 * 96);
  CHECK(ring_area(whole) < 3.14159 * 100 * 100);
  // Half of it beyond the left buffer edge: every vertex within the clip rectangle.
  const auto half = disc_on_grid({-64, 2000}, 100, clip, 4);
  REQUIRE(half.size() >= 4);
  for (const auto& p : half) CHECK(p.x >= -64);
  CHECK(ring_area(half) > 3.14159 * 96 * 96 / 2);
  CHECK(ring_area(half) < 3.14159 * 100 * 100 / 2);
  for (std::size_t i = 0; i < half.size(); ++i) CHECK_FALSE(half[i] == half[(i + 1) % half.size()]);
  // Entirely outside, or smaller than a unit: nothing.
  CHECK(disc_on_grid({-500, 2000}, 100, clip, 4).empty());
  CHECK(disc_on_grid({10.1, 10.1}, 0.2, clip, 4).empty());  // every vertex snaps to (10,10)
}

TEST_CASE("Clip to grid: a bow-tie polygon comes back valid (two triangles), on integer units") {
  geo::PlanarShape bowtie;
  bowtie.kind = geo::PlanarShape::Kind::polygon;
  bowtie.polygons = {{{{0, 0}, {100.4, 100.4}, {100.2, 0}, {0.3, 100}, {0, 0}}}};
  const auto out = geo::clip_to_grid(bowtie, {-64, -64, 4160, 4160}, 0);
  REQUIRE(out.kind == geo::PlanarShape::Kind::polygon);
  CHECK(out.polygons.size() == 2);
  for (const auto& poly : out.polygons)
    for (const auto& ring : poly)
      for (const auto& p : ring) {
        CHECK(p.x == std::round(p.x));
        CHECK(p.y == std::round(p.y));
      }
}

TEST_CASE(
    "Clip to grid: clipped to the buffer, slivers thinner than a unit vanish, lines stay lines") {
  geo::PlanarShape big;
  big.kind = geo::PlanarShape::Kind::polygon;
  big.polygons = {{{{-1000, -1000}, {5000, -1000}, {5000, 5000}, {-1000, 5000}, {-1000, -1000}}}};
  const auto clipped = geo::clip_to_grid(big, {-64, -64, 4160, 4160}, 4);
  REQUIRE(clipped.polygons.size() == 1);
  for (const auto& p : clipped.polygons[0][0]) {
    CHECK(p.x >= -64);
    CHECK(p.x <= 4160);
  }
  geo::PlanarShape sliver;
  sliver.kind = geo::PlanarShape::Kind::polygon;
  sliver.polygons = {{{{10, 10}, {300, 10}, {300, 10.2}, {10, 10.2}, {10, 10}}}};
  CHECK(geo::clip_to_grid(sliver, {-64, -64, 4160, 4160}, 4).empty());
  geo::PlanarShape line;
  line.kind = geo::PlanarShape::Kind::line;
  line.lines = {{{-500, 100}, {100, 100}, {100.1, 100.2}, {200, 100}}};
  const auto l = geo::clip_to_grid(line, {-64, -64, 4160, 4160}, 4);
  REQUIRE(l.kind == geo::PlanarShape::Kind::line);
  REQUIRE(l.lines.size() == 1);
  CHECK(l.lines[0].front().x == -64);
  CHECK(l.lines[0].size() == 2);  // the 0.2-unit wiggle is simplified away
}
