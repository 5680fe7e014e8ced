#pragma once
// A work's outline as plain coordinates, made by the same repair and buffering the conflict
// engine checks with (a line buffered by its width, a point by its radius), for drawings that
// must show exactly the area the conflicts were computed from: the statement's map sketch.
// And the check of a search area a client draws on the map.
#include <optional>
#include <string>
#include <vector>

#include "rootzone/geo/geometry.hpp"
#include "rootzone/geo/work.hpp"

namespace rootzone::geo {

struct WorkOutline {
  // Areal parts, closed (first point repeated last); exterior rings counter-clockwise, holes
  // clockwise: an even-odd fill draws them right.
  std::vector<std::vector<Point>> rings;
  std::vector<std::vector<Point>> lines;  // linework without a width
  std::vector<Point> points;              // points without a radius
  struct Circle {
    Point center;
    double radius = 0;
  };
  std::optional<Circle> disc;  // a point work with its radius, kept exact
  Bounds envelope;
};

// Throws GeometryError naming the work when its geometry cannot be used (as the engine would).
WorkOutline work_outline(const Work& work);

// Why `area` cannot be a search area (not a Polygon or MultiPolygon, empty, or not valid in
// GEOS's sense, with GEOS's reason); none when it can.
std::optional<std::string> search_area_problem(const Geometry& area);

}  // namespace rootzone::geo
