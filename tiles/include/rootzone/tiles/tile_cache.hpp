#pragma once
// Rendered tiles kept in memory, bounded in bytes (least recently used go first), dropped
// exactly where data changed: each entry remembers the store-CRS area its tile read (tile,
// buffer and the reach of zones), and a change drops the entries whose area it touches, at
// every zoom. A render that overlapped an invalidation is not stored, so no tile read before
// a write is served after that write returned.
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "rootzone/geo/geometry.hpp"

namespace rootzone::tiles {

struct CachedTile {
  std::shared_ptr<const std::string> body;     // the encoded tile ("" for an empty one)
  std::shared_ptr<const std::string> gzipped;  // made on the first request that accepts it
  std::string etag;                            // strong, quoted
};

// A strong ETag of the bytes (64-bit FNV-1a), quoted: "\"9f2c...\"".
std::string etag_of(const std::string& body);

class TileCache {
 public:
  explicit TileCache(std::size_t max_bytes);

  std::optional<CachedTile> find(const std::string& key);
  // The invalidation epoch: read it before rendering, hand it to put().
  std::uint64_t epoch() const;
  // Stores the tile unless an invalidation happened since `epoch_at_start`.
  void put(const std::string& key, CachedTile tile, const geo::Bounds& store_area,
           std::uint64_t epoch_at_start);
  // Adds the gzipped bytes to an entry that still has this ETag.
  void add_gzip(const std::string& key, const std::string& etag,
                std::shared_ptr<const std::string> gzipped);

  // Drops every entry whose area intersects one of `areas` (store CRS).
  std::size_t invalidate(const std::vector<geo::Bounds>& areas);
  void clear();

  std::size_t bytes() const;
  std::size_t size() const;

 private:
  struct Entry {
    std::string key;
    CachedTile tile;
    geo::Bounds area;
    std::size_t bytes = 0;
  };
  void drop(std::list<Entry>::iterator it);

  mutable std::mutex mutex_;
  std::size_t max_bytes_;
  std::size_t bytes_ = 0;
  std::uint64_t epoch_ = 0;
  std::list<Entry> lru_;  // most recent first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
};

}  // namespace rootzone::tiles
