#pragma once
// An MBTiles 1.3 file of a tileset for offline field devices
// (https://github.com/mapbox/mbtiles-spec/blob/master/1.3/spec.md): metadata with the
// TileJSON-style `json` (vector_layers), tiles gzip-compressed in TMS row order. Empty tiles
// are not written (a missing row is an empty tile to every reader).
#include <cstdint>
#include <filesystem>
#include <functional>

#include "rootzone/tiles/tileset.hpp"

namespace rootzone::storage {
class Store;
}

namespace rootzone::tiles {

struct ExportOptions {
  int minzoom = 0;
  int maxzoom = 16;
  View view = View::public_view();  // what the device's users may see
  // Called after each tile with the tiles done and the total (for a progress line).
  std::function<void(int z, std::uint64_t done, std::uint64_t total)> progress;
};

struct ExportResult {
  std::uint64_t tiles = 0;    // tiles looked at
  std::uint64_t written = 0;  // non-empty tiles stored
  std::uint64_t bytes = 0;    // their encoded size before gzip
};

// Writes a new file (storage::StoreExists when `out` exists); the tiles covering the store's
// data at each zoom of [minzoom, maxzoom]. std::invalid_argument for a bad zoom range.
ExportResult export_mbtiles(storage::Store& store, const Tileset& set,
                            const std::filesystem::path& out, const ExportOptions& options);

}  // namespace rootzone::tiles
