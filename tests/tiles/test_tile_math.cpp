// Tile math: the XYZ grid over EPSG:3857 and the validation of z/x/y.
#include <catch2/catch.hpp>

#include "rootzone/tiles/tile_math.hpp"

using namespace rootzone::tiles;

TEST_CASE("Tile bounds: z0 is the whole Mercator world, a Mainz z16 tile as computed by hand") {
  const auto world = tile_bounds({0, 0, 0});
  CHECK(world.minx == Approx(-20037508.342789244));
  CHECK(world.maxy == Approx(20037508.342789244));
  // Mainz, 8.2711 E 49.9929 N, lies in 16/34273/22228 (x = (lon+180)/360 * 2^16 = 34273.7,
  // y = (1 - asinh(tan lat)/pi)/2 * 2^16 = 22228.2); bounds = -W + x*2W/2^16 ...
  const auto b = tile_bounds({16, 34273, 22228});
  CHECK(b.minx == Approx(920301.8205535226).margin(1e-6));
  CHECK(b.miny == Approx(6444558.72877978).margin(1e-6));
  CHECK(b.maxx == Approx(920913.3167798035).margin(1e-6));
  CHECK(b.maxy == Approx(6445170.225006063).margin(1e-6));
  const auto m = lonlat_to_merc({8.2711, 49.9929});
  const auto r = tiles_covering({m.x, m.y, m.x, m.y}, 16);
  CHECK(r.min_x == 34273);
  CHECK(r.min_y == 22228);
  CHECK(r.count() == 1);
}

TEST_CASE("Tile range: a box is covered by the tiles it touches, clamped to the world") {
  const auto b = tile_bounds({4, 5, 6});
  const auto r = tiles_covering(b.grown(-1), 5);  // the four z5 children
  CHECK(r.min_x == 10);
  CHECK(r.max_x == 11);
  CHECK(r.min_y == 12);
  CHECK(r.max_y == 13);
  const auto all = tiles_covering({-1e9, -1e9, 1e9, 1e9}, 2);
  CHECK(all.min_x == 0);
  CHECK(all.max_x == 3);
  CHECK(all.count() == 16);
}

TEST_CASE("Tile ids: an invalid z, x or y is named with the valid range") {
  CHECK_FALSE(invalid_tile(16, 34273, 22228, 0, 20));
  CHECK(invalid_tile(21, 0, 0, 0, 20) == "z=21 is outside 0..20");
  CHECK(invalid_tile(-1, 0, 0, 0, 20) == "z=-1 is outside 0..20");
  CHECK(invalid_tile(2, 4, 0, 0, 20) == "x=4 is outside 0..3 at z=2");
  CHECK(invalid_tile(2, -1, 0, 0, 20) == "x=-1 is outside 0..3 at z=2");
  CHECK(invalid_tile(3, 0, 8, 0, 20) == "y=8 is outside 0..7 at z=3");
  CHECK(invalid_tile(0, 0, 0, 0, 20) == std::nullopt);
}

TEST_CASE("Tile frame: tile units run from the top left corner, y down, 4096 per side") {
  const TileFrame f{tile_bounds({16, 34273, 22228}), 4096};
  const auto tl = f.to_tile({f.bounds.minx, f.bounds.maxy});
  CHECK(tl.x == Approx(0).margin(1e-9));
  CHECK(tl.y == Approx(0).margin(1e-9));
  const auto br = f.to_tile({f.bounds.maxx, f.bounds.miny});
  CHECK(br.x == Approx(4096));
  CHECK(br.y == Approx(4096));
  const auto back = f.to_merc({1000.5, 2000.25});
  CHECK(f.to_tile(back).x == Approx(1000.5));
  CHECK(f.to_tile(back).y == Approx(2000.25));
  const auto ll = merc_to_lonlat(lonlat_to_merc({8.2711, 49.9929}));
  CHECK(ll.x == Approx(8.2711));
  CHECK(ll.y == Approx(49.9929));
}
