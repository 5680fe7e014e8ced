#include "work_shape.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <span>

#include "geos_handle.hpp"
#include "rootzone/geo/circle_overlap.hpp"
#include "rootzone/geo/errors.hpp"

namespace rootzone::geo {

namespace {

using detail::GeomPtr;
using detail::GeosContext;

constexpr double kInf = std::numeric_limits<double>::infinity();
// A point work with a radius that is part of a multi-geometry is buffered: 32 segments per
// quadrant keep the polygon within 0.12 % of the radius of the true circle.
constexpr int kDiscQuadrantSegments = 32;
constexpr int kLineQuadrantSegments = 8;

std::vector<Point> coords(const GeosContext& c, const GEOSGeometry* line) {
  const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(c.get(), line);
  unsigned int n = 0;
  if (seq == nullptr || GEOSCoordSeq_getSize_r(c.get(), seq, &n) == 0) {
    c.fail("work geometry: cannot read coordinates");
  }
  std::vector<Point> pts(n);
  for (unsigned int i = 0; i < n; ++i) {
    GEOSCoordSeq_getXY_r(c.get(), seq, i, &pts[i].x, &pts[i].y);
  }
  return pts;
}

double signed_area(const std::vector<Point>& ring) {
  double a = 0;
  for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
    a += ring[i].x * ring[i + 1].y - ring[i + 1].x * ring[i].y;
  }
  return a / 2;
}

void add_ring(WorkShape& s, std::vector<Point> ring, bool exterior) {
  if (ring.size() < 4) return;
  const double a = signed_area(ring);
  if ((exterior && a < 0) || (!exterior && a > 0)) std::reverse(ring.begin(), ring.end());
  s.rings.push_back(std::move(ring));
}

void add_polygon(const GeosContext& c, WorkShape& s, const GEOSGeometry* poly) {
  add_ring(s, coords(c, GEOSGetExteriorRing_r(c.get(), poly)), true);
  const int holes = GEOSGetNumInteriorRings_r(c.get(), poly);
  for (int i = 0; i < holes; ++i)
    add_ring(s, coords(c, GEOSGetInteriorRingN_r(c.get(), poly, i)), false);
}

// Splits a (possibly nested) collection: polygons and buffered parts go to `areal`, bare
// lines and points straight into the shape.
void collect(const GeosContext& c, const GEOSGeometry* g, const Work& w,
             std::vector<GeomPtr>& areal, WorkShape& s) {
  const int type = GEOSGeomTypeId_r(c.get(), g);
  switch (type) {
    case GEOS_POLYGON:
      areal.push_back(detail::own(c, GEOSGeom_clone_r(c.get(), g)));
      return;
    case GEOS_LINESTRING:
    case GEOS_LINEARRING:
      if (w.width_m && *w.width_m > 0) {
        // A trench ends where it is dug: flat caps, round joins where it turns.
        areal.push_back(
            detail::own(c, GEOSBufferWithStyle_r(c.get(), g, *w.width_m / 2, kLineQuadrantSegments,
                                                 GEOSBUF_CAP_FLAT, GEOSBUF_JOIN_ROUND, 5.0)));
      } else {
        s.lines.push_back(coords(c, g));
      }
      return;
    case GEOS_POINT:
      if (w.radius_m && *w.radius_m > 0) {
        areal.push_back(
            detail::own(c, GEOSBuffer_r(c.get(), g, *w.radius_m, kDiscQuadrantSegments)));
      } else {
        double x = 0, y = 0;
        GEOSGeomGetX_r(c.get(), g, &x);
        GEOSGeomGetY_r(c.get(), g, &y);
        s.points.push_back({x, y});
      }
      return;
    default: {
      const int n = GEOSGetNumGeometries_r(c.get(), g);
      for (int i = 0; i < n; ++i) collect(c, GEOSGetGeometryN_r(c.get(), g, i), w, areal, s);
    }
  }
}

double point_segment_distance(Point p, Point a, Point b) {
  const double dx = b.x - a.x, dy = b.y - a.y;
  const double len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2 : 0;
  t = std::clamp(t, 0.0, 1.0);
  const double ex = p.x - (a.x + t * dx), ey = p.y - (a.y + t * dy);
  return std::sqrt(ex * ex + ey * ey);  // hypot's overflow care costs 3x and is not needed here
}

// Even-odd over all rings: holes and separate polygons of a valid multipolygon need no
// bookkeeping of which ring belongs to which polygon.
bool inside_rings(const WorkShape& s, Point p) {
  bool inside = false;
  for (const auto& ring : s.rings) {
    for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
      const Point a = ring[i], b = ring[j];
      if ((a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x) {
        inside = !inside;
      }
    }
  }
  return inside;
}

double cross(Point o, Point a, Point b) {
  return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

bool segments_intersect(Point a, Point b, Point c, Point d) {
  const double d1 = cross(c, d, a), d2 = cross(c, d, b), d3 = cross(a, b, c), d4 = cross(a, b, d);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) {
    return true;
  }
  // Touching and collinear cases show up as a zero point-segment distance below.
  return false;
}

double segment_distance(Point a, Point b, Point c, Point d) {
  if (segments_intersect(a, b, c, d)) return 0;
  return std::min({point_segment_distance(a, c, d), point_segment_distance(b, c, d),
                   point_segment_distance(c, a, b), point_segment_distance(d, a, b)});
}

struct Segment {
  Point a, b;
};

std::vector<Segment> segments(const WorkShape& s) {
  std::vector<Segment> out;
  for (const auto* group : {&s.rings, &s.lines}) {
    for (const auto& line : *group) {
      for (std::size_t i = 0; i + 1 < line.size(); ++i) out.push_back({line[i], line[i + 1]});
      if (line.size() == 1) out.push_back({line[0], line[0]});
    }
  }
  for (const Point p : s.points) out.push_back({p, p});
  return out;
}

// Each part of b either crosses a's boundary (a segment distance of 0) or lies wholly inside
// or outside a: one vertex per part tells which.
bool part_inside(const WorkShape& a, const WorkShape& b) {
  if (a.rings.empty()) return false;
  for (const auto* group : {&b.rings, &b.lines}) {
    for (const auto& line : *group) {
      if (!line.empty() && inside_rings(a, line.front())) return true;
    }
  }
  return std::any_of(b.points.begin(), b.points.end(), [&](Point p) { return inside_rings(a, p); });
}

}  // namespace

