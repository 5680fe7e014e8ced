#include "rootzone/geo/geometry.hpp"

#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "geos_handle.hpp"
#include "rootzone/geo/errors.hpp"

namespace rootzone::geo {
namespace detail {

GeosContext::GeosContext() : handle_(GEOS_init_r()) {
  if (handle_ == nullptr) {
    throw GeometryError("GEOS: cannot create a context (out of memory)");
  }
  GEOSContext_setErrorMessageHandler_r(handle_, &GeosContext::on_error, this);
  GEOSContext_setNoticeMessageHandler_r(handle_, &GeosContext::on_notice, this);
}

GeosContext::~GeosContext() { GEOS_finish_r(handle_); }

void GeosContext::on_error(const char* message, void* self) {
  // A handler must not throw through GEOS's C frames; keeping the text is all it does.
  try {
    static_cast<GeosContext*>(self)->last_error_ = message != nullptr ? message : "";
  } catch (...) {
    static_cast<GeosContext*>(self)->last_error_.clear();
  }
}

void GeosContext::on_notice(const char* message, void* self) {
  try {
    static_cast<GeosContext*>(self)->last_notice_ = message != nullptr ? message : "";
  } catch (...) {
    static_cast<GeosContext*>(self)->last_notice_.clear();
  }
}

void GeosContext::clear_messages() {
  last_error_.clear();
  last_notice_.clear();
}

void GeosContext::fail(std::string_view what) const {
  std::string message(what);
  message += ": ";
  message += last_error_.empty() ? std::string("GEOS gave no reason") : last_error_;
  throw GeometryError(message);
}

GeosContext& thread_context() {
  thread_local GeosContext context;
  return context;
}

GeomPtr read_wkb(const GeosContext& c, const std::vector<std::uint8_t>& wkb) {
  if (wkb.empty()) {
    throw GeometryError("geometry: no WKB (empty geometry value)");
  }
  WKBReaderPtr reader(GEOSWKBReader_create_r(c.get()), {c.get()});
  if (!reader) {
    c.fail("geometry: cannot create a WKB reader");
  }
  GeomPtr g = own(c, GEOSWKBReader_read_r(c.get(), reader.get(), wkb.data(), wkb.size()));
  if (!g) {
    c.fail("geometry: invalid WKB");
  }
  return g;
}

std::vector<std::uint8_t> write_wkb(const GeosContext& c, const GEOSGeometry& g) {
  WKBWriterPtr writer(GEOSWKBWriter_create_r(c.get()), {c.get()});
  if (!writer) {
    c.fail("geometry: cannot create a WKB writer");
  }
  // ISO 2D little endian regardless of the host, so equal geometries give equal bytes.
  GEOSWKBWriter_setOutputDimension_r(c.get(), writer.get(), 2);
  GEOSWKBWriter_setFlavor_r(c.get(), writer.get(), GEOS_WKB_ISO);
  GEOSWKBWriter_setByteOrder_r(c.get(), writer.get(), GEOS_WKB_NDR);
  GEOSWKBWriter_setIncludeSRID_r(c.get(), writer.get(), 0);
  std::size_t size = 0;
  ByteBuf bytes(GEOSWKBWriter_write_r(c.get(), writer.get(), &g, &size), {c.get()});
  if (!bytes) {
    c.fail("geometry: cannot write WKB");
  }
  return {bytes.get(), bytes.get() + size};
}

}  // namespace detail

namespace {

// GEOS 3.11's WKT reader stops after the first geometry and ignores the rest, so
// "POINT (1 2), POINT (3 4)" would silently become one point. WKT has no parentheses other
// than the geometry's own: the text must end where its outermost group closes (or, without
// any group, after EMPTY).
void require_nothing_after_geometry(std::string_view wkt) {
  const auto last = wkt.find_last_not_of(" \t\r\n");
  if (last == std::string_view::npos) {
    return;  // blank: GEOS gives the better message
  }
  std::string upper(wkt);
  for (char& ch : upper) {
    ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  }
  const auto open = upper.find('(');
  const auto empty = upper.find("EMPTY");
  std::size_t end = std::string_view::npos;
  if (empty != std::string::npos && (open == std::string::npos || empty < open)) {
    // "<TYPE> [Z|M|ZM] EMPTY": GEOS read no further than EMPTY.
    end = empty + 4;
  } else if (open != std::string::npos) {
    int depth = 0;
    for (std::size_t i = open; i < upper.size(); ++i) {
      if (upper[i] == '(') {
        ++depth;
      } else if (upper[i] == ')' && --depth == 0) {
        end = i;
        break;
      }
    }
  }
  if (end == std::string_view::npos) {
    return;  // unbalanced: GEOS has refused it already
  }
  if (end != last) {
    throw GeometryError("geometry: invalid WKT: unexpected text after the geometry: '" +
                        std::string(wkt.substr(end + 1, last - end)) + "'");
  }
}

}  // namespace

Geometry Geometry::from_wkt(std::string_view wkt) {
  auto& c = detail::thread_context();
  c.clear_messages();
  detail::WKTReaderPtr reader(GEOSWKTReader_create_r(c.get()), {c.get()});
  if (!reader) {
    c.fail("geometry: cannot create a WKT reader");
  }
  const std::string text(wkt);  // GEOS wants a terminated string
  detail::GeomPtr g = detail::own(c, GEOSWKTReader_read_r(c.get(), reader.get(), text.c_str()));
  if (!g) {
    c.fail("geometry: invalid WKT");
  }
  require_nothing_after_geometry(wkt);
  return Geometry(detail::write_wkb(c, *g));
}

Geometry Geometry::from_point(Point p) {
  if (!std::isfinite(p.x) || !std::isfinite(p.y)) {
    // ISO WKB would encode NaN as POINT EMPTY: a missing location must not pass as a point.
    std::array<char, 128> buf{};
    std::snprintf(buf.data(), buf.size(),
                  "geometry: point (%g %g) has a coordinate that is not finite", p.x, p.y);
    throw GeometryError(buf.data());
  }
  auto& c = detail::thread_context();
  c.clear_messages();
  detail::GeomPtr g = detail::own(c, GEOSGeom_createPointFromXY_r(c.get(), p.x, p.y));
  if (!g) {
    c.fail("geometry: cannot create a point");
  }
  return Geometry(detail::write_wkb(c, *g));
}

std::string Geometry::to_wkt(int decimals) const {
  auto& c = detail::thread_context();
  c.clear_messages();
  detail::GeomPtr g = detail::read_wkb(c, wkb_);
  detail::WKTWriterPtr writer(GEOSWKTWriter_create_r(c.get()), {c.get()});
  if (!writer) {
    c.fail("geometry: cannot create a WKT writer");
  }
  GEOSWKTWriter_setOutputDimension_r(c.get(), writer.get(), 2);
  // Trim drops the trailing zeros a fixed precision would print ("POINT (1 2)").
  GEOSWKTWriter_setTrim_r(c.get(), writer.get(), 1);
  // GEOS takes -1 as "full precision"; any negative request means the same here.
  GEOSWKTWriter_setRoundingPrecision_r(c.get(), writer.get(), decimals < 0 ? -1 : decimals);
  detail::CharBuf text(GEOSWKTWriter_write_r(c.get(), writer.get(), g.get()), {c.get()});
  if (!text) {
    c.fail("geometry: cannot write WKT");
  }
  return text.get();
}

std::string Geometry::type_name() const {
  auto& c = detail::thread_context();
  c.clear_messages();
  detail::GeomPtr g = detail::read_wkb(c, wkb_);
  detail::CharBuf name(GEOSGeomType_r(c.get(), g.get()), {c.get()});
  if (!name) {
    c.fail("geometry: cannot name the geometry type");
  }
  return name.get();
}

Bounds Geometry::bounds() const {
  auto& c = detail::thread_context();
  c.clear_messages();
  detail::GeomPtr g = detail::read_wkb(c, wkb_);
  if (GEOSisEmpty_r(c.get(), g.get()) == 1) {
    throw GeometryError("geometry: an empty geometry has no bounds");
  }
  Bounds b;
  if (GEOSGeom_getXMin_r(c.get(), g.get(), &b.minx) == 0 ||
      GEOSGeom_getYMin_r(c.get(), g.get(), &b.miny) == 0 ||
      GEOSGeom_getXMax_r(c.get(), g.get(), &b.maxx) == 0 ||
      GEOSGeom_getYMax_r(c.get(), g.get(), &b.maxy) == 0) {
    c.fail("geometry: cannot compute the bounds");
  }
  return b;
}

}  // namespace rootzone::geo
