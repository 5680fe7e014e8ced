#pragma once
// Every tree of the store as the tile layers draw it, in memory (docs/architecture.md: the server
// keeps what makes it fast in memory and changes it incrementally). A cold tile then reads its
// trees from a grid of cells instead of the R*Tree and thousands of rows, and encodes their
// attributes from a pool in which each distinct value is held once, so the encoder needs no
// hashing per tree (LayerBuilder::pooled_value_index).
//
// Kept current by its owner: refresh() re-reads the areas a write touched (a tree's old and
// new place, a work's footprint), load() re-reads everything (another process wrote). Readers
// hold a Reader while they render; a writer waits for them and new readers wait for a waiting
// writer, so a stream of tiles cannot starve an edit.
#include <algorithm>
#include <cstdint>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>
#include <vector>

#include "rootzone/geo/geometry.hpp"
#include "rootzone/tiles/mvt.hpp"

namespace rootzone::storage {
class Store;
struct TileTree;
}  // namespace rootzone::storage

namespace rootzone::tiles {

// Index into TreeIndex's value pool; kNoValue for a field the tree lacks.
using PoolId = std::uint32_t;
inline constexpr PoolId kNoValue = 0xffffffffU;
// The booleans have fixed ids.
inline constexpr PoolId kPoolFalse = 0;
inline constexpr PoolId kPoolTrue = 1;

struct IndexedTree {
  geo::Point location;  // store CRS
  std::int64_t id = 0;
  PoolId number = kNoValue;  // string values
  PoolId species = kNoValue;
  PoolId genus = kNoValue;
  PoolId status = kNoValue;
  PoolId crown = kNoValue;  // double values
  PoolId height = kNoValue;
  PoolId circumference = kNoValue;
  bool is_protected = false;
  bool columnar = false;
  bool zoned = false;  // protected and standing: it has protection zones
};

class TreeIndex {
 public:
  // `cell` is the side of the grid's square cells in store units (metres).
  explicit TreeIndex(double cell = 100);
  TreeIndex(const TreeIndex&) = delete;
  TreeIndex& operator=(const TreeIndex&) = delete;

  // Replaces everything with the store's trees, read in one snapshot together with the
  // store's data generation, which becomes generation().
  void load(storage::Store& store);
  // Forgets the trees inside `areas` (closed rectangles, store CRS) and reads the store's trees
  // there again; the index is then current with `generation`.
  void refresh(storage::Store& store, const std::vector<geo::Bounds>& areas,
               std::int64_t generation);
  // The store's data generation the index is current with; -1 before the first load.
  std::int64_t generation() const;
  std::size_t size() const;
  // Distinct values held (live and forgotten): bounded by about twice the live ones.
  std::size_t pool_size() const;

  class Reader {
   public:
    // The trees inside `box` (closed), cell by cell (rows from the south, west to east), in id
    // order within a cell: the same order for the same data.
    template <class F>
    void for_each(const geo::Bounds& box, F&& f) const {
      const auto& cells = index_->cells_;
      index_->for_each_cell_key(box, [&](std::uint64_t k) {
        const auto it = cells.find(k);
        if (it == cells.end()) return;
        for (const auto& t : it->second) {
          if (box.contains(t.location)) f(t);
        }
      });
    }
    const Value& value(PoolId id) const { return *index_->pool_[id]; }
    double number(PoolId id) const { return std::get<double>(value(id)); }

   private:
    friend class TreeIndex;
    explicit Reader(const TreeIndex& index);
    const TreeIndex* index_;
    std::shared_lock<std::shared_mutex> lock_;
  };
  Reader reader() const { return Reader(*this); }

 private:
  struct Cell {
    std::int64_t x, y;
  };
  static std::uint64_t key(Cell c) {
    return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(c.y)) << 32U) |
           static_cast<std::uint32_t>(c.x);
  }
  Cell cell_of(geo::Point p) const;
  // The keys of the cells `box` touches within the filled range, rows from the south, west
  // to east (the cell may be empty: look it up).
  template <class F>
  void for_each_cell_key(const geo::Bounds& box, F&& f) const {
    if (cells_.empty()) return;
    const auto c0 = cell_of({box.minx, box.miny});
    const auto c1 = cell_of({box.maxx, box.maxy});
    const auto x0 = std::max(c0.x, min_cell_.x), x1 = std::min(c1.x, max_cell_.x);
    const auto y0 = std::max(c0.y, min_cell_.y), y1 = std::min(c1.y, max_cell_.y);
    for (auto y = y0; y <= y1; ++y) {
      for (auto x = x0; x <= x1; ++x) f(key({x, y}));
    }
  }
  PoolId intern(Value v);
  void add(const storage::TileTree& t);
  void clear();
  void compact_pool();

  double cell_;
  // Writers take `turn_` before the exclusive lock, readers pass through it before the shared
  // one: a waiting writer goes before readers that come after it.
  mutable std::mutex turn_;
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::uint64_t, std::vector<IndexedTree>> cells_;
  Cell min_cell_{0, 0}, max_cell_{-1, -1};  // of every cell ever filled since the last load
  std::unordered_map<Value, PoolId> pool_ids_;
  std::vector<const Value*> pool_;         // the keys of pool_ids_, by id (node keys stay put)
  std::size_t pool_after_compaction_ = 0;  // pool_.size() after the last load or compaction
  std::size_t size_ = 0;
  std::int64_t generation_ = -1;
};

}  // namespace rootzone::tiles
