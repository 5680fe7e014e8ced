#pragma once
// Planar geometry on a vector tile's grid: what the tile encoder needs from GEOS (clip to the
// tile plus its buffer, simplify, snap to the integer grid, make valid again) without GEOS
// types leaving geo (docs/architecture.md). Coordinates are the caller's (tile units, y down);
// nothing here knows tiles or CRSs.
#include <vector>

#include "rootzone/geo/geometry.hpp"

namespace rootzone::geo {

using Path = std::vector<Point>;

// A geometry as plain coordinate lists. Rings are closed (first point repeated last).
struct PlanarShape {
  enum class Kind { empty, point, line, polygon };
  Kind kind = Kind::empty;
  std::vector<Point> points;                // point: one per (multi)point member
  std::vector<Path> lines;                  // line: one per linestring
  std::vector<std::vector<Path>> polygons;  // polygon: exterior ring, then its holes
  bool empty() const { return points.empty() && lines.empty() && polygons.empty(); }
};

// The coordinates of WKB (any of the seven simple feature types; a mixed collection keeps
// its polygonal members if it has any, else its lines, else its points). GeometryError for
// unreadable WKB.
PlanarShape planar_shape(const Geometry& g);

// Clips to `clip`, simplifies (topology-preserving, `tolerance` in the shape's units: no point
// moves further), snaps every coordinate to the integer grid and repairs what snapping broke:
// the result is valid in GEOS's sense (OGC), with collapsed parts removed (a ring narrower than
// one unit becomes nothing, not a line). Polygons stay polygons, lines lines.
PlanarShape clip_to_grid(const PlanarShape& s, const Bounds& clip, double tolerance);

}  // namespace rootzone::geo
