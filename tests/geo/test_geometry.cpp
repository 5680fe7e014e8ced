#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "rootzone/geo/errors.hpp"
#include "rootzone/geo/geojson.hpp"
#include "rootzone/geo/geometry.hpp"

using namespace rootzone::geo;
using Catch::Matchers::StartsWith;

TEST_CASE("from_point writes 2D ISO WKB, little endian", "[geometry]") {
  const Geometry g = Geometry::from_point({1.0, 2.0});
  // OGC 06-103r4 §8.2: byte order 1 (NDR), type 1 (Point), then x and y as IEEE doubles.
  const std::vector<std::uint8_t> expected{
      0x01, 0x01, 0x00, 0x00, 0x00,                    // NDR, Point
      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF0, 0x3F,  // 1.0
      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40,  // 2.0
  };
  CHECK(g.wkb() == expected);
  CHECK(g.type_name() == "Point");
  CHECK(g.to_wkt() == "POINT (1 2)");
  CHECK(Geometry::from_wkt("POINT (1 2)") == g);
}

TEST_CASE("WKT round trip keeps type and coordinates", "[geometry]") {
  struct Case {
    const char* wkt;
    const char* type;
  };
  for (const Case& c : {
           Case{"POINT (448004.698 5538771.696)", "Point"},
           Case{"LINESTRING (0 0, 10 0, 10 5.25)", "LineString"},
           Case{"POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 2 3, 3 3, 2 2))", "Polygon"},
           Case{"MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5)))", "MultiPolygon"},
           Case{"GEOMETRYCOLLECTION (POINT (1 1), LINESTRING (0 0, 1 1))", "GeometryCollection"},
       }) {
    INFO(c.wkt);
    const Geometry g = Geometry::from_wkt(c.wkt);
    CHECK(g.type_name() == c.type);
    CHECK(g.to_wkt() == c.wkt);
    CHECK(Geometry::from_wkt(g.to_wkt()) == g);
  }
}

TEST_CASE("to_wkt rounds to the requested decimals", "[geometry]") {
  const Geometry g = Geometry::from_point({448004.69804, 5538771.69621});
  CHECK(g.to_wkt() == "POINT (448004.698 5538771.696)");
  CHECK(g.to_wkt(0) == "POINT (448005 5538772)");
  CHECK(g.to_wkt(5) == "POINT (448004.69804 5538771.69621)");
}

TEST_CASE("Z and M are dropped: the store is 2D", "[geometry]") {
  const Geometry g = Geometry::from_wkt("POINT Z (1 2 3)");
  CHECK(g == Geometry::from_point({1, 2}));
  CHECK(g.wkb().size() == 21);  // 1 + 4 + 2 x 8
  CHECK(g.to_wkt() == "POINT (1 2)");
}

TEST_CASE("bad WKT is a GeometryError carrying GEOS's reason", "[geometry]") {
  // The reasons are GEOS 3.11's (Debian 12) own words.
  REQUIRE_THROWS_AS(Geometry::from_wkt("POINT (1)"), GeometryError);
  REQUIRE_THROWS_WITH(Geometry::from_wkt("POINT (1)"),
                      "geometry: invalid WKT: ParseException: Expected number but encountered ')'");
  REQUIRE_THROWS_WITH(
      Geometry::from_wkt(""),
      "geometry: invalid WKT: ParseException: Expected word but encountered end of stream");
  REQUIRE_THROWS_WITH(Geometry::from_wkt("CIRCLE (0 0, 5)"),
                      "geometry: invalid WKT: ParseException: Unknown type: 'CIRCLE'");
  REQUIRE_THROWS_WITH(Geometry::from_wkt("POLYGON ((0 0, 1 0, 1 1))"),
                      "geometry: invalid WKT: IllegalArgumentException: Points of LinearRing do "
                      "not form a closed linestring");
  // The error text must be this call's, not one left over from an earlier failure.
  REQUIRE_NOTHROW(Geometry::from_wkt("POINT (3 4)"));
}

