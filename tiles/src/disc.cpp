#include "rootzone/tiles/disc.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

namespace rootzone::tiles {

namespace {

using Ring = std::vector<geo::Point>;

// One Sutherland-Hodgman pass against the half-plane inside(p).
template <class Inside, class Cross>
Ring clip_edge(const Ring& in, Inside inside, Cross cross) {
  Ring out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const auto& a = in[i];
    const auto& b = in[(i + 1) % in.size()];
    const bool ia = inside(a);
    const bool ib = inside(b);
    if (ia) out.push_back(a);
    if (ia != ib) out.push_back(cross(a, b));
  }
  return out;
}

Ring clip_to(Ring r, const geo::Bounds& c) {
  const auto at_x = [](double x) {
    return [x](geo::Point a, geo::Point b) {
      return geo::Point{x, a.y + (b.y - a.y) * (x - a.x) / (b.x - a.x)};
    };
  };
  const auto at_y = [](double y) {
    return [y](geo::Point a, geo::Point b) {
      return geo::Point{a.x + (b.x - a.x) * (y - a.y) / (b.y - a.y), y};
    };
  };
  r = clip_edge(
      r, [&](geo::Point p) { return p.x >= c.minx; }, at_x(c.minx));
  r = clip_edge(
      r, [&](geo::Point p) { return p.x <= c.maxx; }, at_x(c.maxx));
  r = clip_edge(
      r, [&](geo::Point p) { return p.y >= c.miny; }, at_y(c.miny));
  r = clip_edge(
      r, [&](geo::Point p) { return p.y <= c.maxy; }, at_y(c.maxy));
  return r;
}

std::int64_t cross(TilePoint o, TilePoint a, TilePoint b) {
  return std::int64_t{a.x - o.x} * (b.y - o.y) - std::int64_t{a.y - o.y} * (b.x - o.x);
}

}  // namespace

TilePath convex_hull(TilePath p) {
  std::sort(p.begin(), p.end(),
            [](TilePoint a, TilePoint b) { return a.x != b.x ? a.x < b.x : a.y < b.y; });
  p.erase(std::unique(p.begin(), p.end()), p.end());
  if (p.size() < 3) return p;
  TilePath h(2 * p.size());
  std::size_t k = 0;
  for (const auto& q : p) {
    while (k >= 2 && cross(h[k - 2], h[k - 1], q) <= 0) --k;
    h[k++] = q;
  }
  for (std::size_t i = p.size() - 1, t = k + 1; i-- > 0;) {
    while (k >= t && cross(h[k - 2], h[k - 1], p[i]) <= 0) --k;
    h[k++] = p[i];
  }
  h.resize(k - 1);  // the last point repeats the first
  // Only left turns: positive area by the surveyor's formula, an MVT exterior ring as it is.
  return h;
}

TilePath disc_on_grid(geo::Point center, double radius, const geo::Bounds& clip, double tolerance) {
  if (!(radius > 0) || center.x + radius < clip.minx || center.x - radius > clip.maxx ||
      center.y + radius < clip.miny || center.y - radius > clip.maxy) {
    return {};
  }
  // Sagitta r (1 - cos(pi/n)) <= tolerance.
  int n = 8;
  if (radius > tolerance) {
    n = std::clamp(
        static_cast<int>(std::ceil(std::numbers::pi / std::acos(1 - tolerance / radius))), 8, 256);
  }
  Ring ring;
  ring.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    const double a = 2 * std::numbers::pi * i / n;
    ring.push_back({center.x + radius * std::cos(a), center.y + radius * std::sin(a)});
  }
  ring = clip_to(std::move(ring), clip);
  TilePath snapped;
  snapped.reserve(ring.size());
  for (const auto& p : ring) {
    snapped.push_back(
        {static_cast<std::int32_t>(std::lround(p.x)), static_cast<std::int32_t>(std::lround(p.y))});
  }
  auto hull = convex_hull(std::move(snapped));
  if (hull.size() < 3) return {};
  return hull;
}

}  // namespace rootzone::tiles
