#pragma once
// Exact areas of shapes inside a circle, without approximating the circle by a polygon:
// the share of a root zone a work covers is decided on these numbers (BS 5837's 20 % rule).
#include <span>

#include "rootzone/geo/geometry.hpp"

namespace rootzone::geo {

// Signed area of the part of a closed ring inside the circle (centre c, radius r): positive
// for counter-clockwise rings, so exterior minus holes is a plain sum over rings. The ring may
// repeat its first point at the end or not.
double ring_area_inside_circle(std::span<const Point> ring, Point c, double r);

// Area of the intersection of two discs (the lens).
double disc_intersection_area(Point c1, double r1, Point c2, double r2);

}  // namespace rootzone::geo
