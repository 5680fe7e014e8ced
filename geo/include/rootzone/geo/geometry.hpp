#pragma once
// A geometry as the domain passes it around: ISO WKB bytes in a known CRS. GEOS stays behind
// this type (ARCHITECTURE.md: no GEOS types in geo's headers); storage hands the bytes to
// SpatiaLite unchanged.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rootzone::geo {

struct Point {
  double x = 0;
  double y = 0;
  friend bool operator==(const Point&, const Point&) = default;
};

// An axis-aligned rectangle in one CRS (a change's footprint, a tile's extent).
struct Bounds {
  double minx = 0;
  double miny = 0;
  double maxx = 0;
  double maxy = 0;
  Bounds grown(double by) const { return {minx - by, miny - by, maxx + by, maxy + by}; }
  bool intersects(const Bounds& o) const {
    return minx <= o.maxx && o.minx <= maxx && miny <= o.maxy && o.miny <= maxy;
  }
  bool contains(Point p) const {  // edges included
    return p.x >= minx && p.x <= maxx && p.y >= miny && p.y <= maxy;
  }
  friend bool operator==(const Bounds&, const Bounds&) = default;
};

class Geometry {
 public:
  Geometry() = default;
  explicit Geometry(std::vector<std::uint8_t> wkb) : wkb_(std::move(wkb)) {}

  // Throws GeometryError with GEOS's reason on unparsable text.
  static Geometry from_wkt(std::string_view wkt);
  static Geometry from_point(Point p);

  const std::vector<std::uint8_t>& wkb() const { return wkb_; }
  bool empty() const { return wkb_.empty(); }
  std::string to_wkt(int decimals = 3) const;
  // "Point", "LineString", "Polygon", "MultiPolygon", ...
  std::string type_name() const;
  // Throws GeometryError for an empty geometry (it has no bounds) or unparsable WKB.
  Bounds bounds() const;

  friend bool operator==(const Geometry&, const Geometry&) = default;

 private:
  std::vector<std::uint8_t> wkb_;
};

}  // namespace rootzone::geo
