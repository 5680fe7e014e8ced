#include "rootzone/tiles/tile_cache.hpp"

#include <cstdio>
#include <cstring>

namespace rootzone::tiles {

std::string etag_of(const std::string& body) {
  // FNV-1a over 8-byte words with the high half folded back each step (a byte at a time cost
  // as much as encoding a 400 KB tile); the tail and the length go in as the last word.
  std::uint64_t h = 14695981039346656037ULL;
  const auto mix = [&](std::uint64_t w) {
    h = (h ^ w) * 1099511628211ULL;
    h ^= h >> 32U;
  };
  std::size_t i = 0;
  for (; i + 8 <= body.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, body.data() + i, 8);
    mix(w);
  }
  std::uint64_t tail = body.size();
  for (std::size_t k = 0; i < body.size(); ++i, ++k) {
    tail ^= static_cast<std::uint64_t>(static_cast<unsigned char>(body[i])) << (8 * k + 8);
  }
  mix(tail);
  char buf[24];
  std::snprintf(buf, sizeof buf, "\"%016llx\"", static_cast<unsigned long long>(h));
  return buf;
}

TileCache::TileCache(std::size_t max_bytes) : max_bytes_(max_bytes) {}

std::optional<CachedTile> TileCache::find(const std::string& key) {
  std::lock_guard lock(mutex_);
  const auto it = index_.find(key);
  if (it == index_.end()) return std::nullopt;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->tile;
}

std::uint64_t TileCache::epoch() const {
  std::lock_guard lock(mutex_);
  return epoch_;
}

void TileCache::drop(std::list<Entry>::iterator it) {
  bytes_ -= it->bytes;
  index_.erase(it->key);
  lru_.erase(it);
}

void TileCache::put(const std::string& key, CachedTile tile, const geo::Bounds& store_area,
                    std::uint64_t epoch_at_start) {
  // The key and the bookkeeping count too: a million empty tiles are not free.
  const std::size_t size = tile.body->size() + 2 * key.size() + 128;
  std::lock_guard lock(mutex_);
  if (epoch_at_start != epoch_ || size > max_bytes_) return;
  if (const auto it = index_.find(key); it != index_.end()) drop(it->second);
  lru_.push_front({key, std::move(tile), store_area, size});
  index_[key] = lru_.begin();
  bytes_ += size;
  while (bytes_ > max_bytes_ && !lru_.empty()) drop(std::prev(lru_.end()));
}

void TileCache::add_gzip(const std::string& key, const std::string& etag,
                         std::shared_ptr<const std::string> gzipped) {
  std::lock_guard lock(mutex_);
  const auto it = index_.find(key);
  if (it == index_.end() || it->second->tile.etag != etag || it->second->tile.gzipped) return;
  it->second->bytes += gzipped->size();
  bytes_ += gzipped->size();
  it->second->tile.gzipped = std::move(gzipped);
  while (bytes_ > max_bytes_ && !lru_.empty()) drop(std::prev(lru_.end()));
}

std::size_t TileCache::invalidate(const std::vector<geo::Bounds>& areas) {
  std::lock_guard lock(mutex_);
  ++epoch_;
  std::size_t dropped = 0;
  for (auto it = lru_.begin(); it != lru_.end();) {
    bool hit = false;
    for (const auto& a : areas) hit = hit || a.intersects(it->area);
    if (hit) {
      const auto next = std::next(it);
      drop(it);
      it = next;
      ++dropped;
    } else {
      ++it;
    }
  }
  return dropped;
}

void TileCache::clear() {
  std::lock_guard lock(mutex_);
  ++epoch_;
  lru_.clear();
  index_.clear();
  bytes_ = 0;
}

std::size_t TileCache::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

std::size_t TileCache::size() const {
  std::lock_guard lock(mutex_);
  return index_.size();
}

}  // namespace rootzone::tiles
