#include "rootzone/tiles/tree_index.hpp"

#include <algorithm>
#include <cmath>

#include "rootzone/storage/data_generation.hpp"
#include "rootzone/storage/store.hpp"
#include "rootzone/storage/tile_query.hpp"

namespace rootzone::tiles {

TreeIndex::TreeIndex(double cell) : cell_(cell) { clear(); }

TreeIndex::Reader::Reader(const TreeIndex& index) : index_(&index) {
  { std::lock_guard turn(index.turn_); }
  lock_ = std::shared_lock(index.mutex_);
}

TreeIndex::Cell TreeIndex::cell_of(geo::Point p) const {
  // Clamped so that any box (a z0 tile's reaches far beyond a UTM zone) has cell numbers.
  const auto n = [&](double v) {
    const double c = std::floor(v / cell_);
    return static_cast<std::int64_t>(std::clamp(c, -2147483648.0, 2147483647.0));
  };
  return {n(p.x), n(p.y)};
}

PoolId TreeIndex::intern(Value v) {
  const auto [it, inserted] =
      pool_ids_.try_emplace(std::move(v), static_cast<PoolId>(pool_.size()));
  if (inserted) pool_.push_back(&it->first);
  return it->second;
}

void TreeIndex::add(const storage::TileTree& t) {
  IndexedTree x;
  x.location = t.location;
  x.id = t.id;
  const auto text = [&](std::string_view s) {
    return s.empty() ? kNoValue : intern(std::string(s));
  };
  const auto real = [&](const std::optional<double>& v) { return v ? intern(*v) : kNoValue; };
  x.number = intern(std::string(t.source_id));
  x.species = text(t.species_botanical);
  x.genus = text(t.genus);
  x.status = intern(std::string(t.status));
  x.crown = real(t.crown_diameter_m);
  x.height = real(t.height_m);
  x.circumference = real(t.circumference_cm);
  x.is_protected = t.is_protected;
  x.columnar = t.columnar;
  // The trees the conflict engine zones (storage/conflict_inputs.cpp): protected and standing.
  x.zoned = t.is_protected && t.status == "existing";
  const auto c = cell_of(t.location);
  if (cells_.empty()) {
    min_cell_ = max_cell_ = c;
  } else {
    min_cell_ = {std::min(min_cell_.x, c.x), std::min(min_cell_.y, c.y)};
    max_cell_ = {std::max(max_cell_.x, c.x), std::max(max_cell_.y, c.y)};
  }
  auto& cell = cells_[key(c)];
  // Loads come in id order; a refresh inserts where the id belongs.
  if (cell.empty() || cell.back().id < x.id) {
    cell.push_back(x);
  } else {
    const auto at =
        std::lower_bound(cell.begin(), cell.end(), x.id,
                         [](const IndexedTree& a, std::int64_t id) { return a.id < id; });
    cell.insert(at, x);
  }
  ++size_;
}

void TreeIndex::clear() {
  cells_.clear();
  pool_ids_.clear();
  pool_.clear();
  intern(Value(std::in_place_type<bool>, false));  // kPoolFalse
  intern(Value(std::in_place_type<bool>, true));   // kPoolTrue
  min_cell_ = {0, 0};
  max_cell_ = {-1, -1};
  size_ = 0;
}

// A refresh forgets trees but not their values, and every edit of a height or a crown may
// bring a new one: a server taking edits for months would grow without end (the soak of issue
// 15 measured 0.2 KiB per edit). Once the pool has doubled since it was last built, it is
// built again from the trees that are indexed: the cost, one pass over the index, comes at
// most once per as many new values as the pool held, so it is constant per edit.
void TreeIndex::compact_pool() {
  auto old_ids = std::move(pool_ids_);
  auto old = std::move(pool_);
  pool_ids_ = {};
  pool_ = {};
  intern(Value(std::in_place_type<bool>, false));  // kPoolFalse
  intern(Value(std::in_place_type<bool>, true));   // kPoolTrue
  std::vector<PoolId> renamed(old.size(), kNoValue);
  const auto again = [&](PoolId& id) {
    if (id == kNoValue) return;
    auto& to = renamed[id];
    if (to == kNoValue) to = intern(*old[id]);
    id = to;
  };
  for (auto& [k, cell] : cells_) {
    for (auto& t : cell) {
      for (auto* id :
           {&t.number, &t.species, &t.genus, &t.status, &t.crown, &t.height, &t.circumference}) {
        again(*id);
      }
    }
  }
  pool_after_compaction_ = pool_.size();
}

void TreeIndex::load(storage::Store& store) {
  std::lock_guard turn(turn_);
  std::unique_lock lock(mutex_);
  clear();
  storage::StoreSnapshot snapshot(store);
  generation_ = storage::data_generation(store);
  storage::for_each_tile_tree(store, [&](const storage::TileTree& t) { add(t); });
  pool_after_compaction_ = pool_.size();
}

void TreeIndex::refresh(storage::Store& store, const std::vector<geo::Bounds>& areas,
                        std::int64_t generation) {
  std::lock_guard turn(turn_);
  std::unique_lock lock(mutex_);
  for (const auto& a : areas) {
    for_each_cell_key(a, [&](std::uint64_t k) {
      const auto it = cells_.find(k);
      if (it == cells_.end()) return;
      size_ -=
          std::erase_if(it->second, [&](const IndexedTree& t) { return a.contains(t.location); });
      if (it->second.empty()) cells_.erase(it);
    });
  }
  // Values of forgotten trees stay in the pool until it is compacted (compact_pool).
  storage::StoreSnapshot snapshot(store);
  for (std::size_t i = 0; i < areas.size(); ++i) {
    const auto& a = areas[i];
    storage::for_each_tile_tree(store, {a.minx, a.miny, a.maxx, a.maxy},
                                [&](const storage::TileTree& t) {
                                  if (!a.contains(t.location)) return;
                                  // A tree in two overlapping areas was forgotten once and is added
                                  // once.
                                  for (std::size_t j = 0; j < i; ++j) {
                                    if (areas[j].contains(t.location)) return;
                                  }
                                  add(t);
                                });
  }
  if (pool_.size() > 2 * pool_after_compaction_ + 1024) compact_pool();
  generation_ = generation;
}

std::int64_t TreeIndex::generation() const {
  std::shared_lock lock(mutex_);
  return generation_;
}

std::size_t TreeIndex::pool_size() const {
  std::shared_lock lock(mutex_);
  return pool_.size();
}

std::size_t TreeIndex::size() const {
  std::shared_lock lock(mutex_);
  return size_;
}

}  // namespace rootzone::tiles
