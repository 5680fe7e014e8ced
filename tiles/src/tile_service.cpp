#include "rootzone/tiles/tile_service.hpp"

#include <map>

#include "rootzone/geo/crs.hpp"
#include "rootzone/storage/data_generation.hpp"
#include "rootzone/storage/feature_query.hpp"
#include "rootzone/storage/store.hpp"
#include "rootzone/tiles/renderer.hpp"

namespace rootzone::tiles {

namespace {

// This thread's renderer for the store's CRS (a PROJ context per thread).
TileRenderer& thread_renderer(int srid) {
  thread_local std::map<int, TileRenderer> renderers;
  auto it = renderers.find(srid);
  if (it == renderers.end()) it = renderers.emplace(srid, TileRenderer(srid)).first;
  return it->second;
}

// The box around `b` (store CRS) in lon/lat, through points along its sides: a side that is
// straight in a projected CRS bends in lon/lat.
geo::Bounds lonlat_bounds(const geo::Bounds& b, int srid) {
  if (srid == 4326) return b;
  thread_local std::map<int, geo::Transformer> transformers;
  auto it = transformers.find(srid);
  if (it == transformers.end()) it = transformers.emplace(srid, geo::Transformer(srid, 4326)).first;
  geo::Bounds r{180, 90, -180, -90};
  for (int i = 0; i <= 8; ++i) {
    const double f = i / 8.0;
    for (const geo::Point p : {geo::Point{b.minx + f * (b.maxx - b.minx), b.miny},
                               geo::Point{b.minx + f * (b.maxx - b.minx), b.maxy},
                               geo::Point{b.minx, b.miny + f * (b.maxy - b.miny)},
                               geo::Point{b.maxx, b.miny + f * (b.maxy - b.miny)}}) {
      const auto q = it->second.forward(p);
      r = {std::min(r.minx, q.x), std::min(r.miny, q.y), std::max(r.maxx, q.x),
           std::max(r.maxy, q.y)};
    }
  }
  return r;
}

}  // namespace

std::string TileKey::to_string() const { return tileset + "/" + tile.to_string() + "@" + view; }

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  std::size_t pos = 0;
  while (pos < if_none_match.size()) {
    auto end = if_none_match.find(',', pos);
    if (end == std::string_view::npos) end = if_none_match.size();
    auto tag = if_none_match.substr(pos, end - pos);
    const auto first = tag.find_first_not_of(" \t");
    const auto last = tag.find_last_not_of(" \t");
    tag =
        first == std::string_view::npos ? std::string_view() : tag.substr(first, last - first + 1);
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == "*" || tag == etag) return true;
    pos = end + 1;
  }
  return false;
}

TileService::TileService(storage::Store& store, int store_srid, std::size_t cache_bytes,
                         BetweenWrites between_writes)
    : srid_(store_srid), between_writes_(std::move(between_writes)), cache_(cache_bytes) {
  trees_.load(store);
}

TileService::~TileService() = default;

void TileService::reload(storage::Store& store) {
  trees_.load(store);
  cache_.clear();
}

// Another process wrote since the index was loaded or last refreshed: everything held is
// reloaded before this request renders. A generation that moved because of our own write,
// committed but not yet published, is no reason: waiting for it to publish brings the index
// up to date.
void TileService::catch_up(storage::Store& store) {
  if (storage::data_generation(store) == trees_.generation()) return;
  between_writes_([&] {
    if (storage::data_generation(store) == trees_.generation()) return;
    reload(store);
  });
}

CachedTile TileService::tile(storage::Store& store, const TileKey& key, const Tileset& set,
                             const View& view) {
  catch_up(store);
  const auto text = key.to_string();
  if (auto cached = cache_.find(text)) return *cached;
  const auto epoch = cache_.epoch();
  auto& renderer = thread_renderer(srid_);
  auto body =
      std::make_shared<const std::string>(renderer.render(store, trees_, set, key.tile, view));
  CachedTile made{body, nullptr, etag_of(*body)};
  // The area the tile read: its square and buffer, and as far as a zone disc reaches.
  const auto area = renderer.last_area().grown(renderer.options().max_zone_radius_m);
  cache_.put(text, made, area, epoch);
  return made;
}

void TileService::remember_gzip(const TileKey& key, const std::string& etag,
                                std::shared_ptr<const std::string> gzipped) {
  cache_.add_gzip(key.to_string(), etag, std::move(gzipped));
}

void TileService::changed(storage::Store& store, const std::vector<geo::Bounds>& areas,
                          bool everything, std::int64_t generation) {
  // "Everything" after another process's write that a tile request has caught up with
  // already (the index is at the generation before this write) needs only this write's areas.
  if (everything && trees_.generation() != generation - 1) {
    reload(store);
  } else {
    trees_.refresh(store, areas, generation);
    cache_.invalidate(areas);
  }
}

std::optional<geo::Bounds> TileService::bounds_lonlat(storage::Store& store) {
  const auto generation = storage::data_generation(store);
  std::lock_guard lock(bounds_mutex_);
  if (generation == bounds_generation_) return bounds_;
  std::optional<geo::Bounds> ll;
  if (const auto e = storage::data_extent(store)) {
    ll = lonlat_bounds(*e, srid_);
  }
  bounds_generation_ = generation;
  bounds_ = ll;
  return ll;
}

}  // namespace rootzone::tiles
