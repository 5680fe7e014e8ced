// The CRS guard's fast area check: points in its boxes pass without PROJ, so the boxes must
// lie inside the store CRS's area of use, and every verdict must equal the exact check's.
#include <catch2/catch.hpp>
#include <random>

#include "crs_guard.hpp"
#include "ogr_source.hpp"
#include "rootzone/geo/crs.hpp"

using rootzone::importers::detail::CrsGuard;
using rootzone::importers::detail::ensure_gdal_registered;

namespace {

OGRSpatialReferenceH epsg(int code) {
  auto* srs = OSRNewSpatialReference(nullptr);
  REQUIRE(OSRImportFromEPSG(srs, code) == OGRERR_NONE);
  OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
  return srs;
}

struct Case {
  int source, store;
};

}  // namespace

TEST_CASE("the CRS guard's boxes lie in the area of use, and its verdicts are the exact ones",
          "[importers][crs]") {
  ensure_gdal_registered();
  // Source = store (the usual import), Gauss-Krüger into UTM, Web Mercator into UTM, Iowa.
  const auto c =
      GENERATE(Case{25832, 25832}, Case{31467, 25832}, Case{3857, 25832}, Case{26915, 26915});
  CAPTURE(c.source, c.store);
  auto* source = epsg(c.source);
  auto* wgs84 = epsg(4326);
  const CrsGuard guard(source, c.store);
  const auto area = rootzone::geo::describe_crs(c.store).area;
  auto* to_lonlat = OCTNewCoordinateTransformation(source, wgs84);
  auto* from_lonlat = OCTNewCoordinateTransformation(wgs84, source);
  REQUIRE(to_lonlat);
  REQUIRE(from_lonlat);
  const auto exact_inside = [&](double x, double y) {
    double lon = x, lat = y;
    REQUIRE(OCTTransform(to_lonlat, 1, &lon, &lat, nullptr));
    return area.contains_lonlat({lon, lat});
  };

  // Several bands of the area are covered (32 are tried).
  const auto& boxes = guard.inside_boxes();
  CHECK(boxes.size() >= 16);
  std::mt19937 random(4711);
  for (const auto& b : boxes) {
    CHECK(b.minx < b.maxx);
    std::uniform_real_distribution<double> x(b.minx, b.maxx), y(b.miny, b.maxy);
    for (int i = 0; i < 200; ++i) {
      const double px = x(random), py = y(random);
      CHECK(exact_inside(px, py));
    }
  }

  // Points all over the area and beyond it (2 degrees around), and right at its edges: the
  // guard refuses exactly those outside.
  std::uniform_real_distribution<double> lon(area.west - 2, area.east + 2);
  std::uniform_real_distribution<double> lat(std::max(area.south - 2, -85.0),
                                             std::min(area.north + 2, 85.0));
  std::vector<std::pair<double, double>> lonlat;
  for (int i = 0; i < 4000; ++i) lonlat.emplace_back(lon(random), lat(random));
  for (const double d : {-1e-6, 1e-6}) {
    lonlat.emplace_back(area.west + d, (area.south + area.north) / 2);
    lonlat.emplace_back(area.east + d, (area.south + area.north) / 2);
    lonlat.emplace_back((area.west + area.east) / 2, area.south + d);
    lonlat.emplace_back((area.west + area.east) / 2, area.north + d);
  }
  int inside = 0, outside = 0;
  for (auto [x, y] : lonlat) {
    if (!OCTTransform(from_lonlat, 1, &x, &y, nullptr)) continue;
    rootzone::geo::Point out;
    const bool accepted = !guard.point(x, y, out).has_value();
    CHECK(accepted == exact_inside(x, y));
    (accepted ? inside : outside) += 1;
  }
  CHECK(inside > 100);
  CHECK(outside > 100);
  OCTDestroyCoordinateTransformation(from_lonlat);
  OCTDestroyCoordinateTransformation(to_lonlat);
  OSRRelease(wgs84);
  OSRRelease(source);
}
