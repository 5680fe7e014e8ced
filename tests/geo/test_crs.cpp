#include <catch2/catch.hpp>

#include <cmath>
#include <thread>

#include "rootzone/geo/crs.hpp"
#include "rootzone/geo/errors.hpp"

using namespace rootzone::geo;
using Catch::Matchers::StartsWith;

namespace {

// Mainz cathedral (Mainzer Dom), approximately; the point is exact by definition here.
constexpr Point dom_lonlat{8.2745, 49.9990};

// EPSG:25832 (ETRS89 / UTM 32N) of dom_lonlat, from PROJ 9.1.1's cs2cs, both as EPSG codes
// (authority axis order, so latitude first) and as an explicit PROJ string pair:
//   echo "49.999 8.2745" | cs2cs -d 4 EPSG:4326 EPSG:25832
//   echo "8.2745 49.999" | cs2cs -d 4 +proj=longlat +datum=WGS84 +to +proj=utm +zone=32
//   +ellps=GRS80
// both print 448004.6980 5538771.6962. ETRS89 and WGS 84 are taken as equal (EPSG:1149,
// the null transformation, accuracy 1 m), which is what PROJ uses without grids.
constexpr Point dom_utm32{448004.6980, 5538771.6962};

// EPSG:3857 (WGS 84 / Pseudo-Mercator) is the spherical Mercator formula on WGS 84 lon/lat
// with R = 6378137 m (the WGS 84 semi-major axis):
//   x = R * lon_rad, y = R * ln(tan(pi/4 + lat_rad/2))
// giving 921113.1266 6446102.6604 for dom_lonlat.
Point web_mercator(Point lonlat) {
  constexpr double R = 6378137.0;
  constexpr double pi = 3.14159265358979323846;
  const double lon = lonlat.x * pi / 180.0;
  const double lat = lonlat.y * pi / 180.0;
  return {R * lon, R * std::log(std::tan(pi / 4 + lat / 2))};
}

constexpr double mm = 0.001;
// 1e-8 degree is about 1.1 mm of latitude and 0.7 mm of longitude at 50 degrees north.
constexpr double deg_tol = 1e-8;

void check_near(Point actual, Point expected, double tol) {
  INFO("actual (" << actual.x << ", " << actual.y << ") expected (" << expected.x << ", "
                  << expected.y << ") tolerance " << tol);
  CHECK(std::abs(actual.x - expected.x) <= tol);
  CHECK(std::abs(actual.y - expected.y) <= tol);
}

}  // namespace

TEST_CASE("EPSG:4326 -> 25832 on Mainz cathedral, lon/lat order", "[crs]") {
  const Transformer t(4326, 25832);
  CHECK(t.from_epsg() == 4326);
  CHECK(t.to_epsg() == 25832);
  check_near(t.forward(dom_lonlat), dom_utm32, mm);
  check_near(t.inverse(dom_utm32), dom_lonlat, deg_tol);
}

TEST_CASE("EPSG:4326 -> 3857 matches the Web Mercator formula", "[crs]") {
  const Point expected = web_mercator(dom_lonlat);
  check_near(expected, {921113.1266, 6446102.6604}, 0.0001);  // the formula itself
  const Transformer t(4326, 3857);
  check_near(t.forward(dom_lonlat), expected, mm);
  check_near(t.inverse(expected), dom_lonlat, deg_tol);
  // Origin and antimeridian: x = R * pi at 180 degrees.
  check_near(t.forward({0, 0}), {0, 0}, mm);
  check_near(t.forward({180, 0}), {20037508.342789244, 0}, mm);
}

TEST_CASE("EPSG:25832 -> 3857 goes through lon/lat consistently", "[crs]") {
  const Transformer t(25832, 3857);
  check_near(t.forward(dom_utm32), web_mercator(dom_lonlat), mm);
  check_near(t.inverse(web_mercator(dom_lonlat)), dom_utm32, mm);
}

