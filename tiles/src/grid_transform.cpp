#include "rootzone/tiles/grid_transform.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace rootzone::tiles {

namespace {

// Bilinear interpolation over a cell of side h errs by about h^2/8 times the second
// derivative of the map, which for these conformal projections is the scale's gradient:
// sec(lat) tan(lat) / R per metre, under 3.5/R up to 60 degrees latitude. In tile units (s per
// metre): h^2 / 8 * 3.5 / R * s <= 0.01  =>  h <= sqrt(0.0229 R / s).
int cells_for(const geo::Bounds& area, const TileFrame& frame) {
  constexpr double earth_radius = 6378137;
  // Mercator stretches a store metre by sec(lat), at most 2 up to 60 degrees.
  const double h = std::sqrt(0.0229 * earth_radius / (2 * frame.scale()));
  const double side = std::max(area.maxx - area.minx, area.maxy - area.miny);
  if (!(side > 0)) return 1;
  return std::clamp(static_cast<int>(std::ceil(side / h)), 1, 256);
}

}  // namespace

GridTransform::GridTransform(const geo::Transformer& to_3857, const geo::Bounds& area,
                             const TileFrame& frame)
    : area_(area),
      cells_(cells_for(area, frame)),
      cell_w_(std::max(area.maxx - area.minx, 1e-9) / cells_),
      cell_h_(std::max(area.maxy - area.miny, 1e-9) / cells_) {
  nodes_.reserve(static_cast<std::size_t>(cells_ + 1) * static_cast<std::size_t>(cells_ + 1));
  for (int j = 0; j <= cells_; ++j) {
    for (int i = 0; i <= cells_; ++i) {
      nodes_.push_back({area.minx + i * cell_w_, area.miny + j * cell_h_});
    }
  }
  to_3857.forward_in_place(nodes_);
  for (auto& n : nodes_) n = frame.to_tile(n);
}

geo::Point GridTransform::operator()(geo::Point p) const {
  // Outside the grid the outermost cell is extrapolated: still smooth, still close.
  const double fx = (p.x - area_.minx) / cell_w_;
  const double fy = (p.y - area_.miny) / cell_h_;
  const int ii = std::clamp(static_cast<int>(std::floor(fx)), 0, cells_ - 1);
  const int jj = std::clamp(static_cast<int>(std::floor(fy)), 0, cells_ - 1);
  const double u = fx - ii;
  const double v = fy - jj;
  const auto i = static_cast<std::size_t>(ii);
  const auto j = static_cast<std::size_t>(jj);
  const auto row = static_cast<std::size_t>(cells_ + 1);
  const auto& a = nodes_[j * row + i];
  const auto& b = nodes_[j * row + i + 1];
  const auto& c = nodes_[(j + 1) * row + i];
  const auto& d = nodes_[(j + 1) * row + i + 1];
  return {(1 - v) * ((1 - u) * a.x + u * b.x) + v * ((1 - u) * c.x + u * d.x),
          (1 - v) * ((1 - u) * a.y + u * b.y) + v * ((1 - u) * c.y + u * d.y)};
}

geo::Bounds store_area(const geo::Transformer& to_3857, TileId t, int extent, int buffer) {
  const TileFrame frame{tile_bounds(t), extent};
  const double lo = -buffer;
  const double hi = extent + buffer;
  std::vector<geo::Point> outline;
  // Four samples per edge, and a margin of 0.2 % of the area's size for the bend of the edges
  // between the samples (a straight Mercator edge is slightly curved in UTM); the R*Tree takes
  // candidates only, the exact test is the renderer's.
  constexpr int steps = 4;
  for (int k = 0; k <= steps; ++k) {
    const double f = lo + (hi - lo) * k / steps;
    outline.push_back(frame.to_merc({f, lo}));
    outline.push_back(frame.to_merc({f, hi}));
    outline.push_back(frame.to_merc({lo, f}));
    outline.push_back(frame.to_merc({hi, f}));
  }
  geo::Bounds b{std::numeric_limits<double>::max(), std::numeric_limits<double>::max(),
                std::numeric_limits<double>::lowest(), std::numeric_limits<double>::lowest()};
  for (const auto& m : outline) {
    // Corners beyond ±85° latitude and far outside the store CRS's area fail in PROJ; the
    // rest of the outline still bounds what the store can hold there.
    geo::Point s;
    try {
      s = to_3857.inverse(m);
    } catch (const std::exception&) {
      continue;
    }
    if (!std::isfinite(s.x) || !std::isfinite(s.y)) continue;
    b.minx = std::min(b.minx, s.x);
    b.miny = std::min(b.miny, s.y);
    b.maxx = std::max(b.maxx, s.x);
    b.maxy = std::max(b.maxy, s.y);
  }
  if (b.minx > b.maxx) return b;
  return b.grown(0.002 * std::max(b.maxx - b.minx, b.maxy - b.miny));
}

}  // namespace rootzone::tiles
