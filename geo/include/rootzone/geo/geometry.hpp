#pragma once
// A geometry as the domain passes it around: ISO WKB bytes in a known CRS. GEOS stays behind
// this type (docs/architecture.md: no GEOS types in geo's headers); storage hands the bytes to
// SpatiaLite unchanged.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace rootzone::geo {

struct Point {
  double x = 0;
  double y = 0;
  friend bool operator==(const Point&, const Point&) = default;
};

// An axis-aligned rectangle in one CRS (a change's footprint, a tile's extent, a query's bbox,
// an index entry).
struct Bounds {
  double minx = 0;
  double miny = 0;
  double maxx = 0;
  double maxy = 0;

  // Holds no point, and expand() makes it the bounds of what it is given.
  static constexpr Bounds none() {
    return {std::numeric_limits<double>::max(), std::numeric_limits<double>::max(),
            std::numeric_limits<double>::lowest(), std::numeric_limits<double>::lowest()};
  }
  bool empty() const { return minx > maxx || miny > maxy; }

  Bounds grown(double by) const { return {minx - by, miny - by, maxx + by, maxy + by}; }
  bool intersects(const Bounds& o) const {
    return minx <= o.maxx && o.minx <= maxx && miny <= o.maxy && o.miny <= maxy;
  }
  bool contains(Point p) const {  // edges included
    return p.x >= minx && p.x <= maxx && p.y >= miny && p.y <= maxy;
  }
  // Empty (see empty()) when they do not overlap.
  Bounds intersection(const Bounds& o) const {
    return {std::max(minx, o.minx), std::max(miny, o.miny), std::min(maxx, o.maxx),
            std::min(maxy, o.maxy)};
  }
  void expand(Point p) {
    minx = std::min(minx, p.x);
    miny = std::min(miny, p.y);
    maxx = std::max(maxx, p.x);
    maxy = std::max(maxy, p.y);
  }
  void expand(const Bounds& o) {
    minx = std::min(minx, o.minx);
    miny = std::min(miny, o.miny);
    maxx = std::max(maxx, o.maxx);
    maxy = std::max(maxy, o.maxy);
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
