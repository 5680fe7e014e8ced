#pragma once
// Coordinate reference systems and transforms (PROJ behind a pimpl). Coordinates are always
// x/y = easting/northing or lon/lat: axis order is normalised for visualisation, whatever
// the EPSG definition says.
#include <memory>
#include <string>
#include <vector>

#include "rootzone/geo/geometry.hpp"

namespace rootzone::geo {

struct AreaOfUse {
  double west = 0, south = 0, east = 0, north = 0;  // degrees, EPSG:4326 lon/lat
  std::string name;
  bool contains_lonlat(Point lonlat) const;
};

struct CrsInfo {
  int epsg = 0;
  std::string name;
  bool projected = false;
  bool metric = false;  // both axes in metres
  AreaOfUse area;
};

// Looks the CRS up in PROJ's database; throws CrsError for an unknown code.
CrsInfo describe_crs(int epsg);
// Throws CrsError with the reason when a store cannot use this CRS (unknown, geographic,
// or not in metres): all distances and areas of docs/domain.md are metres.
CrsInfo require_metric_crs(int epsg);

// A transform between two EPSG codes. Owns its own PROJ context, so one Transformer must be
// used by one thread at a time (PROJ: one PJ_CONTEXT per thread).
class Transformer {
 public:
  Transformer(int from_epsg, int to_epsg);
  ~Transformer();
  Transformer(Transformer&&) noexcept;
  Transformer& operator=(Transformer&&) noexcept;
  Transformer(const Transformer&) = delete;
  Transformer& operator=(const Transformer&) = delete;

  int from_epsg() const;
  int to_epsg() const;
  // Throws CrsError when PROJ cannot transform the point (e.g. far outside the projection).
  Point forward(Point p) const;
  Point inverse(Point p) const;
  void forward_in_place(std::vector<Point>& points) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rootzone::geo
