#include "rootzone/geo/circle_overlap.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace rootzone::geo {

namespace {

double cross(Point a, Point b) { return a.x * b.y - a.y * b.x; }
double dot(Point a, Point b) { return a.x * b.x + a.y * b.y; }
Point lerp(Point a, Point b, double t) { return {a.x + t * (b.x - a.x), a.y + t * (b.y - a.y)}; }

// Signed area of the triangle (origin, a, b) inside the circle of radius r at the origin.
// The edge is cut where it crosses the circle; each piece contributes its triangle when it
// lies inside and the circular sector it subtends when outside.
double edge_area(Point a, Point b, double r) {
  const Point d{b.x - a.x, b.y - a.y};
  const double qa = dot(d, d);
  if (qa == 0) return 0;
  const double qb = 2 * dot(a, d);
  const double qc = dot(a, a) - r * r;
  double cuts[4] = {0, 0, 0, 1};
  int n = 1;
  const double disc = qb * qb - 4 * qa * qc;
  if (disc > 0) {
    const double s = std::sqrt(disc);
    for (const double t : {(-qb - s) / (2 * qa), (-qb + s) / (2 * qa)}) {
      if (t > 0 && t < 1) cuts[n++] = t;
    }
  }
  cuts[n++] = 1;
  double area = 0;
  for (int i = 0; i + 1 < n; ++i) {
    const Point p = lerp(a, b, cuts[i]);
    const Point q = lerp(a, b, cuts[i + 1]);
    const Point mid = lerp(a, b, (cuts[i] + cuts[i + 1]) / 2);
    // Strictly inside: a piece that only touches the circle (a tangent) lies outside.
    if (dot(mid, mid) < r * r) {
      area += cross(p, q) / 2;
    } else {
      area += r * r * std::atan2(cross(p, q), dot(p, q)) / 2;
    }
  }
  return area;
}

}  // namespace

double ring_area_inside_circle(std::span<const Point> ring, Point c, double r) {
  if (ring.size() < 3 || r <= 0) return 0;
  double area = 0;
  for (std::size_t i = 0; i < ring.size(); ++i) {
    const Point a = ring[i];
    const Point b = ring[(i + 1) % ring.size()];
    area += edge_area({a.x - c.x, a.y - c.y}, {b.x - c.x, b.y - c.y}, r);
  }
  return area;
}

double disc_intersection_area(Point c1, double r1, Point c2, double r2) {
  const double d = std::hypot(c2.x - c1.x, c2.y - c1.y);
  if (r1 <= 0 || r2 <= 0 || d >= r1 + r2) return 0;
  if (d <= std::abs(r1 - r2)) {
    const double r = std::min(r1, r2);
    return std::numbers::pi * r * r;
  }
  const double a1 = std::acos(std::clamp((d * d + r1 * r1 - r2 * r2) / (2 * d * r1), -1.0, 1.0));
  const double a2 = std::acos(std::clamp((d * d + r2 * r2 - r1 * r1) / (2 * d * r2), -1.0, 1.0));
  const double k = (-d + r1 + r2) * (d + r1 - r2) * (d - r1 + r2) * (d + r1 + r2);
  return r1 * r1 * a1 + r2 * r2 * a2 - std::sqrt(std::max(0.0, k)) / 2;
}

}  // namespace rootzone::geo
