#pragma once
// Pages of /collections/trees/items from memory (issue 18): every tree's GeoJSON feature is
// held as the bytes write_tree_feature() writes, without the property names, its repeated
// strings (site, species, dates ...) once in a pool. A bbox page is then a walk over 100 m cells
// and a few copies per tree, where the SQL path reads the R*Tree and the rows and writes JSON.
//
// Exact or not at all: page() answers only what it answers byte for byte as the SQL path would
// (a bbox and nothing else: no filter, no property equality, no sortby; in CRS84, EPSG:4326 or
// the store's CRS) and only while it is current with the store's data generation. Anything else
// returns nullopt and the caller asks storage (docs/api.md, "Item pages from memory").
//
// Kept current like the tiles' tree index: changed() re-reads the areas a write of this process
// touched; a generation that moved without us (another process wrote) makes page() fall back
// to SQL until a reload, which the first request that sees it runs between writes.
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "crs_uris.hpp"
#include "rootzone/geo/geometry.hpp"
#include "rootzone/geo/tree.hpp"
#include "rootzone/storage/feature_query.hpp"

namespace rootzone::storage {
class Store;
}

namespace rootzone::api {

class TreePages {
 public:
  // Runs a function while no write of this process is in progress (core::LiveEngine).
  using BetweenWrites = std::function<void(const std::function<void()>&)>;

  // Loads every tree of `store`. enabled false (ROOTZONE_ITEMS_FROM_SQL=1): holds nothing and
  // page() always declines, so tests and benchmarks can compare with the SQL path.
  TreePages(storage::Store& store, int store_srid, bool enabled, BetweenWrites between_writes);
  ~TreePages();
  TreePages(const TreePages&) = delete;
  TreePages& operator=(const TreePages&) = delete;

  struct Written {
    std::size_t count = 0;
    std::int64_t matched = 0;
    bool more = false;
    std::int64_t last_id = 0;
  };
  // Appends the page's features, comma separated, to `out` and says what the page holds; or
  // nullopt, leaving `out` as it was, when the memory cannot answer exactly (see above).
  std::optional<Written> page(storage::Store& store, const storage::FeatureQuery& q,
                              const OutputCrs& crs, std::string& out);

  // A committed write of this process: the areas it changed at the store's `generation`.
  void changed(storage::Store& store, const std::vector<geo::Bounds>& areas, bool everything,
               std::int64_t generation);

  // For tests and the memory report: trees held, distinct pooled values, the generation.
  std::size_t size() const;
  std::size_t pool_size() const;
  std::int64_t generation() const;

  struct Data;  // cells of encoded trees and their pool (tree_pages.cpp)

 private:
  void load(storage::Store& store);
  void catch_up(storage::Store& store);

  int srid_;
  bool enabled_;
  BetweenWrites between_writes_;
  // Writers take `turn_` before the exclusive lock, pages pass through it before the shared
  // one: a stream of pages cannot starve an edit (as tiles::TreeIndex).
  std::mutex turn_;
  mutable std::shared_mutex mutex_;
  std::unique_ptr<Data> data_;
  std::mutex reloading_;
};

}  // namespace rootzone::api