WorkShape make_work_shape(const Work& w) {
  auto& c = detail::thread_context();
  c.clear_messages();
  const std::string who = "work " + (w.reference.empty() ? std::to_string(w.id) : w.reference);
  GeomPtr g;
  try {
    g = detail::read_wkb(c, w.geometry.wkb());
  } catch (const GeometryError& e) {
    throw GeometryError(who + ": " + e.what());
  }
  if (GEOSisEmpty_r(c.get(), g.get()) == 1) throw GeometryError(who + ": empty geometry");

  WorkShape s;
  if (GEOSisValid_r(c.get(), g.get()) != 1) {
    detail::CharBuf reason(GEOSisValidReason_r(c.get(), g.get()), {c.get()});
    s.repair_note = std::string("invalid geometry repaired (GEOSMakeValid): ") +
                    (reason ? reason.get() : "no reason given");
    g = detail::own(c, GEOSMakeValid_r(c.get(), g.get()));
    if (!g) c.fail(who + ": invalid geometry could not be repaired");
  }

  const bool single_point = GEOSGeomTypeId_r(c.get(), g.get()) == GEOS_POINT;
  if (single_point && w.radius_m && *w.radius_m > 0) {
    double x = 0, y = 0;
    GEOSGeomGetX_r(c.get(), g.get(), &x);
    GEOSGeomGetY_r(c.get(), g.get(), &y);
    const double r = *w.radius_m;
    s.disc = Disc{{x, y}, r};
    s.envelope = {x - r, y - r, x + r, y + r};
    s.area_m2 = std::numbers::pi * r * r;
    return s;
  }

  std::vector<GeomPtr> areal;
  collect(c, g.get(), w, areal, s);
  GeomPtr merged;
  if (areal.size() > 1) {
    // Overlapping parts (two buffered lines that cross) must not count their overlap twice.
    std::vector<GEOSGeometry*> parts;
    for (auto& p : areal) parts.push_back(p.release());
    GeomPtr coll =
        detail::own(c, GEOSGeom_createCollection_r(c.get(), GEOS_GEOMETRYCOLLECTION, parts.data(),
                                                   static_cast<unsigned>(parts.size())));
    if (!coll) c.fail(who + ": cannot combine its parts");
    merged = detail::own(c, GEOSUnaryUnion_r(c.get(), coll.get()));
    if (!merged) c.fail(who + ": cannot union its parts");
  } else if (areal.size() == 1) {
    merged = std::move(areal.front());
    if (!merged) c.fail(who + ": cannot buffer");
  }
  if (merged) {
    const int type = GEOSGeomTypeId_r(c.get(), merged.get());
    if (type == GEOS_POLYGON) {
      add_polygon(c, s, merged.get());
    } else {
      const int n = GEOSGetNumGeometries_r(c.get(), merged.get());
      for (int i = 0; i < n; ++i) {
        const GEOSGeometry* part = GEOSGetGeometryN_r(c.get(), merged.get(), i);
        if (GEOSGeomTypeId_r(c.get(), part) == GEOS_POLYGON) add_polygon(c, s, part);
      }
    }
  }

  s.envelope = {kInf, kInf, -kInf, -kInf};
  for (const auto* group : {&s.rings, &s.lines}) {
    for (const auto& line : *group) {
      for (const Point p : line) s.envelope.expand(p);
    }
  }
  for (const Point p : s.points) s.envelope.expand(p);
  if (s.envelope.empty()) throw GeometryError(who + ": no usable geometry left");
  for (const auto& ring : s.rings) s.area_m2 += signed_area(ring);
  return s;
}

