// Exact areas inside circles: checked against closed forms.
#include <catch2/catch.hpp>
#include <cmath>
#include <numbers>
#include <vector>

#include "rootzone/geo/circle_overlap.hpp"

using namespace rootzone::geo;

namespace {
// cap(r, h): area of the disc of radius r beyond a chord at distance h from the centre.
double cap(double r, double h) { return r * r * std::acos(h / r) - h * std::sqrt(r * r - h * h); }
constexpr double kPi = std::numbers::pi;
}  // namespace

TEST_CASE("a ring wholly inside the circle counts its own area", "[geo][overlap]") {
  const std::vector<Point> square{{-1, -1}, {1, -1}, {1, 1}, {-1, 1}, {-1, -1}};
  CHECK(ring_area_inside_circle(square, {0, 0}, 10) == Approx(4.0).margin(1e-12));
}

TEST_CASE("a circle wholly inside the ring counts pi r^2", "[geo][overlap]") {
  const std::vector<Point> square{{-5, -5}, {5, -5}, {5, 5}, {-5, 5}};  // open ring works too
  CHECK(ring_area_inside_circle(square, {1, 1}, 2) == Approx(kPi * 4).margin(1e-9));
}

TEST_CASE("orientation gives the sign: holes subtract", "[geo][overlap]") {
  const std::vector<Point> outer{{-5, -5}, {5, -5}, {5, 5}, {-5, 5}, {-5, -5}};  // CCW
  const std::vector<Point> hole{{-1, -1}, {-1, 1}, {1, 1}, {1, -1}, {-1, -1}};   // CW
  const double a =
      ring_area_inside_circle(outer, {0, 0}, 3) + ring_area_inside_circle(hole, {0, 0}, 3);
  CHECK(a == Approx(kPi * 9 - 4).margin(1e-9));
}

TEST_CASE("a half-plane cuts the circular segment of the closed form", "[geo][overlap]") {
  // The strip x >= 1, |y| <= 20 cuts the cap beyond the chord x = 1 of a radius-3 circle.
  const std::vector<Point> strip{{1, -20}, {30, -20}, {30, 20}, {1, 20}, {1, -20}};
  CHECK(ring_area_inside_circle(strip, {0, 0}, 3) == Approx(cap(3, 1)).margin(1e-9));
  // A polygon cutting through the circle twice: the band 1 <= x <= 2 is cap(1) - cap(2).
  const std::vector<Point> band{{1, -20}, {2, -20}, {2, 20}, {1, 20}, {1, -20}};
  CHECK(ring_area_inside_circle(band, {0, 0}, 3) == Approx(cap(3, 1) - cap(3, 2)).margin(1e-9));
}

TEST_CASE("two discs: apart, nested and the lens", "[geo][overlap]") {
  CHECK(disc_intersection_area({0, 0}, 1, {3, 0}, 1) == 0);
  CHECK(disc_intersection_area({0, 0}, 5, {1, 0}, 2) == Approx(kPi * 4).margin(1e-12));
  // Two unit circles one radius apart: lens = 2 pi / 3 - sqrt(3) / 2 (closed form).
  CHECK(disc_intersection_area({0, 0}, 1, {1, 0}, 1) ==
        Approx(2 * kPi / 3 - std::sqrt(3.0) / 2).margin(1e-12));
}

TEST_CASE("an edge tangent to the circle adds no triangle", "[geo][overlap]") {
  // The strip 2 <= x <= 3 touches the radius-3 circle at (3, 0) with its right edge; a
  // tangent counted as inside once added the triangle (origin, (3,-10), (3,10)).
  const std::vector<Point> strip{{2, -10}, {3, -10}, {3, 10}, {2, 10}, {2, -10}};
  CHECK(ring_area_inside_circle(strip, {0, 0}, 3) == Approx(cap(3, 2)).margin(1e-9));
}
