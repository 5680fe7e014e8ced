#pragma once
// Serving tiles: rendering from the in-memory tree index and the store, the index's life
// (loaded once, refreshed where a write of ours changed data, reloaded after another process's
// write), the cache with its keys and invalidation, and entity tags. The HTTP layer only adapts
// this to requests (api/src/tiles/tile_routes.cpp); nothing here knows HTTP.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rootzone/geo/geometry.hpp"
#include "rootzone/tiles/tile_cache.hpp"
#include "rootzone/tiles/tile_math.hpp"
#include "rootzone/tiles/tileset.hpp"
#include "rootzone/tiles/tree_index.hpp"

namespace rootzone::storage {
class Store;
}  // namespace rootzone::storage

namespace rootzone::tiles {

// One cached tile: a tileset's tile as one view sees it.
struct TileKey {
  std::string tileset;
  TileId tile;
  std::string view;  // View::cache_key()

  std::string to_string() const;  // "city/15/17220/11434@public"
};

// Whether an If-None-Match list names `etag` (weak comparison, RFC 9110 13.1.2; "*" matches).
bool etag_matches(std::string_view if_none_match, std::string_view etag);

class TileService {
 public:
  // Runs a function while no write of this process is in progress and none starts (the live
  // engine's one writer): a tile request that sees the store's generation move waits for a
  // write of ours that committed but has not yet published, instead of reloading for it.
  using BetweenWrites = std::function<void(const std::function<void()>&)>;

  // Loads the tree index from `store`. `cache_bytes` 0: no caching (every request renders).
  TileService(storage::Store& store, int store_srid, std::size_t cache_bytes,
              BetweenWrites between_writes);
  ~TileService();
  TileService(const TileService&) = delete;
  TileService& operator=(const TileService&) = delete;

  // The tile, from the cache or rendered now with `store` (the calling thread's connection).
  // Another process's write seen in the store reloads the index and clears the cache first.
  CachedTile tile(storage::Store& store, const TileKey& key, const Tileset& set, const View& view);
  // Keeps the gzipped bytes of a cached tile beside it, while it is still that tile.
  void remember_gzip(const TileKey& key, const std::string& etag,
                     std::shared_ptr<const std::string> gzipped);

  // A committed write: the areas it changed (store CRS), or everything after another
  // process's write, at the store's `generation` after it. The index first, then the cache, so
  // a render that starts after the cache dropped its tiles finds the index changed already.
  void changed(storage::Store& store, const std::vector<geo::Bounds>& areas, bool everything,
               std::int64_t generation);

  // The data's extent in lon/lat (TileJSON bounds), computed once per data generation.
  std::optional<geo::Bounds> bounds_lonlat(storage::Store& store);

 private:
  void catch_up(storage::Store& store);
  void reload(storage::Store& store);

  int srid_;
  BetweenWrites between_writes_;
  TreeIndex trees_;
  TileCache cache_;
  std::mutex bounds_mutex_;
  std::int64_t bounds_generation_ = -1;
  std::optional<geo::Bounds> bounds_;
};

}  // namespace rootzone::tiles
