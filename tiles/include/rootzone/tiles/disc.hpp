#pragma once
// Discs (protection zones, point works with a radius) straight onto the tile grid without
// GEOS: a disc is convex, so clipping it to the tile's rectangle is exact with
// Sutherland-Hodgman, and the convex hull of its snapped vertices is a valid ring on the grid
// whatever the rounding did (no self-intersection, no repeated or collinear points).
#include "rootzone/geo/geometry.hpp"
#include "rootzone/tiles/mvt.hpp"

namespace rootzone::tiles {

// The disc as a ring of integer tile units (exterior winding: positive area), clipped to
// `clip`; empty when nothing with an area is left. Vertices are spaced so that no chord
// strays more than `tolerance` units from the circle.
TilePath disc_on_grid(geo::Point center, double radius, const geo::Bounds& clip, double tolerance);

// Andrew's monotone chain: the hull with positive area (y down: clockwise on screen), no
// collinear points; fewer than 3 points when the input has no area.
TilePath convex_hull(TilePath points);

}  // namespace rootzone::tiles
