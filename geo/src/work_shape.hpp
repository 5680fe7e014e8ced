#pragma once
// A work's geometry made ready for many exact tests: the areal parts as rings (exterior
// counter-clockwise, holes clockwise), bare lines and points, or one exact disc. GEOS is used
// once, to repair and buffer; after that every test is plain arithmetic on these arrays, so
// threads share shapes freely.
#include <optional>
#include <string>
#include <vector>

#include "packed_rtree.hpp"
#include "rootzone/geo/geometry.hpp"
#include "rootzone/geo/work.hpp"

namespace rootzone::geo {

struct Disc {
  Point center;
  double radius = 0;
};

struct WorkShape {
  std::vector<std::vector<Point>> rings;  // closed: first point repeated at the end
  std::vector<std::vector<Point>> lines;  // linework without area
  std::vector<Point> points;              // points without a radius
  std::optional<Disc> disc;               // a point work with a radius: kept exact
  Bounds envelope;
  double area_m2 = 0;
  std::string repair_note;  // why GEOSMakeValid had to change the input, empty otherwise
};

// Throws GeometryError naming the work and the reason when the geometry cannot be used:
// empty, unparsable, or nothing left after repair.
WorkShape make_work_shape(const Work& work);

// Minimum distance from p to the shape (0 inside an areal part).
double distance_to(const WorkShape& shape, Point p);
// Area of the shape inside the disc (centre c, radius r), exact for rings and a disc.
double area_inside_disc(const WorkShape& shape, Point c, double r);
// Minimum distance between two shapes (0 when they touch or overlap).
double distance_between(const WorkShape& a, const WorkShape& b);

}  // namespace rootzone::geo