TEST_CASE("round trip 25832 -> 4326 -> 25832 within 1 mm", "[crs]") {
  const Transformer to_lonlat(25832, 4326);
  const Transformer to_utm(4326, 25832);
  // Mainz cathedral and the corners of a 20 km square around it.
  for (const Point p : {dom_utm32, Point{438000, 5528000}, Point{458000, 5528000},
                        Point{438000, 5548000}, Point{458000, 5548000}}) {
    INFO(p.x << " " << p.y);
    const Point lonlat = to_lonlat.forward(p);
    CHECK(lonlat.x > 8.0);  // lon/lat, not lat/lon
    CHECK(lonlat.x < 8.5);
    check_near(to_utm.forward(lonlat), p, mm);
  }
}

TEST_CASE("forward_in_place transforms all points or none", "[crs]") {
  const Transformer t(4326, 25832);
  std::vector<Point> points{dom_lonlat, dom_lonlat};
  t.forward_in_place(points);
  REQUIRE(points.size() == 2);
  check_near(points[0], dom_utm32, mm);
  check_near(points[1], dom_utm32, mm);

  std::vector<Point> with_bad{dom_lonlat, {8.0, 95.0}};
  const std::vector<Point> before = with_bad;
  REQUIRE_THROWS_WITH(
      t.forward_in_place(with_bad),
      "point 1 of 2: EPSG:4326 -> EPSG:25832: cannot transform (8, 95): Invalid coordinate");
  CHECK(with_bad == before);
}

TEST_CASE("a point PROJ cannot transform is a CrsError", "[crs]") {
  const Transformer t(4326, 3857);
  // A latitude beyond the pole. (At exactly 90 degrees PROJ 9.1 clamps and returns a finite
  // y of about 2.4e8 m, as cs2cs shows: no error to test there.)
  REQUIRE_THROWS_AS(t.forward({0, 95}), CrsError);
  REQUIRE_THROWS_WITH(t.forward({0, 95}),
                      "EPSG:4326 -> EPSG:3857: cannot transform (0, 95): Invalid coordinate");
  REQUIRE_THROWS_WITH(
      t.forward({NAN, 0}),
      "EPSG:4326 -> EPSG:3857: cannot transform (nan, 0): a coordinate is not finite");
  // The transformer is still usable after a failure.
  check_near(t.forward(dom_lonlat), web_mercator(dom_lonlat), mm);
}

TEST_CASE("Transformer refuses unknown codes and moves", "[crs]") {
  REQUIRE_THROWS_WITH(Transformer(4326, 999999), "EPSG:999999 is not a CRS PROJ knows");
  Transformer a(4326, 25832);
  Transformer b = std::move(a);
  CHECK(b.from_epsg() == 4326);
  check_near(b.forward(dom_lonlat), dom_utm32, mm);
  Transformer c(25832, 4326);
  c = std::move(b);
  CHECK(c.to_epsg() == 25832);
}

TEST_CASE("describe_crs reports type, units and area of use", "[crs]") {
  const CrsInfo utm32 = describe_crs(25832);
  CHECK(utm32.epsg == 25832);
  CHECK(utm32.name == "ETRS89 / UTM zone 32N");
  CHECK(utm32.projected);
  CHECK(utm32.metric);
  // EPSG area 2861, as projinfo -o PROJJSON EPSG:25832 prints its bbox.
  CHECK(utm32.area.west == 6.0);
  CHECK(utm32.area.south == 38.76);
  CHECK(utm32.area.east == 12.01);
  CHECK(utm32.area.north == 84.33);
  CHECK_THAT(utm32.area.name, StartsWith("Europe between 6°E and 12°E"));

  const CrsInfo wgs84 = describe_crs(4326);
  CHECK(wgs84.name == "WGS 84");
  CHECK_FALSE(wgs84.projected);
  CHECK_FALSE(wgs84.metric);

  const CrsInfo geocentric = describe_crs(4978);
  CHECK_FALSE(geocentric.projected);
  CHECK(geocentric.metric);  // metres, but X/Y/Z through the earth's centre

  REQUIRE_THROWS_WITH(describe_crs(999999), "EPSG:999999 is not a CRS PROJ knows");
}

