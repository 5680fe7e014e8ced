#include "rootzone/geo/work_validation.hpp"

#include <cmath>

#include "geos_handle.hpp"
#include "rootzone/geo/errors.hpp"
#include "rootzone/geo/number_text.hpp"

namespace rootzone::geo {

namespace {

using detail::GeomPtr;

bool blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

std::string metres(double v) {
  std::string out;
  append_number(out, v);
  return out;
}

void check_size(std::vector<WorkProblem>& out, const char* field, const std::optional<double>& v,
                double max) {
  if (!v) return;
  if (!std::isfinite(*v) || *v <= 0) {
    out.push_back(
        {field, std::string(field) + " " + metres(*v) + ": must be a positive number of metres"});
  } else if (*v > max) {
    out.push_back({field, std::string(field) + " " + metres(*v) + " m: more than " + metres(max) +
                              " m (metres expected, not centimetres?)"});
  }
}

// Counts the parts of each dimension: 0 points, 1 lines, 2 polygons.
void dimensions(const detail::GeosContext& c, const GEOSGeometry* g, int counts[3]) {
  const int type = GEOSGeomTypeId_r(c.get(), g);
  switch (type) {
    case GEOS_POINT:
      ++counts[0];
      return;
    case GEOS_LINESTRING:
    case GEOS_LINEARRING:
      ++counts[1];
      return;
    case GEOS_POLYGON:
      ++counts[2];
      return;
    default: {
      const int n = GEOSGetNumGeometries_r(c.get(), g);
      for (int i = 0; i < n; ++i) dimensions(c, GEOSGetGeometryN_r(c.get(), g, i), counts);
    }
  }
}

void check_geometry(std::vector<WorkProblem>& out, const Work& w) {
  if (w.geometry.empty()) {
    out.push_back({"geometry", "geometry: missing"});
    return;
  }
  auto& c = detail::thread_context();
  c.clear_messages();
  GeomPtr g;
  try {
    g = detail::read_wkb(c, w.geometry.wkb());
  } catch (const GeometryError& e) {
    out.push_back({"geometry", std::string("geometry: ") + e.what()});
    return;
  }
  if (GEOSisEmpty_r(c.get(), g.get()) == 1) {
    out.push_back({"geometry", "geometry: empty"});
    return;
  }
  const int type = GEOSGeomTypeId_r(c.get(), g.get());
  if (type == GEOS_GEOMETRYCOLLECTION) {
    out.push_back({"geometry",
                   "geometry: a GeometryCollection is not a work's shape (one polygon, "
                   "line or point kind per work)"});
    return;
  }
  if (GEOSisValid_r(c.get(), g.get()) != 1) {
    detail::CharBuf reason(GEOSisValidReason_r(c.get(), g.get()), {c.get()});
    out.push_back({"geometry", std::string("geometry is not valid (OGC simple features): ") +
                                   (reason ? reason.get() : "no reason given") +
                                   "; redraw it (it is not repaired silently)"});
    return;
  }
  int counts[3] = {0, 0, 0};
  dimensions(c, g.get(), counts);
  // docs/domain.md: "polygon (site area), or line plus a width, or point plus radius".
  if (counts[1] > 0 && !w.width_m) {
    out.push_back({"width_m", "width_m: a line work needs its width in metres"});
  }
  if (counts[0] > 0 && !w.radius_m) {
    out.push_back({"radius_m", "radius_m: a point work needs its radius in metres"});
  }
  if (counts[1] == 0 && w.width_m) {
    out.push_back({"width_m", "width_m: only a line work has a width (the geometry is a " +
                                  std::string(counts[2] > 0 ? "polygon" : "point") + ")"});
  }
  if (counts[0] == 0 && w.radius_m) {
    out.push_back({"radius_m", "radius_m: only a point work has a radius (the geometry is a " +
                                   std::string(counts[2] > 0 ? "polygon" : "line") + ")"});
  }
}

}  // namespace

std::vector<WorkProblem> work_problems(const Work& w) {
  std::vector<WorkProblem> out;
  if (blank(w.reference)) out.push_back({"reference", "reference: missing"});
  if (blank(w.title)) out.push_back({"title", "title: missing"});
  check_geometry(out, w);
  check_size(out, "width_m", w.width_m, kMaxWidthM);
  check_size(out, "radius_m", w.radius_m, kMaxRadiusM);
  check_size(out, "depth_m", w.depth_m, kMaxDepthM);
  if (w.ends_at < w.starts_at) {
    out.push_back({"ends_at", "ends_at " + format_utc(w.ends_at) + " is before starts_at " +
                                  format_utc(w.starts_at)});
  }
  return out;
}

}  // namespace rootzone::geo
