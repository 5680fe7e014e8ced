#pragma once
// From the source CRS into the store's: refuses what lies outside the area of use of the
// store's CRS (docs/domain.md "Coordinates") and what PROJ cannot transform, with the reason.
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rootzone/geo/crs.hpp"
#include "rootzone/geo/geometry.hpp"

namespace rootzone::importers::detail {

class CrsGuard {
 public:
  // `source` is cloned; lon/lat axis order is used for geographic CRSs (GIS order).
  CrsGuard(OGRSpatialReferenceH source, int store_srid);
  ~CrsGuard();
  CrsGuard(const CrsGuard&) = delete;
  CrsGuard& operator=(const CrsGuard&) = delete;

  std::string source_name() const { return source_name_; }
  // Boxes in the source CRS whose points lie in the area of use for certain: such points pass
  // without PROJ. By miny, not overlapping.
  const std::vector<geo::Bounds>& inside_boxes() const { return inside_; }

  // A point: the reason it is refused, or nothing and `out` in the store CRS.
  std::optional<std::string> point(double x, double y, geo::Point& out) const;
  // Transforms `g` in place into the store CRS (2D); the reason when refused.
  std::optional<std::string> geometry(OGRGeometryH g) const;

 private:
  std::optional<std::string> check_area(double min_lon, double min_lat, double max_lon,
                                        double max_lat) const;
  bool surely_inside(double x, double y) const;
  OGRSpatialReferenceH source_ = nullptr;
  OGRSpatialReferenceH store_ = nullptr;
  OGRSpatialReferenceH wgs84_ = nullptr;
  OGRCoordinateTransformationH to_store_ = nullptr;
  OGRCoordinateTransformationH to_lonlat_ = nullptr;  // null when the source is lon/lat
  bool same_as_store_ = false;
  std::vector<geo::Bounds> inside_;
  geo::CrsInfo store_info_;
  std::string source_name_;
};

// "EPSG:25832" or the CRS's name.
std::string crs_label(OGRSpatialReferenceH srs);

}  // namespace rootzone::importers::detail