TEST_CASE("German store CRSs are projected and metric", "[crs]") {
  for (const int epsg : {25832, 25833, 31467}) {
    INFO(epsg);
    const CrsInfo info = require_metric_crs(epsg);
    CHECK(info.epsg == epsg);
    CHECK(info.projected);
    CHECK(info.metric);
  }
  CHECK(require_metric_crs(25833).name == "ETRS89 / UTM zone 33N");
  CHECK(require_metric_crs(31467).name == "DHDN / 3-degree Gauss-Kruger zone 3");
}

TEST_CASE("require_metric_crs refuses what a store cannot use", "[crs]") {
  REQUIRE_THROWS_AS(require_metric_crs(4326), CrsError);
  REQUIRE_THROWS_WITH(require_metric_crs(4326),
                      "EPSG:4326 (WGS 84) is geographic (degrees): a rootzone store needs a "
                      "projected CRS in metres, e.g. EPSG:25832");
  REQUIRE_THROWS_WITH(require_metric_crs(999999), "EPSG:999999 is not a CRS PROJ knows");
  REQUIRE_THROWS_WITH(require_metric_crs(2263),
                      "EPSG:2263 (NAD83 / New York Long Island (ftUS)) is in US survey foot, not "
                      "metres: a rootzone store needs a projected CRS in metres, e.g. EPSG:25832");
  REQUIRE_THROWS_WITH(require_metric_crs(4978),
                      "EPSG:4978 (WGS 84) is geocentric, not projected: a rootzone store needs a "
                      "projected CRS in metres, e.g. EPSG:25832");
  REQUIRE_THROWS_WITH(require_metric_crs(5555),
                      "EPSG:5555 (ETRS89 / UTM zone 32N + DHHN92 height) is compound (horizontal + "
                      "height), not projected: a rootzone store needs a projected CRS in metres, "
                      "e.g. EPSG:25832");
}

TEST_CASE("area of use: Mainz in UTM 32N, Iowa in UTM 15N", "[crs]") {
  constexpr Point iowa{-93.6, 41.6};  // Des Moines, approximately
  const AreaOfUse utm32 = describe_crs(25832).area;
  CHECK(utm32.contains_lonlat(dom_lonlat));
  CHECK_FALSE(utm32.contains_lonlat(iowa));
  CHECK_FALSE(utm32.contains_lonlat({dom_lonlat.y, dom_lonlat.x}));  // swapped axes
  const AreaOfUse utm15 = describe_crs(26915).area;
  CHECK(utm15.contains_lonlat(iowa));
  CHECK_FALSE(utm15.contains_lonlat(dom_lonlat));
  // Bounds are inclusive.
  CHECK(utm32.contains_lonlat({6.0, 38.76}));
  CHECK(utm32.contains_lonlat({12.01, 84.33}));
  CHECK_FALSE(utm32.contains_lonlat({12.02, 50}));
}

TEST_CASE("area of use across the antimeridian", "[crs]") {
  const AreaOfUse fiji{176.0, -20.0, -178.0, -12.0, "across 180 degrees"};
  CHECK(fiji.contains_lonlat({178.0, -17.0}));
  CHECK(fiji.contains_lonlat({-179.0, -17.0}));
  CHECK_FALSE(fiji.contains_lonlat({0.0, -17.0}));
  CHECK_FALSE(fiji.contains_lonlat({178.0, -25.0}));
}

TEST_CASE("CRS functions work from several threads", "[crs]") {
  // PROJ: one context per thread; describe_crs keeps one per thread, Transformer its own.
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (std::size_t i = 0; i < ok.size(); ++i) {
    threads.emplace_back([i, &ok] {
      const bool metric = describe_crs(25832).metric;
      const Transformer t(4326, 25832);
      const Point p = t.forward(dom_lonlat);
      ok[i] = metric && std::abs(p.x - dom_utm32.x) <= mm && std::abs(p.y - dom_utm32.y) <= mm;
    });
  }
  for (auto& th : threads) th.join();
  CHECK(ok == std::vector<int>{1, 1, 1, 1});
}
