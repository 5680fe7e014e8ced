#include "rootzone/geo/work_outline.hpp"

#include "geos_handle.hpp"
#include "rootzone/geo/errors.hpp"
#include "work_shape.hpp"

namespace rootzone::geo {

WorkOutline work_outline(const Work& work) {
  auto shape = make_work_shape(work);
  WorkOutline out;
  out.rings = std::move(shape.rings);
  out.lines = std::move(shape.lines);
  out.points = std::move(shape.points);
  if (shape.disc) out.disc = WorkOutline::Circle{shape.disc->center, shape.disc->radius};
  out.envelope = shape.envelope;
  return out;
}

std::optional<std::string> search_area_problem(const Geometry& area) {
  auto& c = detail::thread_context();
  c.clear_messages();
  detail::GeomPtr g;
  try {
    g = detail::read_wkb(c, area.wkb());
  } catch (const GeometryError& e) {
    return std::string(e.what());
  }
  const int type = GEOSGeomTypeId_r(c.get(), g.get());
  if (type != GEOS_POLYGON && type != GEOS_MULTIPOLYGON) {
    return "a Polygon or MultiPolygon is needed";
  }
  if (GEOSisEmpty_r(c.get(), g.get()) == 1) return "empty";
  if (GEOSisValid_r(c.get(), g.get()) != 1) {
    detail::CharBuf reason(GEOSisValidReason_r(c.get(), g.get()), {c.get()});
    return std::string("not valid (OGC simple features): ") +
           (reason ? reason.get() : "no reason given");
  }
  return std::nullopt;
}

}  // namespace rootzone::geo