double distance_to(const WorkShape& s, Point p) {
  if (s.disc)
    return std::max(0.0,
                    std::hypot(p.x - s.disc->center.x, p.y - s.disc->center.y) - s.disc->radius);
  if (!s.rings.empty() && inside_rings(s, p)) return 0;
  double d = kInf;
  for (const auto* group : {&s.rings, &s.lines}) {
    for (const auto& line : *group) {
      for (std::size_t i = 0; i + 1 < line.size(); ++i) {
        d = std::min(d, point_segment_distance(p, line[i], line[i + 1]));
      }
      if (line.size() == 1) d = std::min(d, std::hypot(p.x - line[0].x, p.y - line[0].y));
    }
  }
  for (const Point q : s.points) d = std::min(d, std::hypot(p.x - q.x, p.y - q.y));
  return d;
}

double area_inside_disc(const WorkShape& s, Point c, double r) {
  if (s.disc) return disc_intersection_area(s.disc->center, s.disc->radius, c, r);
  if (!s.envelope.intersects(Bounds{c.x - r, c.y - r, c.x + r, c.y + r})) return 0;
  double area = 0;
  for (const auto& ring : s.rings) area += ring_area_inside_circle(ring, c, r);
  return std::max(0.0, area);
}

double distance_between(const WorkShape& a, const WorkShape& b) {
  if (a.disc && b.disc) {
    const double d =
        std::hypot(a.disc->center.x - b.disc->center.x, a.disc->center.y - b.disc->center.y);
    return std::max(0.0, d - a.disc->radius - b.disc->radius);
  }
  if (a.disc) return std::max(0.0, distance_to(b, a.disc->center) - a.disc->radius);
  if (b.disc) return std::max(0.0, distance_to(a, b.disc->center) - b.disc->radius);
  if (part_inside(a, b) || part_inside(b, a)) return 0;
  const auto sa = segments(a);
  const auto sb = segments(b);
  double best = kInf;
  for (const auto& s : sa) {
    // A segment whose box is already farther from b's envelope than the best cannot win.
    const Bounds box{std::min(s.a.x, s.b.x), std::min(s.a.y, s.b.y), std::max(s.a.x, s.b.x),
                     std::max(s.a.y, s.b.y)};
    if (!box.grown(best).intersects(b.envelope)) continue;
    for (const auto& t : sb) {
      best = std::min(best, segment_distance(s.a, s.b, t.a, t.b));
      if (best == 0) return 0;
    }
  }
  return best;
}

}  // namespace rootzone::geo