TEST_CASE("text after the geometry is refused, not dropped", "[geometry]") {
  // GEOS 3.11 stops reading after the first geometry; from_wkt must not lose the rest.
  REQUIRE_THROWS_WITH(Geometry::from_wkt("POINT (1 2), POINT (3 4)"),
                      "geometry: invalid WKT: unexpected text after the geometry: ', POINT (3 4)'");
  REQUIRE_THROWS_WITH(Geometry::from_wkt("POINT (1 2) junk"),
                      "geometry: invalid WKT: unexpected text after the geometry: ' junk'");
  REQUIRE_THROWS_WITH(Geometry::from_wkt("POINT EMPTY x"),
                      "geometry: invalid WKT: unexpected text after the geometry: ' x'");
  REQUIRE_THROWS_WITH(Geometry::from_wkt("POINT EMPTY (1 2)"),
                      "geometry: invalid WKT: unexpected text after the geometry: ' (1 2)'");
  REQUIRE_THROWS_WITH(Geometry::from_wkt("POINT EMPTY)"),
                      "geometry: invalid WKT: unexpected text after the geometry: ')'");
  CHECK(Geometry::from_wkt("GEOMETRYCOLLECTION (POINT EMPTY, POINT (1 2))").type_name() ==
        "GeometryCollection");
  // Surrounding blanks, lower case and missing spaces are fine.
  CHECK(Geometry::from_wkt("  point(1 2)\n") == Geometry::from_point({1, 2}));
  CHECK(Geometry::from_wkt("POINT EMPTY ").to_wkt() == "POINT EMPTY");
  CHECK(Geometry::from_wkt("POLYGON ((0 0, 1 0, 1 1, 0 0)) ").type_name() == "Polygon");
}

TEST_CASE("bad WKB and missing geometry are GeometryErrors", "[geometry]") {
  const Geometry truncated(std::vector<std::uint8_t>{0x01, 0x01, 0x00, 0x00, 0x00, 0x00});
  REQUIRE_THROWS_WITH(truncated.to_wkt(), StartsWith("geometry: invalid WKB: "));
  REQUIRE_THROWS_WITH(Geometry{}.type_name(), "geometry: no WKB (empty geometry value)");
  CHECK(Geometry{}.empty());
}

TEST_CASE("a point with a non-finite coordinate is refused", "[geometry]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  REQUIRE_THROWS_WITH(Geometry::from_point({nan, 1}),
                      "geometry: point (nan 1) has a coordinate that is not finite");
  REQUIRE_THROWS_AS(Geometry::from_point({1, HUGE_VAL}), GeometryError);
}

// GEOS 3.11's GeoJSON reader reads a position's first two numbers unchecked: an empty one was a
// null pointer read (tests/fuzz/crashes/work_bodies). from_geojson checks positions first.
TEST_CASE("from_geojson refuses positions without two numbers before GEOS reads them",
          "[geometry]") {
  for (
      const char* text :
      {R"({"type":"LineString","coordinates":[[]]})",
       R"({"type":"LineString","coordinates":[[1,2],[3]]})", R"({"type":"Point","coordinates":[]})",
       R"({"type":"Polygon","coordinates":[[[0,0],[1,0],[]]]})",
       R"({"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,"a"]]]]})",
       R"({"type":"MultiPoint","coordinates":[[]]})",
       R"({"type":"LineString","coordinates":[1,2]})",
       R"({"type":"GeometryCollection","geometries":[{"type":"LineString","coordinates":[[]]}]})",
       R"({"type":"GeometryCollection","geometries":[{"type":"GeometryCollection","geometries":[]}]})"}) {
    INFO(text);
    CHECK_THROWS_AS(from_geojson(text), GeometryError);
  }
  CHECK(from_geojson(R"({"type":"LineString","coordinates":[[1,2],[3,4]]})").to_wkt() ==
        "LINESTRING (1 2, 3 4)");
  CHECK(from_geojson(R"({"type":"Point","coordinates":[1,2]})").to_wkt() == "POINT (1 2)");
}
