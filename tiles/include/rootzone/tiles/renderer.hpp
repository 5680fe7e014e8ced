#pragma once
// One tile of a tileset from the store, for one view: the layer sources (docs/architecture.md's
// narrow source interface) read trees from the in-memory TreeIndex and works and conflicts
// through storage's tile queries, transform to the tile's grid, clip to the tile plus its
// buffer, simplify, snap, and hand integer geometry to the encoder. The encoder never sees SQL,
// the HTTP layer never sees geometry.
#include <memory>
#include <string>

#include "rootzone/tiles/tile_math.hpp"
#include "rootzone/tiles/tileset.hpp"

namespace rootzone::storage {
class Store;
}

namespace rootzone::tiles {

class TreeIndex;

struct RenderOptions {
  int extent = 4096;
  int buffer = 64;  // tile units around the tile that each tile also carries
  // Simplification tolerance in tile units: a 512-pixel tile has 8 units per pixel, so with
  // the half unit of snapping nothing moves more than a pixel.
  double tolerance = 4;
  // Zones are found by their trees: a disc reaches this far (metres) beyond the tile at most.
  double max_zone_radius_m = 50;
};

// Not thread-safe: one per thread (it holds a PROJ transformer over the store's CRS).
class TileRenderer {
 public:
  TileRenderer(int store_srid, RenderOptions options = {});
  ~TileRenderer();
  TileRenderer(TileRenderer&&) noexcept;
  TileRenderer& operator=(TileRenderer&&) noexcept;

  // The encoded tile: "" when no layer has a feature there. Trees and their zones come from
  // `trees`, which must be current with `store`; works and conflicts from the store.
  std::string render(storage::Store& store, const TreeIndex& trees, const Tileset& set, TileId tile,
                     const View& view);
  const RenderOptions& options() const;
  // The store-CRS area the last render read (tile and buffer; zones reach max_zone_radius_m
  // further): what a cache entry of that tile depends on.
  geo::Bounds last_area() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rootzone::tiles
