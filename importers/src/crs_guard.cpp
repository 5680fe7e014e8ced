#include "crs_guard.hpp"

#include <algorithm>
#include <array>
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

// `n` + 1 points along the straight line from (x0, y0) to (x1, y1), transformed by `ct`;
// nothing when PROJ fails on one of them.
struct Line {
  std::vector<double> x, y;
};
std::optional<Line> transformed_line(OGRCoordinateTransformationH ct, double x0, double y0,
                                     double x1, double y1, int n) {
  Line l{std::vector<double>(static_cast<std::size_t>(n) + 1),
         std::vector<double>(static_cast<std::size_t>(n) + 1)};
  for (int i = 0; i <= n; ++i) {
    const double t = static_cast<double>(i) / n;
    l.x[static_cast<std::size_t>(i)] = x0 + (x1 - x0) * t;
    l.y[static_cast<std::size_t>(i)] = y0 + (y1 - y0) * t;
  }
  std::vector<int> ok(static_cast<std::size_t>(n) + 1);
  if (!OCTTransformEx(ct, n + 1, l.x.data(), l.y.data(), nullptr, ok.data()) ||
      std::find(ok.begin(), ok.end(), 0) != ok.end()) {
    return std::nullopt;
  }
  return l;
}

// Boxes in source coordinates that lie inside the area of use, one per band of latitude, so
// that a point in one passes the area check without a PROJ call (a tenth of a record's
// mapping). Each box is the room between the band's four sides (meridians and parallels of an
// area slightly inset, sampled into source coordinates); it is kept only when its own outline,
// sampled back into lon/lat, lies inside the area with a margin. The transformation is
// continuous and one-to-one, so a box whose outline is inside has its inside inside as well.
std::vector<geo::Bounds> boxes_inside(OGRSpatialReferenceH source, OGRSpatialReferenceH wgs84,
                                      OGRCoordinateTransformationH to_lonlat,
                                      const geo::AreaOfUse& a) {
  std::vector<geo::Bounds> boxes;
  if (a.west >= a.east || a.south >= a.north) return boxes;  // across the antimeridian: none
  auto* from_lonlat = OCTNewCoordinateTransformation(wgs84, source);
  if (!from_lonlat) return boxes;
  constexpr int bands = 32;
  constexpr int samples = 64;
  constexpr double inset = 0.01;    // degrees: room between box and area for the sampling
  constexpr double margin = 0.001;  // degrees: what the outline's samples must keep
  const double w = a.west + inset, e = a.east - inset, s = a.south + inset, n = a.north - inset;
  const auto outline_inside = [&](const geo::Bounds& b) {
    const std::array<std::array<double, 4>, 4> sides{{{b.minx, b.miny, b.maxx, b.miny},
                                                      {b.maxx, b.miny, b.maxx, b.maxy},
                                                      {b.maxx, b.maxy, b.minx, b.maxy},
                                                      {b.minx, b.maxy, b.minx, b.miny}}};
    for (const auto& [x0, y0, x1, y1] : sides) {
      const auto l = transformed_line(to_lonlat, x0, y0, x1, y1, samples);
      if (!l) return false;
      for (std::size_t k = 0; k < l->x.size(); ++k) {
        if (l->x[k] < a.west + margin || l->x[k] > a.east - margin || l->y[k] < a.south + margin ||
            l->y[k] > a.north - margin) {
          return false;
        }
      }
    }
    return true;
  };
  for (int k = 0; k < bands; ++k) {
    const double lat0 = s + (n - s) * k / bands;
    const double lat1 = s + (n - s) * (k + 1) / bands;
    const auto left = transformed_line(from_lonlat, w, lat0, w, lat1, samples);
    const auto right = transformed_line(from_lonlat, e, lat0, e, lat1, samples);
    const auto bottom = transformed_line(from_lonlat, w, lat0, e, lat0, samples);
    const auto top = transformed_line(from_lonlat, w, lat1, e, lat1, samples);
    if (!left || !right || !bottom || !top) continue;
    const geo::Bounds b{*std::max_element(left->x.begin(), left->x.end()),
                        *std::max_element(bottom->y.begin(), bottom->y.end()),
                        *std::min_element(right->x.begin(), right->x.end()),
                        *std::min_element(top->y.begin(), top->y.end())};
    if (b.minx < b.maxx && b.miny < b.maxy && outline_inside(b)) boxes.push_back(b);
  }
  OCTDestroyCoordinateTransformation(from_lonlat);
  std::sort(boxes.begin(), boxes.end(),
            [](const geo::Bounds& p, const geo::Bounds& q) { return p.miny < q.miny; });
  // Bands can come out overlapping in y for strange projections: then none are used.
  for (std::size_t i = 1; i < boxes.size(); ++i) {
    if (boxes[i].miny < boxes[i - 1].maxy) return {};
  }
  return boxes;
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
    throw ImportError("no transformation from " + source_name_ +
                      " to EPSG:" + std::to_string(store_srid) + ": " + errors.take_failure());
  }
  const bool lonlat = OSRIsGeographic(source_) && OSRIsSame(source_, wgs84_);
  if (!lonlat) {
    to_lonlat_ = OCTNewCoordinateTransformation(source_, wgs84_);
    if (!to_lonlat_) {
      throw ImportError("no transformation from " + source_name_ +
                        " to EPSG:4326: " + errors.take_failure());
    }
    inside_ = boxes_inside(source_, wgs84_, to_lonlat_, store_info_.area);
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
                 : "lon " + deg(min_lon) + ".." + deg(max_lon) + ", lat " + deg(min_lat) + ".." +
                       deg(max_lat));
}

bool CrsGuard::surely_inside(double x, double y) const {
  const auto after = std::upper_bound(inside_.begin(), inside_.end(), y,
                                      [](double v, const geo::Bounds& b) { return v < b.miny; });
  return after != inside_.begin() && (after - 1)->contains({x, y});
}

std::optional<std::string> CrsGuard::point(double x, double y, geo::Point& out) const {
  if (!surely_inside(x, y)) {
    double lon = x;
    double lat = y;
    if (to_lonlat_ && !OCTTransform(to_lonlat_, 1, &lon, &lat, nullptr)) {
      return "cannot be transformed from " + source_name_ + " to EPSG:4326";
    }
    if (auto why = check_area(lon, lat, lon, lat)) return why;
  }
  double sx = x;
  double sy = y;
  if (!same_as_store_ && !OCTTransform(to_store_, 1, &sx, &sy, nullptr)) {
    return "cannot be transformed from " + source_name_ +
           " to EPSG:" + std::to_string(store_info_.epsg);
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
    return "cannot be transformed from " + source_name_ +
           " to EPSG:" + std::to_string(store_info_.epsg);
  }
  return std::nullopt;
}

}  // namespace rootzone::importers::detail
