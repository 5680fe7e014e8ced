#include "rootzone/geo/tile_clip.hpp"

#include <utility>

#include "geos_handle.hpp"
#include "rootzone/geo/errors.hpp"

namespace rootzone::geo {

namespace {

using detail::GeomPtr;
using detail::GeosContext;
using detail::own;

// Everything of a geometry, sorted by dimension; the caller keeps the dimension it wants.
struct Parts {
  std::vector<Point> points;
  std::vector<Path> lines;
  std::vector<std::vector<Path>> polygons;
};

Path path_of(const GeosContext& c, const GEOSGeometry* g) {
  const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(c.get(), g);
  unsigned int size = 0;
  if (seq == nullptr || GEOSCoordSeq_getSize_r(c.get(), seq, &size) == 0) {
    c.fail("tile geometry: no coordinates");
  }
  std::vector<double> xy(2 * static_cast<std::size_t>(size));
  if (size > 0 && GEOSCoordSeq_copyToBuffer_r(c.get(), seq, xy.data(), 0, 0) == 0) {
    c.fail("tile geometry: copying coordinates");
  }
  Path out(size);
  for (unsigned int i = 0; i < size; ++i) out[i] = {xy[2 * i], xy[2 * i + 1]};
  return out;
}

void collect(const GeosContext& c, const GEOSGeometry* g, Parts& out) {
  if (GEOSisEmpty_r(c.get(), g) == 1) return;
  switch (GEOSGeomTypeId_r(c.get(), g)) {
    case GEOS_POINT: {
      const auto p = path_of(c, g);
      if (!p.empty()) out.points.push_back(p.front());
      return;
    }
    case GEOS_LINESTRING:
    case GEOS_LINEARRING:
      out.lines.push_back(path_of(c, g));
      return;
    case GEOS_POLYGON: {
      std::vector<Path> rings{path_of(c, GEOSGetExteriorRing_r(c.get(), g))};
      const int holes = GEOSGetNumInteriorRings_r(c.get(), g);
      for (int i = 0; i < holes; ++i)
        rings.push_back(path_of(c, GEOSGetInteriorRingN_r(c.get(), g, i)));
      out.polygons.push_back(std::move(rings));
      return;
    }
    default: {
      const int n = GEOSGetNumGeometries_r(c.get(), g);
      for (int i = 0; i < n; ++i) collect(c, GEOSGetGeometryN_r(c.get(), g, i), out);
      return;
    }
  }
}

GEOSCoordSequence* sequence(const GeosContext& c, const Path& path) {
  std::vector<double> xy;
  xy.reserve(2 * path.size());
  for (const auto& p : path) {
    xy.push_back(p.x);
    xy.push_back(p.y);
  }
  auto* seq = GEOSCoordSeq_copyFromBuffer_r(c.get(), xy.data(),
                                            static_cast<unsigned int>(path.size()), 0, 0);
  if (seq == nullptr) c.fail("tile geometry: building a coordinate sequence");
  return seq;
}

GEOSGeometry* ring(const GeosContext& c, const Path& path) {
  auto* r = GEOSGeom_createLinearRing_r(c.get(), sequence(c, path));
  if (r == nullptr) c.fail("tile geometry: a ring needs at least 4 points, first equal to last");
  return r;
}

GeomPtr to_geos(const GeosContext& c, const PlanarShape& s) {
  std::vector<GEOSGeometry*> members;
  int type = GEOS_GEOMETRYCOLLECTION;
  // Members are owned by `members` until the collection takes them.
  auto release = [&] {
    for (auto* m : members) GEOSGeom_destroy_r(c.get(), m);
  };
  try {
    switch (s.kind) {
      case PlanarShape::Kind::empty:
        break;
      case PlanarShape::Kind::point:
        type = GEOS_MULTIPOINT;
        for (const auto& p : s.points)
          members.push_back(GEOSGeom_createPointFromXY_r(c.get(), p.x, p.y));
        break;
      case PlanarShape::Kind::line:
        type = GEOS_MULTILINESTRING;
        for (const auto& l : s.lines) {
          auto* g = GEOSGeom_createLineString_r(c.get(), sequence(c, l));
          if (g == nullptr) c.fail("tile geometry: a line needs at least 2 points");
          members.push_back(g);
        }
        break;
      case PlanarShape::Kind::polygon:
        type = GEOS_MULTIPOLYGON;
        for (const auto& rings : s.polygons) {
          if (rings.empty()) continue;
          GEOSGeometry* shell = ring(c, rings.front());
          std::vector<GEOSGeometry*> holes;
          try {
            for (std::size_t i = 1; i < rings.size(); ++i) holes.push_back(ring(c, rings[i]));
          } catch (...) {
            GEOSGeom_destroy_r(c.get(), shell);
            for (auto* h : holes) GEOSGeom_destroy_r(c.get(), h);
            throw;
          }
          members.push_back(GEOSGeom_createPolygon_r(c.get(), shell, holes.data(),
                                                     static_cast<unsigned int>(holes.size())));
        }
        break;
    }
  } catch (...) {
    release();
    throw;
  }
  auto* g = GEOSGeom_createCollection_r(c.get(), type, members.data(),
                                        static_cast<unsigned int>(members.size()));
  if (g == nullptr) {
    release();
    c.fail("tile geometry: building a collection");
  }
  return own(c, g);
}

PlanarShape shape_of(Parts parts, PlanarShape::Kind want) {
  PlanarShape out;
  switch (want) {
    case PlanarShape::Kind::polygon:
      out.polygons = std::move(parts.polygons);
      break;
    case PlanarShape::Kind::line:
      out.lines = std::move(parts.lines);
      break;
    case PlanarShape::Kind::point:
      out.points = std::move(parts.points);
      break;
    case PlanarShape::Kind::empty:
      break;
  }
  out.kind = out.empty() ? PlanarShape::Kind::empty : want;
  return out;
}

GeomPtr checked(const GeosContext& c, GEOSGeometry* g, const char* what) {
  if (g == nullptr) c.fail(what);
  return own(c, g);
}

}  // namespace

PlanarShape planar_shape(const Geometry& g) {
  auto& c = detail::thread_context();
  c.clear_messages();
  const auto geom = detail::read_wkb(c, g.wkb());
  Parts parts;
  collect(c, geom.get(), parts);
  const auto want = !parts.polygons.empty() ? PlanarShape::Kind::polygon
                    : !parts.lines.empty()  ? PlanarShape::Kind::line
                    : !parts.points.empty() ? PlanarShape::Kind::point
                                            : PlanarShape::Kind::empty;
  return shape_of(std::move(parts), want);
}

PlanarShape clip_to_grid(const PlanarShape& s, const Bounds& clip, double tolerance) {
  if (s.empty()) return {};
  auto& c = detail::thread_context();
  c.clear_messages();
  auto g = to_geos(c, s);
  // Input straight from clients may be invalid (a bow-tie): clipping and snapping assume
  // valid input, so repair first.
  if (s.kind == PlanarShape::Kind::polygon && GEOSisValid_r(c.get(), g.get()) == 0) {
    g = checked(c, GEOSMakeValid_r(c.get(), g.get()), "tile geometry: making valid");
  }
  g = checked(c, GEOSClipByRect_r(c.get(), g.get(), clip.minx, clip.miny, clip.maxx, clip.maxy),
              "tile geometry: clipping");
  if (tolerance > 0 && s.kind != PlanarShape::Kind::point) {
    g = checked(c, GEOSTopologyPreserveSimplify_r(c.get(), g.get(), tolerance),
                "tile geometry: simplifying");
  }
  // A precision model of scale 1: coordinates on the integer grid, and (flags 0) the result
  // noded and valid, parts that collapse below one unit dropped.
  g = checked(c, GEOSGeom_setPrecision_r(c.get(), g.get(), 1.0, 0), "tile geometry: snapping");
  // Clipping a ring that was invalid to begin with can leave an invalid result even after
  // snapping: repair, and snap what the repair added (its new nodes need not be integral).
  for (int round = 0; round < 2 && GEOSisValid_r(c.get(), g.get()) == 0; ++round) {
    g = checked(c, GEOSMakeValid_r(c.get(), g.get()), "tile geometry: making valid");
    g = checked(c, GEOSGeom_setPrecision_r(c.get(), g.get(), 1.0, 0), "tile geometry: snapping");
  }
  Parts parts;
  collect(c, g.get(), parts);
  return shape_of(std::move(parts), s.kind);
}

}  // namespace rootzone::geo
