#include "crs_guard.hpp"

#include <algorithm>
#include <cstdio>

#include "ogr_source.hpp"
#include "rootzone/importers/errors.hpp"

namespace rootzone::importers::detail {

std::string crs_label(OGRSpatialReferenceH srs) {
  if (!srs) return "(none)";
  const char* auth = OSRGetAuthorityName(srs, nullptr);
  const char* code = OSRGetAuthorityCode(srs, nullptr);
  if (auth && code) return std::string(auth) + ":" + code;
  const char* name = OSRGetName(srs);
  return name ? name : "(unnamed CRS)";
}

namespace {

OGRSpatialReferenceH epsg_srs(int code) {
  auto* srs = OSRNewSpatialReference(nullptr);
  if (OSRImportFromEPSG(srs, code) != OGRERR_NONE) {
    OSRRelease(srs);
    throw ImportError("EPSG:" + std::to_string(code) + " is not a CRS PROJ knows");
  }
  OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
  return srs;
}

std::string deg(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.5f", v);
  return buf;
}

}  // namespace

CrsGuard::CrsGuard(OGRSpatialReferenceH source, int store_srid)
    : store_info_(geo::describe_crs(store_srid)) {
  ensure_gdal_registered();
  ErrorCollector errors;
  source_ = OSRClone(source);
  OSRSetAxisMappingStrategy(source_, OAMS_TRADITIONAL_GIS_ORDER);
  source_name_ = crs_label(source_);
  store_ = epsg_srs(store_srid);
  wgs84_ = epsg_srs(4326);
  to_store_ = OCTNewCoordinateTransformation(source_, store_);
  // A source in the store's CRS (the usual case) keeps its coordinates as they are; PROJ's
  // no-op pipeline would still cost a tenth of a row's mapping.
  same_as_store_ = OSRIsSame(source_, store_) != 0;
  if (!to_store_) {
    throw ImportError("no transformation from " + source_name_ + " to EPSG:" +
                      std::to_string(store_srid) + ": " + errors.take_failure());
  }
  const bool lonlat = OSRIsGeographic(source_) && OSRIsSame(source_, wgs84_);
  if (!lonlat) {
    to_lonlat_ = OCTNewCoordinateTransformation(source_, wgs84_);
    if (!to_lonlat_) {
      throw ImportError("no transformation from " + source_name_ + " to EPSG:4326: " +
                        errors.take_failure());
    }
  }
}

CrsGuard::~CrsGuard() {
  if (to_lonlat_) OCTDestroyCoordinateTransformation(to_lonlat_);
  if (to_store_) OCTDestroyCoordinateTransformation(to_store_);
  OSRRelease(wgs84_);
  OSRRelease(store_);
  OSRRelease(source_);
}

std::optional<std::string> CrsGuard::check_area(double min_lon, double min_lat, double max_lon,
                                                double max_lat) const {
  const auto& a = store_info_.area;
  if (a.contains_lonlat({min_lon, min_lat}) && a.contains_lonlat({max_lon, max_lat})) {
    return std::nullopt;
  }
  const bool single = min_lon == max_lon && min_lat == max_lat;
  return "outside the area of use: EPSG:" + std::to_string(store_info_.epsg) + " (" +
         store_info_.name + ") covers lon " + deg(a.west) + ".." + deg(a.east) + ", lat " +
         deg(a.south) + ".." + deg(a.north) + "; the record lies at " +
         (single ? "lon " + deg(min_lon) + ", lat " + deg(min_lat)
                 : "lon " + deg(min_lon) + ".." + deg(max_lon) + ", lat " + deg(min_lat) +
                       ".." + deg(max_lat));
}

std::optional<std::string> CrsGuard::point(double x, double y, geo::Point& out) const {
  double lon = x;
  double lat = y;
  if (to_lonlat_ && !OCTTransform(to_lonlat_, 1, &lon, &lat, nullptr)) {
    return "cannot be transformed from " + source_name_ + " to EPSG:4326";
  }
  if (auto why = check_area(lon, lat, lon, lat)) return why;
  double sx = x;
  double sy = y;
  if (!same_as_store_ && !OCTTransform(to_store_, 1, &sx, &sy, nullptr)) {
    return "cannot be transformed from " + source_name_ + " to EPSG:" +
           std::to_string(store_info_.epsg);
  }
  out = {sx, sy};
  return std::nullopt;
}

std::optional<std::string> CrsGuard::geometry(OGRGeometryH g) const {
  ErrorCollector errors;
  OGR_G_FlattenTo2D(g);
  OGREnvelope env;
  if (to_lonlat_) {
    GeometryPtr copy(OGR_G_Clone(g));
    if (OGR_G_Transform(copy.get(), to_lonlat_) != OGRERR_NONE) {
      return "cannot be transformed from " + source_name_ + " to EPSG:4326";
    }
    OGR_G_GetEnvelope(copy.get(), &env);
  } else {
    OGR_G_GetEnvelope(g, &env);
  }
  if (auto why = check_area(env.MinX, env.MinY, env.MaxX, env.MaxY)) return why;
  if (OGR_G_Transform(g, to_store_) != OGRERR_NONE) {
    return "cannot be transformed from " + source_name_ + " to EPSG:" +
           std::to_string(store_info_.epsg);
  }
  return std::nullopt;
}

}  // namespace rootzone::importers::detail
