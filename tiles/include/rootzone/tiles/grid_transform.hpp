#pragma once
// Store CRS -> a tile's units, fast enough for a million points: PROJ runs only on the nodes
// of an n x n grid over the area, every point in between is interpolated bilinearly. Both CRSs
// are smooth (UTM, Gauss-Krüger -> spherical Mercator), so the error shrinks with the square
// of the cell size; n is chosen so that it stays below 0.01 tile units (checked against PROJ
// point by point in tests/tiles).
#include <vector>

#include "rootzone/geo/crs.hpp"
#include "rootzone/geo/geometry.hpp"
#include "rootzone/tiles/tile_math.hpp"

namespace rootzone::tiles {

class GridTransform {
 public:
  // `area` in the store CRS (where the points to transform lie), `to_3857` from the store CRS.
  GridTransform(const geo::Transformer& to_3857, const geo::Bounds& area, const TileFrame& frame);
  // Tile units (doubles: snapping is the caller's business).
  geo::Point operator()(geo::Point store) const;
  int cells() const { return cells_; }

 private:
  geo::Bounds area_;
  int cells_;
  double cell_w_, cell_h_;
  std::vector<geo::Point> nodes_;  // (cells+1)^2, row-major from (minx, miny)
};

// The tile's footprint in the store CRS, grown by `buffer` tile units: the envelope of its
// outline transformed back (sampled along the edges, so curvature is covered).
geo::Bounds store_area(const geo::Transformer& to_3857, TileId t, int extent, int buffer);

}  // namespace rootzone::tiles
