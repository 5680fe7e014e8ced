#include "import_common.hpp"

#include <cpl_conv.h>

#include <cmath>

#include "rootzone/importers/errors.hpp"
#include "values.hpp"

namespace rootzone::importers::detail {

SrsPtr source_crs(const OgrSource& source, const Mapping& mapping, const std::string& file) {
  auto* layer_srs = source.layer_srs();
  if (layer_srs && !mapping.force_crs) return SrsPtr(OSRClone(layer_srs));
  if (!mapping.crs_epsg) {
    throw MappingError("input " + file + " names no CRS: set source.crs in the mapping " +
                       (mapping.path.empty() ? std::string("(built in)") : mapping.path.string()));
  }
  auto* srs = OSRNewSpatialReference(nullptr);
  if (OSRImportFromEPSG(srs, *mapping.crs_epsg) != OGRERR_NONE) {
    OSRRelease(srs);
    throw MappingError("mapping " + mapping.path.string() + ": source.crs: EPSG:" +
                       std::to_string(*mapping.crs_epsg) + " is not a CRS PROJ knows");
  }
  return SrsPtr(srs);
}

bool prepare_geometry(OGRGeometryH g, const CrsGuard& guard, const ProblemSink& problem,
                      const std::string& field) {
  if (!g) {
    problem(Severity::refused, field, "", "missing geometry: the record has none");
    return false;
  }
  char* wkt = nullptr;
  const auto value_text = [&] {
    std::string text;
    if (OGR_G_ExportToWkt(g, &wkt) == OGRERR_NONE && wkt) text = wkt;
    CPLFree(wkt);
    wkt = nullptr;
    if (text.size() > 200) text = text.substr(0, 197) + "...";
    return text;
  };
  if (OGR_G_IsEmpty(g)) {
    problem(Severity::refused, field, value_text(), "empty geometry: no coordinates");
    return false;
  }
  {
    ErrorCollector errors;
    if (!OGR_G_IsValid(g)) {
      auto why = errors.take_any();
      problem(Severity::refused, field, value_text(),
              "invalid geometry: " + (why.empty() ? std::string("not OGC-valid") : why));
      return false;
    }
  }
  const auto value = value_text();
  if (auto why = guard.geometry(g)) {
    problem(Severity::refused, field, value, *why);
    return false;
  }
  return true;
}

namespace {

std::optional<geo::Point> point_from_columns(RecordMapper& mapper, const CrsGuard& guard,
                                             const Mapping& mapping) {
  const auto xs = mapper.raw(mapper.geometry_x, mapping.x_field);
  const auto ys = mapper.raw(mapper.geometry_y, mapping.y_field);
  if (mapper.refused()) return std::nullopt;
  if (!xs || !ys || trim(*xs).empty() || trim(*ys).empty()) {
    mapper.problem(Severity::refused, !xs || trim(*xs).empty() ? mapping.x_field : mapping.y_field,
                   "", "missing geometry: no coordinate");
    return std::nullopt;
  }
  const auto x = parse_number(*xs, mapping.decimal_separator);
  const auto y = parse_number(*ys, mapping.decimal_separator);
  if (!x || !y) {
    mapper.problem(Severity::refused, !x ? mapping.x_field : mapping.y_field, !x ? *xs : *ys,
                   "not a number: coordinate");
    return std::nullopt;
  }
  geo::Point out;
  if (auto why = guard.point(*x, *y, out)) {
    mapper.problem(Severity::refused, mapping.x_field + "/" + mapping.y_field,
                   std::string(*xs) + " " + std::string(*ys), *why);
    return std::nullopt;
  }
  return out;
}

// Leaves `owned` empty when the column is empty, for the caller to report the missing geometry;
// false when the record is refused.
bool parse_wkt_column(RecordMapper& mapper, const std::string& field, GeometryPtr& owned) {
  const auto text = mapper.raw(mapper.geometry_wkt, field);
  if (mapper.refused()) return false;
  if (!text || trim(*text).empty()) return true;
  std::string wkt(trim(*text));  // GDAL wants it terminated
  char* p = wkt.data();
  OGRGeometryH parsed = nullptr;
  if (OGR_G_CreateFromWkt(&p, nullptr, &parsed) != OGRERR_NONE || !parsed) {
    mapper.problem(Severity::refused, field, wkt, "invalid geometry: not WKT");
    return false;
  }
  owned.reset(parsed);
  return true;
}

// The common case, a 2D or 3D point with finite coordinates, needs neither a copy nor GEOS:
// such a point is never empty or invalid, and CrsGuard::point does the same CRS checks as
// CrsGuard::geometry.
bool is_finite_point(OGRGeometryH g) {
  return g && wkbFlatten(OGR_G_GetGeometryType(g)) == wkbPoint && !OGR_G_IsEmpty(g) &&
         std::isfinite(OGR_G_GetX(g, 0)) && std::isfinite(OGR_G_GetY(g, 0));
}

std::optional<geo::Point> guarded_finite_point(OGRGeometryH g, RecordMapper& mapper,
                                               const CrsGuard& guard, const std::string& field) {
  geo::Point out;
  if (auto why = guard.point(OGR_G_GetX(g, 0), OGR_G_GetY(g, 0), out)) {
    char* wkt = nullptr;
    std::string text;
    if (OGR_G_ExportToWkt(g, &wkt) == OGRERR_NONE && wkt) text = wkt;
    CPLFree(wkt);
    mapper.problem(Severity::refused, field, text, *why);
    return std::nullopt;
  }
  return out;
}

}  // namespace

std::optional<geo::Point> record_point(OgrSource& source, RecordMapper& mapper,
                                       const CrsGuard& guard, const Mapping& mapping) {
  if (mapper.geometry_x >= 0) return point_from_columns(mapper, guard, mapping);
  GeometryPtr owned;
  OGRGeometryH g = nullptr;
  std::string field = "(geometry)";
  if (mapper.geometry_wkt >= 0) {
    field = mapping.wkt_field;
    if (!parse_wkt_column(mapper, field, owned)) return std::nullopt;
    g = owned.get();
  } else {
    auto* in = source.geometry();
    if (is_finite_point(in)) return guarded_finite_point(in, mapper, guard, field);
    // Anything else takes the general path below.
    if (in) {
      owned.reset(OGR_G_Clone(in));
      g = owned.get();
    }
  }
  if (g && wkbFlatten(OGR_G_GetGeometryType(g)) != wkbPoint) {
    mapper.problem(
        Severity::refused, field, OGR_G_GetGeometryName(g),
        "invalid geometry: a tree is a point, not a " + std::string(OGR_G_GetGeometryName(g)));
    return std::nullopt;
  }
  if (!prepare_geometry(g, guard, sink(mapper), field)) return std::nullopt;
  return geo::Point{OGR_G_GetX(g, 0), OGR_G_GetY(g, 0)};
}

std::string default_user(const ImportOptions& o) {
  if (!o.user.empty()) return o.user;
  return "import " + o.file.filename().string();
}

}  // namespace rootzone::importers::detail
